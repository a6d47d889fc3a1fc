import { isCodedError } from '@parley/errors';
import { parseLanguage } from '@parley/prompts';

/**
 * The language named at the start of `words` and how many words it took: names run to three
 * words ("Norwegian Nynorsk", "Bahasa Indonesia"), so the longest known one wins. When none is
 * known, the first word's error is thrown: it names the language the user most likely meant,
 * with suggestions.
 */
export function leadingLanguage(words: readonly string[]): { language: string; used: number } {
  for (let n = Math.min(3, words.length); n >= 1; n--) {
    const candidate = words.slice(0, n).join(' ');
    try {
      parseLanguage(candidate);
      return { language: candidate, used: n };
    } catch (err) {
      if (!isCodedError(err) || err.code !== 'UNKNOWN_LANGUAGE' || n === 1) throw err;
    }
  }
  throw new Error('unreachable: the loop ends with one word');
}
