import { processTerm, tokenize } from './terms.js';

/** Longest snippet, in UTF-16 code units, the "…" marks included. */
export const SNIPPET_MAX_LENGTH = 160;
/** How much text before the first matching word a snippet tries to keep. */
const LEAD = 30;
const ELLIPSIS = '…';

interface Span {
  start: number;
  end: number;
  term: string;
}

/** Where each word whose indexed term is in `terms` sits in `text`. */
function matchingSpans(text: string, terms: ReadonlySet<string>): Span[] {
  const spans: Span[] = [];
  let from = 0;
  for (const token of tokenize(text)) {
    if (token.length === 0) continue;
    const start = text.indexOf(token, from);
    if (start < 0) continue;
    from = start + token.length;
    const term = processTerm(token);
    if (term !== null && terms.has(term)) spans.push({ start, end: from, term });
  }
  return spans;
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** `index`, moved back by one where cutting there would split a surrogate pair. */
function safeCut(text: string, index: number): number {
  return index > 0 && index < text.length && isLow(text.charCodeAt(index)) && isHigh(text.charCodeAt(index - 1)) ? index - 1 : index;
}

/**
 * The part of `text` with the most distinct matching terms within SNIPPET_MAX_LENGTH, cut at
 * whitespace where it can be and never inside a surrogate pair; the text's start when none match.
 */
export function makeSnippet(text: string, terms: Iterable<string>): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= SNIPPET_MAX_LENGTH) return flat;
  const room = SNIPPET_MAX_LENGTH - 2 * ELLIPSIS.length;
  const spans = matchingSpans(flat, new Set(terms));

  let bestStart = 0;
  let bestCount = -1;
  for (const span of spans) {
    const start = Math.max(0, Math.min(span.start - LEAD, flat.length - room));
    const inside = new Set(spans.filter((s) => s.start >= start && s.end <= start + room).map((s) => s.term));
    if (inside.size > bestCount) {
      bestCount = inside.size;
      bestStart = start;
    }
  }

  let start = bestStart;
  let end = Math.min(flat.length, start + room);
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    if (space >= 0 && space < start + LEAD) start = space + 1;
  }
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > start + room / 2) end = space;
  }
  start = safeCut(flat, start);
  end = safeCut(flat, end);
  return `${start > 0 ? ELLIPSIS : ''}${flat.slice(start, end).trim()}${end < flat.length ? ELLIPSIS : ''}`;
}
