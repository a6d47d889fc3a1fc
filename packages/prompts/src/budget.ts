import type { ThreadMessage } from './conversation.js';

export type CountTokens = (text: string) => Promise<number>;

export interface FittedMessages<M extends ThreadMessage = ThreadMessage> {
  /** The most recent messages whose rendered prompt fits, in thread order. */
  messages: M[];
  /** How many older messages were left out. */
  dropped: number;
}

/**
 * Keeps the longest run of most recent messages whose prompt fits in `limit` tokens, counted by
 * the serving model's own tokenizer. A binary search over the cut point needs about
 * log2(messages) counts. If even the last message alone does not fit, it is returned alone, and
 * the caller reports that the input is too long.
 */
export async function fitRecentMessages<M extends ThreadMessage>(
  messages: readonly M[],
  render: (messages: readonly M[]) => string,
  countTokens: CountTokens,
  limit: number,
): Promise<FittedMessages<M>> {
  const fits = async (start: number) => (await countTokens(render(messages.slice(start)))) <= limit;
  if (messages.length <= 1 || (await fits(0))) return { messages: [...messages], dropped: 0 };
  let lo = 1;
  let hi = messages.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (await fits(mid)) hi = mid;
    else lo = mid + 1;
  }
  return { messages: messages.slice(lo), dropped: lo };
}
