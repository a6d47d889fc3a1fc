// Ways to cut text into smaller pieces that concatenate back to it, for fitting text into a token budget.

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });

export function splitGraphemes(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}

/** Sentences with their trailing whitespace; they concatenate back to `text`. */
export function splitSentences(text: string): string[] {
  return Array.from(sentences.segment(text), (s) => s.segment);
}

/** Words with their trailing whitespace (leading whitespace is a piece of its own). */
export function splitWords(text: string): string[] {
  return text.match(/^\s+|\S+\s*/g) ?? [];
}

/** Two halves on a grapheme boundary, or the text alone if it is a single grapheme. */
export function halve(text: string): string[] {
  const g = splitGraphemes(text);
  if (g.length < 2) return [text];
  const mid = Math.ceil(g.length / 2);
  return [g.slice(0, mid).join(''), g.slice(mid).join('')];
}
