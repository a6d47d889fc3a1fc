/**
 * Character offsets of tokens in the original text.
 *
 * @huggingface/tokenizers returns tokens but no offset mapping, so the offsets are recovered by walking a cursor
 * over the text: normalize the text the way the tokenizer does (keeping a map back to the original), then for
 * each token skip whitespace, strip its subword prefix (`##`) or space marker (`Ġ`, `▁`), and match it at the
 * cursor. `[UNK]` matches whatever the current pre-token is (BERT's pre-tokenizer splits on whitespace, on every
 * punctuation character and around CJK ideographs; WordPiece turns a whole pre-token into `[UNK]`).
 *
 * Offsets are UTF-16 code-unit indices, so `text.slice(start, end)` is the token's text. Python's tokenizers
 * return code-point offsets instead (`sentence[start:end]` on a Python str); the two differ after any character
 * outside the Basic Multilingual Plane (emoji, rare CJK ideographs), which takes two UTF-16 units but one code
 * point. Offsets computed here must not be compared with Python's without converting.
 *
 * A token that cannot be found gets `null` and does not move the cursor. Before giving up, the token is searched
 * further on, and a later match is accepted only when the following token also matches right after it, so one
 * odd token (a character the tokenizer normalizes in a way not modelled here, a ligature, a byte-level piece)
 * costs that token's offsets but does not desynchronize the rest.
 */

import {
  codePointWidth,
  isCjkIdeograph,
  isPunctuation,
  isWhitespace,
  normalizeWithMap,
  type NormalizeOptions,
  type NormalizedText,
} from './normalized-text.js';

export interface TokenSpan {
  start: number;
  end: number;
}

export interface AlignOptions extends NormalizeOptions {
  /** Tokens added around the text ([CLS], [SEP], [PAD]): they get `null` and consume nothing. */
  specialTokens: ReadonlySet<string>;
  /** WordPiece's continuing-subword prefix (`##`). Without it, leading `Ġ`/`▁` space markers are stripped instead. */
  continuingSubwordPrefix?: string;
  /** The unknown token; it is recognised even when it is also listed in `specialTokens`. */
  unkToken?: string;
  /** Whether the tokenizer makes each CJK ideograph its own pre-token (BertNormalizer's default). Default true. */
  handleChineseChars?: boolean;
}

type Piece =
  | { kind: 'skip' }
  | { kind: 'unk' }
  /** `wordStart`: the token begins a word, so it can only start at a pre-token boundary. */
  | { kind: 'text'; surface: string; wordStart: boolean };

const SPACE_MARKERS = /^[Ġ▁]+/u;

/** One span or `null` per token, in order; `null` for special tokens and for tokens not found in the text. */
export function alignTokens(text: string, tokens: readonly string[], options: AlignOptions): (TokenSpan | null)[] {
  return new Aligner(normalizeWithMap(text, options), tokens.map((t) => classify(t, options)), options).run();
}

function classify(token: string, options: AlignOptions): Piece {
  if (options.unkToken !== undefined && token === options.unkToken) return { kind: 'unk' };
  if (options.specialTokens.has(token)) return { kind: 'skip' };
  const prefix = options.continuingSubwordPrefix;
  if (prefix !== undefined && prefix !== '') {
    const continues = token.startsWith(prefix) && token.length > prefix.length;
    return { kind: 'text', surface: continues ? token.slice(prefix.length) : token, wordStart: !continues };
  }
  const surface = token.replace(SPACE_MARKERS, '');
  return { kind: 'text', surface, wordStart: surface.length < token.length };
}

class Aligner {
  private readonly norm: string;
  private readonly wordPiece: boolean;
  private readonly splitCjk: boolean;

  constructor(
    private readonly normalized: NormalizedText,
    private readonly pieces: readonly Piece[],
    options: AlignOptions,
  ) {
    this.norm = normalized.text;
    this.wordPiece = options.continuingSubwordPrefix !== undefined && options.continuingSubwordPrefix !== '';
    this.splitCjk = options.handleChineseChars ?? true;
  }

