import type { ConversationMessage } from '@parley/jobs';
import type { WebClient } from '@slack/web-api';
import { fromSlackError } from './slack-api-error.js';
import type { ThreadRef } from './thread-link.js';
import type { UserNames } from './user-names.js';

interface SlackMessage {
  ts?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  text?: string;
  username?: string;
}

/**
 * Reads a whole thread with conversations.replies, page by page, up to `limit` messages, with
 * authors as display names. Parley's own messages are left out, so its earlier answers don't
 * feed back into the model.
 */
export async function readThread(
  client: WebClient,
  ref: ThreadRef,
  opts: { limit: number; botUserId: string; botId: string; names: UserNames },
): Promise<ConversationMessage[]> {
  const messages: ConversationMessage[] = [];
  let cursor: string | undefined;
  try {
    do {
      const page = await client.conversations.replies({
        channel: ref.channelId,
        ts: ref.threadTs,
        limit: Math.min(200, opts.limit),
        ...(cursor && { cursor }),
      });
      for (const m of (page.messages ?? []) as SlackMessage[]) {
        if (!m.ts || m.user === opts.botUserId || m.bot_id === opts.botId) continue;
        if (m.subtype && m.subtype !== 'bot_message' && m.subtype !== 'thread_broadcast') continue;
        messages.push({
          id: m.ts,
          author: m.user ?? m.username ?? 'unknown',
          text: m.text ?? '',
          isBot: Boolean(m.bot_id),
        });
      }
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor && messages.length < opts.limit);
  } catch (err) {
    throw fromSlackError(err);
  }
  const kept = messages.slice(0, opts.limit);
  const authors = new Set(kept.filter((m) => !m.isBot).map((m) => m.author));
  const names = new Map(await Promise.all([...authors].map(async (id) => [id, await opts.names.nameOf(id)] as const)));
  return kept.map((m) => ({ ...m, author: names.get(m.author) ?? m.author }));
}
