/**
 * The text as a BERT-style normalizer (`BertNormalizer` in tokenizer.json) sees it, together with a map from
 * every UTF-16 unit of the normalized text back to the original character it came from.
 *
 * The normalization is applied one code point at a time, in the tokenizer's order: clean control characters
 * and turn whitespace into spaces, strip accents (NFD, then drop non-spacing marks), lowercase. Working per code
 * point keeps the back-map exact: each normalized unit knows the original code point that produced it. The
 * spaces BertNormalizer puts around CJK ideographs are left out: they only make each ideograph a pre-token,
 * which the aligner knows by itself.
 */

export interface NormalizeOptions {
  /** Lowercase each character (uncased models). */
  lowercase?: boolean;
  /** Strip accents (NFD, then drop combining marks). Defaults to `lowercase`, as BertNormalizer does when `strip_accents` is null. */
  stripAccents?: boolean;
  /** Drop control and format characters and turn every whitespace character into a space. Default true. */
  cleanText?: boolean;
}

export interface NormalizedText {
  /** The normalized text. */
  readonly text: string;
  /** For each UTF-16 unit of `text`: the index in the original string where its source character starts. */
  readonly originalStart: readonly number[];
  /** For each UTF-16 unit of `text`: the index in the original string just after its source character. */
  readonly originalEnd: readonly number[];
}

const OTHER = /^\p{C}$/u;
const WHITESPACE = /^\s$/u;
const UNICODE_PUNCTUATION = /^\p{P}$/u;
const MARK = /^\p{M}$/u;
const NONSPACING_MARKS = /\p{Mn}/gu;

export function normalizeWithMap(text: string, options: NormalizeOptions = {}): NormalizedText {
  const lowercase = options.lowercase ?? false;
  const settings = {
    lowercase,
    stripAccents: options.stripAccents ?? lowercase,
    cleanText: options.cleanText ?? true,
  };
  const parts: string[] = [];
  const originalStart: number[] = [];
  const originalEnd: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const width = codePointWidth(cp);
    const char = text.slice(i, i + width);
    const piece = normalizeChar(char, cp, settings);
    if (piece === '' && MARK.test(char) && originalEnd.at(-1) === i) {
      // A stripped combining accent still belongs to the letter before it: "e\u0301" spans both units.
      originalEnd[originalEnd.length - 1] = i + width;
    }
    for (let k = 0; k < piece.length; k++) {
      originalStart.push(i);
      originalEnd.push(i + width);
    }
    parts.push(piece);
    i += width;
  }
  return { text: parts.join(''), originalStart, originalEnd };
}

function normalizeChar(char: string, cp: number, settings: Required<NormalizeOptions>): string {
  if (settings.cleanText) {
    if (cp === 0 || cp === 0xfffd || isControl(char)) return '';
    if (isWhitespace(char)) return ' ';
  }
  let out = char;
  if (settings.stripAccents) out = out.normalize('NFD').replace(NONSPACING_MARKS, '');
  if (settings.lowercase) out = out.toLowerCase();
  return out;
}

/** UTF-16 units taken by a code point (2 for characters outside the Basic Multilingual Plane). */
export function codePointWidth(cp: number): number {
  return cp > 0xffff ? 2 : 1;
}

/** Whitespace as the tokenizer's pre-tokenizer splits on it (one character). */
export function isWhitespace(char: string): boolean {
  return WHITESPACE.test(char);
}

/** Control and format characters that BERT's `clean_text` removes; tab, newline and CR count as whitespace instead. */
function isControl(char: string): boolean {
  return char !== '\t' && char !== '\n' && char !== '\r' && OTHER.test(char);
}

/** BERT's punctuation: every non-alphanumeric ASCII symbol (so `$`, `+`, `^` too) and Unicode category P. */
export function isPunctuation(cp: number): boolean {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return cp >= 128 && UNICODE_PUNCTUATION.test(String.fromCodePoint(cp));
}

/** The CJK Unified Ideograph blocks that BERT's `handle_chinese_chars` isolates (not kana or hangul). */
export function isCjkIdeograph(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}
