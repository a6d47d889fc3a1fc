/**
 * Which tokens continue a word, and how word pieces join back into text: the rules the word-level
 * aggregation strategies (first, average, max) rely on.
 */

import { isWhitespace } from './normalized-text.js';

/**
 * Whether a token continues the word of the token before it.
 *
 * With a continuing-subword prefix (WordPiece `##`), the prefix decides. Python compares the token's length
 * with its text's (`len(token) != len(sentence[start:end])`), which gives the same answer except when
 * normalization changes a word's length (decomposed accents in an uncased model), where Python wrongly calls a
 * whole word a subword; the prefix also still works for a token whose offsets could not be recovered.
 *
 * Without a prefix (SentencePiece, byte-level BPE) this is Python's fallback heuristic: the token continues a
 * word when neither the character before it nor its first character is whitespace. Python checks for a plain
 * space only; any whitespace counts here, so a word after a newline starts a new word. A token without a
 * (non-empty) span never continues a word, as in Python.
 */
export function isSubwordToken(
  token: string,
  text: string,
  start: number | null,
  end: number | null,
  continuingSubwordPrefix?: string,
): boolean {
  if (continuingSubwordPrefix !== undefined && continuingSubwordPrefix !== '') {
    return token.startsWith(continuingSubwordPrefix) && token.length > continuingSubwordPrefix.length;
  }
  if (start === null || end === null || end <= start || start === 0) return false;
  return !isWhitespace(text.charAt(start - 1)) && !isWhitespace(text.charAt(start));
}

/**
 * Join WordPiece tokens into text the way the WordPiece decoder does without its cleanup pass: a piece with the
 * prefix is glued to the previous one, any other piece is preceded by a space. The first piece is kept as is.
 */
export function joinWordPieces(pieces: readonly string[], continuingSubwordPrefix = '##'): string {
  let out = '';
  pieces.forEach((piece, i) => {
    if (i === 0) out = piece;
    else if (piece.startsWith(continuingSubwordPrefix)) out += piece.slice(continuingSubwordPrefix.length);
    else out += ` ${piece}`;
  });
  return out;
}
