import { parseOverrides, type Settings } from '@parley/settings';

/** `private` or `--private`, as a word of its own. */
export const isPrivateWord = (word: string): boolean => /^(?:--)?private$/i.test(word);

function dropLeadingPrivate(text: string): { text: string; found: boolean } {
  const match = /^\s*private(?:\s+|$)/i.exec(text);
  return match ? { text: text.slice(match[0].length), found: true } : { text, found: false };
}

/**
 * What every platform's slash command reads before its own words: settings
 * (`temperature=0.3 preset=creative`) and the request to answer privately. `--private` may stand
 * anywhere; a bare `private` only first or right after the settings, where it cannot be part of
 * the text to translate or search (`/translate private German …`, `/entities private …`).
 */
export function readCommandPrefix(text: string): { overrides: Settings; rest: string; private: boolean } {
  const dashedOut = text.replace(/(^|\s)--private(?=\s|$)/gi, '$1');
  const leading = dropLeadingPrivate(dashedOut);
  const { overrides, rest } = parseOverrides(leading.text);
  const afterSettings = dropLeadingPrivate(rest);
  return { overrides, rest: afterSettings.text, private: dashedOut !== text || leading.found || afterSettings.found };
}