  run(): (TokenSpan | null)[] {
    const spans: (TokenSpan | null)[] = [];
    let cursor = 0;
    for (let i = 0; i < this.pieces.length; i++) {
      const piece = this.pieces[i]!;
      const p = this.skipWhitespace(cursor);
      let match: { from: number; to: number } | null = null;
      if (piece.kind === 'unk') {
        const to = this.unknownEnd(p, i);
        if (to > p) match = { from: p, to };
      } else if (piece.kind === 'text' && piece.surface !== '') {
        const from = this.norm.startsWith(piece.surface, p) ? p : this.resync(i, piece, p);
        if (from >= 0) match = { from, to: from + piece.surface.length };
      }
      if (match === null) {
        spans.push(null);
        continue;
      }
      spans.push(this.toOriginal(match.from, match.to));
      cursor = match.to;
    }
    return spans;
  }

  private toOriginal(from: number, to: number): TokenSpan {
    return { start: this.normalized.originalStart[from]!, end: this.normalized.originalEnd[to - 1]! };
  }

  private skipWhitespace(at: number): number {
    let p = at;
    while (p < this.norm.length && isWhitespace(this.norm[p]!)) p++;
    return p;
  }

  private codePointAt(at: number): number {
    return this.norm.codePointAt(at)!;
  }

  /** A character that is a pre-token on its own. */
  private isSingleCharPreToken(cp: number): boolean {
    return isPunctuation(cp) || (this.splitCjk && isCjkIdeograph(cp));
  }

  /** Whether a word may start at `at`: start of text, after whitespace, or next to a one-character pre-token. */
  private isWordBoundary(at: number): boolean {
    if (at === 0 || at >= this.norm.length) return true;
    if (this.isSingleCharPreToken(this.codePointAt(at))) return true;
    const unit = this.norm.charCodeAt(at - 1);
    const cp = at >= 2 && unit >= 0xdc00 && unit <= 0xdfff ? this.codePointAt(at - 2) : unit;
    return isWhitespace(String.fromCodePoint(cp)) || this.isSingleCharPreToken(cp);
  }

  /** End of the pre-token starting at `p`: what WordPiece replaced with the unknown token. */
  private unknownEnd(p: number, index: number): number {
    if (p >= this.norm.length) return p;
    const first = this.codePointAt(p);
    if (this.isSingleCharPreToken(first)) return p + codePointWidth(first);
    let end = p;
    while (end < this.norm.length) {
      const cp = this.codePointAt(end);
      if (isWhitespace(String.fromCodePoint(cp)) || this.isSingleCharPreToken(cp)) break;
      end += codePointWidth(cp);
    }
    // Non-WordPiece tokenizers (SentencePiece, BPE) may emit the unknown token for part of a word only: stop
    // where the next token, a continuation of the same word, starts.
    const next = this.pieces[index + 1];
    if (!this.wordPiece && next?.kind === 'text' && !next.wordStart && next.surface !== '') {
      for (let q = p + codePointWidth(first); q < end; q++) {
        if (this.norm.startsWith(next.surface, q)) return q;
      }
    }
    return end;
  }

  /** A later position where the token matches and the next token fits right after it, or -1. */
  private resync(index: number, piece: { surface: string; wordStart: boolean }, from: number): number {
    for (let q = this.norm.indexOf(piece.surface, from + 1); q >= 0; q = this.norm.indexOf(piece.surface, q + 1)) {
      if (piece.wordStart && !this.isWordBoundary(q)) continue;
      if (this.nextFitsAt(index, q + piece.surface.length)) return q;
    }
    return -1;
  }

  private nextFitsAt(index: number, at: number): boolean {
    for (let j = index + 1; j < this.pieces.length; j++) {
      const next = this.pieces[j]!;
      if (next.kind === 'skip' || (next.kind === 'text' && next.surface === '')) continue;
      if (next.kind === 'unk') return this.skipWhitespace(at) < this.norm.length;
      return next.wordStart ? this.norm.startsWith(next.surface, this.skipWhitespace(at)) : this.norm.startsWith(next.surface, at);
    }
    return true;
  }
}
