/** A chat message as the prompts see it: platform-neutral, already resolved to display names. */
export interface ChatMessage {
  id: string;
  author: string;
  text: string;
  isBot: boolean;
}
