import MiniSearch from 'minisearch';

/**
 * Words too common in chat to say what a message is about. Kept short on purpose: BM25's IDF
 * already discounts frequent words, and every word listed here can never be searched for.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'can', 'did', 'do', 'does', 'for', 'from', 'had', 'has', 'have',
  'how', 'i', 'if', 'in', 'is', 'it', 'its', 'me', 'my', 'of', 'on', 'or', 'our', 'so', 'that', 'the', 'their', 'then',
  'there', 'this', 'to', 'us', 'was', 'we', 'were', 'what', 'when', 'where', 'which', 'who', 'why', 'will', 'with', 'you', 'your',
]);

/** MiniSearch's own tokenizer: splits on Unicode whitespace and punctuation. */
export const tokenize: (text: string) => string[] = MiniSearch.getDefault('tokenize');

/**
 * One token as the index stores it: case-folded (NFKC first, so full-width and compatibility
 * forms fold too), or null for a stop word. MiniSearch ships no stemmer, so none is applied.
 */
export function processTerm(token: string): string | null {
  const term = token.normalize('NFKC').toLowerCase();
  return term.length === 0 || STOP_WORDS.has(term) ? null : term;
}
