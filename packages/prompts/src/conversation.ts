/** A chat message as the prompts see it: platform-neutral, already resolved to display names. */
export interface ChatMessage {
  id: string;
  author: string;
  text: string;
  isBot: boolean;
}

/** One line per message, `author: text`, with whitespace folded and empty messages left out. */
export function renderTranscript(messages: readonly ChatMessage[]): string {
  return messages
    .map((m) => ({ author: m.author, text: m.text.replace(/\s+/g, ' ').trim() }))
    .filter((m) => m.text !== '')
    .map((m) => `${m.author}: ${m.text}`)
    .join('\n');
}
