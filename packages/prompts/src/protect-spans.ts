/**
 * Spans a translation model must not touch (code, links, mentions, emoji) are swapped for
 * numbered placeholders before translation and put back after.
 *
 * Placeholder design: `{0}`, `{1}`, … ASCII braces and digits are in every SentencePiece
 * vocabulary (a non-ASCII marker such as `⟦0⟧` can come back as `<unk>` from a Marian model), and
 * the OPUS corpora the opus-mt models were trained on hold much software localization (KDE, GNOME,
 * Ubuntu) full of `{0}`-style format arguments, which the models learned to copy verbatim. An
 * XML-like `<x0>` could be confused with Slack's own `<…>` markup. `restore` accepts spaces inside
 * the braces and full-width braces (`｛0｝`, a common CJK output), and text that already looks like a
 * placeholder is itself protected, so a restore can never mistake it for one.
 */

export interface ProtectedText {
  /** The text with each span replaced by its placeholder. */
  text: string;
  /** The protected spans; span `i` is behind placeholder `{i}`. */
  spans: readonly string[];
  /**
   * Puts every span back into a translation of `text`, wherever the model moved its placeholder.
   * A placeholder the model dropped has its span appended at the end; a duplicated one is
   * restored once.
   */
  restore(translated: string): string;
}

export interface Piece {
  kind: 'text' | 'span';
  text: string;
}

const PLACEHOLDER_SOURCE = String.raw`[{\uFF5B][ \t\u3000]*(\d{1,6})[ \t\u3000]*[}\uFF5D]`;

const EMOJI_ATOM = String.raw`\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?`;
const SPAN_SOURCES = [
  // Fenced code block, closed.
  String.raw`\x60\x60\x60[\s\S]*?\x60\x60\x60`,
  // Inline code on one line.
  String.raw`\x60[^\x60\n]+\x60`,
  // Slack and Discord markup: links, user, channel, role and broadcast mentions, custom emoji, timestamps.
  String.raw`<(?:https?:\/\/|mailto:|[@#!]|t:-?\d+)[^<>\n]*>`,
  String.raw`<a?:\w+:\d+>`,
  // Bare URLs; trailing sentence punctuation is trimmed afterwards.
  String.raw`https?:\/\/[^\s<>\x60]+`,
  // E-mail addresses, before @mentions so the local part is not left behind.
  String.raw`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`,
  // @mentions (a plain-text mention after an adapter resolved ids to names).
  String.raw`(?<![\p{L}\p{N}_])@[\p{L}\p{N}_][\p{L}\p{N}_.\-]*`,
  // :shortcode: emoji (at least one letter, so `10:30:45` is not one, but :+1: and :100: are).
  String.raw`:(?:[a-z0-9_+\-]*[a-z][a-z0-9_+\-]*|[+\-]1|100|1234):`,
  // Unicode emoji: flags, keycaps, tag sequences (🏴 subdivision flags) and ZWJ sequences.
  String.raw`\p{Regional_Indicator}{2}`,
  String.raw`[#*0-9]\uFE0F?\u20E3`,
  String.raw`${EMOJI_ATOM}(?:[\u{E0020}-\u{E007E}]+\u{E007F}|(?:\u200D${EMOJI_ATOM})+)?`,
  PLACEHOLDER_SOURCE,
];
const SPAN = new RegExp(SPAN_SOURCES.map((s) => `(?:${s})`).join('|'), 'giu');

/** A URL does not end in sentence punctuation, nor in a `)` it did not open. */
function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const c = url[end - 1];
    if (c !== undefined && '.,;:!?\'"'.includes(c)) end--;
    else if (c === ')' && count(url.slice(0, end), '(') < count(url.slice(0, end), ')')) end--;
    else break;
  }
  return url.slice(0, end);
}

function count(s: string, c: string): number {
  return s.split(c).length - 1;
}

/** The text cut into translatable pieces and protected spans, adjacent spans merged. */
export function splitSpans(text: string): Piece[] {
  const pieces: Piece[] = [];
  const push = (kind: Piece['kind'], s: string) => {
    if (s === '') return;
    const last = pieces.at(-1);
    if (last?.kind === kind) last.text += s;
    else pieces.push({ kind, text: s });
  };
  let at = 0;
  for (const m of text.matchAll(SPAN)) {
    let span = m[0];
    if (/^https?:/i.test(span)) span = trimUrl(span);
    else if (span.startsWith('@')) span = span.replace(/[.\-]+$/, '');
    push('text', text.slice(at, m.index));
    push('span', span);
    at = m.index + span.length;
    // A trimmed URL left characters behind: they are text, and matching resumes after the match.
    push('text', text.slice(at, m.index + m[0].length));
    at = m.index + m[0].length;
  }
  push('text', text.slice(at));
  return pieces;
}

/** The translatable pieces of `text`, in order: everything between the protected spans. */
export function segments(text: string): string[] {
  return splitSpans(text)
    .filter((p) => p.kind === 'text')
    .map((p) => p.text);
}

export function placeholder(index: number): string {
  return `{${index}}`;
}

export function protectSpans(text: string): ProtectedText {
  const spans: string[] = [];
  const out = splitSpans(text)
    .map((p) => {
      if (p.kind === 'text') return p.text;
      spans.push(p.text);
      return placeholder(spans.length - 1);
    })
    .join('');
  return { text: out, spans, restore: (translated) => restoreSpans(translated, spans) };
}

export function restoreSpans(translated: string, spans: readonly string[]): string {
  const used = new Set<number>();
  const restored = translated.replace(new RegExp(PLACEHOLDER_SOURCE, 'gu'), (match, digits: string) => {
    const i = Number(digits);
    const span = spans[i];
    if (span === undefined) return match;
    if (used.has(i)) return '';
    used.add(i);
    return span;
  });
  const missing = spans.filter((_, i) => !used.has(i));
  if (missing.length === 0) return restored;
  return [restored.trimEnd(), ...missing].filter((s) => s !== '').join(' ');
}
