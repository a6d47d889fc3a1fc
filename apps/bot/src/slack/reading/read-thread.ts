import type { ConversationMessage } from '@parley/jobs';
import type { WebClient } from '@slack/web-api';
import { isContent, toConversation, withDisplayNames, type Readers, type SlackMessage } from './slack-messages.js';
import { fromSlackError } from './slack-api-error.js';
import type { ThreadRef } from './thread-link.js';
import type { UserNames } from './user-names.js';

/**
 * A thread's content messages from conversations.replies, page by page, up to `limit`, oldest
 * first (the parent included), from `oldest` on when given. Authors stay user ids.
 */
export async function fetchReplies(
  client: WebClient,
  ref: ThreadRef,
  opts: Readers & { limit: number; oldest?: string },
): Promise<ConversationMessage[]> {
  const messages: ConversationMessage[] = [];
  let cursor: string | undefined;
  try {
    do {
      const page = await client.conversations.replies({
        channel: ref.channelId,
        ts: ref.threadTs,
        limit: Math.min(200, opts.limit),
        ...(opts.oldest && { oldest: opts.oldest }),
        ...(cursor && { cursor }),
      });
      for (const m of (page.messages ?? []) as SlackMessage[]) if (isContent(m, opts)) messages.push(toConversation(m));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor && messages.length < opts.limit);
  } catch (err) {
    throw fromSlackError(err);
  }
  return messages.slice(0, opts.limit);
}

/**
 * Reads a whole thread with conversations.replies, page by page, up to `limit` messages, with
 * authors as display names. Parley's own messages are left out, so its earlier answers don't
 * feed back into the model.
 */
export async function readThread(
  client: WebClient,
  ref: ThreadRef,
  opts: Readers & { limit: number; names: UserNames },
): Promise<ConversationMessage[]> {
  return withDisplayNames(await fetchReplies(client, ref, opts), opts.names);
}
