/** What a user asked for in an @mention, read from the words after the mention. */
export type MentionIntent =
  | { task: 'summarize' }
  | { task: 'entities' }
  | { task: 'translate'; language: string }
  | { task: 'ask'; question: string }
  | { task: 'help' };

const SUMMARIZE = /^(?:please\s+)?(?:summari[sz]e|sum\s+up|tl;?dr|recap)\b/i;
const ENTITIES = /^(?:please\s+)?(?:entities|extract\s+entities|who\s+and\s+what|list\s+(?:the\s+)?(?:people|names))\b/i;
const TRANSLATE = /^(?:please\s+)?translate(?:\s+(?:this|it|the\s+thread))?(?:\s+(?:to|into))?\s+(.+)$/i;

/** "privately" or `--private` anywhere, with the comma or colon that may follow it. */
const PRIVATELY = /(?:^|\s)(?:privately|--private)(?:[,:;]|(?=[.!?]*(?:\s|$)))/gi;

/** The intent, and whether the requester alone should see the answer ("@Parley summarize privately"). */
export function parseMentionRequest(text: string, botUserId: string): { intent: MentionIntent; private: boolean } {
  const stripped = text.replace(PRIVATELY, ' ');
  return { intent: parseMention(stripped, botUserId), private: stripped !== text };
}

/** `<@U123> translate to French` → translate into "French"; anything else is a question. */
export function parseMention(text: string, botUserId: string): MentionIntent {
  const words = text
    .replace(new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (words === '') return { task: 'help' };
  if (SUMMARIZE.test(words)) return { task: 'summarize' };
  if (ENTITIES.test(words)) return { task: 'entities' };
  const translate = TRANSLATE.exec(words);
  if (translate) return { task: 'translate', language: translate[1]!.replace(/[.!?]+$/, '').trim() };
  return { task: 'ask', question: words };
}
