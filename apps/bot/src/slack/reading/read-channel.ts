import type { ConversationMessage } from '@parley/jobs';
import type { WebClient } from '@slack/web-api';
import type { ChannelWindow } from '../../core/channel-window.js';
import { fetchReplies } from './read-thread.js';
import { compareTs, isContent, toConversation, withDisplayNames, type Readers, type SlackMessage } from './slack-messages.js';
import { fromSlackError } from './slack-api-error.js';
import type { UserNames } from './user-names.js';
import { BotError } from '../../core/bot-error.js';

/**
 * A window of a channel, oldest first: its top-level messages from conversations.history (the
 * last N, or all since a moment), with the replies of the threads among them. Everything read is
 * bounded by `limit`: replies stop being fetched once that many messages are in hand, and the
 * most recent `limit` are kept.
 */
export async function readChannelWindow(
  client: WebClient,
  channelId: string,
  window: ChannelWindow,
  opts: Readers & { limit: number; names: UserNames; nowMs?: number },
): Promise<ConversationMessage[]> {
  const oldest = window.kind === 'since' ? (((opts.nowMs ?? Date.now()) / 1000) - window.seconds).toFixed(6) : undefined;
  const wanted = window.kind === 'last' ? Math.min(window.count, opts.limit) : opts.limit;
  // Newest first, as conversations.history pages.
  const top: (SlackMessage & { ts: string })[] = [];
  let cursor: string | undefined;
  try {
    do {
      const page = await client.conversations.history({
        channel: channelId,
        limit: Math.min(200, wanted),
        ...(oldest && { oldest }),
        ...(cursor && { cursor }),
      });
      for (const m of (page.messages ?? []) as SlackMessage[]) if (isContent(m, opts)) top.push(m);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor && top.length < wanted);
  } catch (err) {
    throw fromSlackError(err);
  }

  const kept = top.slice(0, wanted);
  const byId = new Map(kept.map((m) => [m.ts, toConversation(m)]));
  for (const parent of kept) {
    if (byId.size >= opts.limit) break;
    if (!parent.reply_count || (parent.thread_ts && parent.thread_ts !== parent.ts)) continue;
    const replies = await fetchReplies(client, { channelId, threadTs: parent.ts }, { ...opts, limit: opts.limit - byId.size + 1, ...(oldest && { oldest }) });
    // The parent comes back first, and a reply also sent to the channel is already in hand.
    for (const r of replies) if (!byId.has(r.id)) byId.set(r.id, r);
  }
  const ordered = [...byId.values()].sort((a, b) => compareTs(a.id, b.id)).slice(-opts.limit);
  return withDisplayNames(ordered, opts.names);
}

/** The channel's most recent message that is someone's words (not Parley's, not a join or an edit). */
export async function latestMessage(client: WebClient, channelId: string, me: Readers): Promise<SlackMessage & { ts: string }> {
  let page;
  try {
    page = await client.conversations.history({ channel: channelId, limit: 20 });
  } catch (err) {
    throw fromSlackError(err);
  }
  const found = ((page.messages ?? []) as SlackMessage[]).find((m): m is SlackMessage & { ts: string } => isContent(m, me) && !m.bot_id && (m.text ?? '').trim() !== '');
  if (!found) throw new BotError('NOTHING_TO_READ', 'I found no recent message here to work on. Give me some text, or use the message shortcut on the message you mean.');
  return found;
}
