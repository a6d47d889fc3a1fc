import type { ConversationMessage } from '@parley/jobs';
import type { UserNames } from './user-names.js';

/** The fields of a Slack message that Parley reads. */
export interface SlackMessage {
  ts?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  text?: string;
  username?: string;
  thread_ts?: string;
  reply_count?: number;
}

/** Who Parley is, and whether other bots' messages count as content. */
export interface Readers {
  botUserId: string;
  botId: string;
}

/**
 * Subtypes that carry what someone wrote. Everything else (joins, leaves, topic and purpose
 * changes, pins, channel renames…) is Slack's bookkeeping, not conversation.
 */
const CONTENT_SUBTYPES = new Set(['bot_message', 'thread_broadcast', 'file_share', 'me_message']);

/** A message worth giving the model: someone's words, never Parley's own earlier answers. */
export function isContent(m: SlackMessage, me: Readers): m is SlackMessage & { ts: string } {
  if (!m.ts || m.user === me.botUserId || m.bot_id === me.botId) return false;
  return !m.subtype || CONTENT_SUBTYPES.has(m.subtype);
}

export function toConversation(m: SlackMessage & { ts: string }): ConversationMessage {
  return { id: m.ts, author: m.user ?? m.username ?? 'unknown', text: m.text ?? '', isBot: Boolean(m.bot_id) };
}

/** Replaces user ids with display names, one users.info per author (cached by `names`). */
export async function withDisplayNames(messages: ConversationMessage[], names: UserNames): Promise<ConversationMessage[]> {
  const authors = new Set(messages.filter((m) => !m.isBot).map((m) => m.author));
  const shown = new Map(await Promise.all([...authors].map(async (id) => [id, await names.nameOf(id)] as const)));
  return messages.map((m) => ({ ...m, author: shown.get(m.author) ?? m.author }));
}

/** Slack timestamps in time order ("1790000000.000100"): seconds, then the sequence part. */
export function compareTs(a: string, b: string): number {
  const [as, af = ''] = a.split('.');
  const [bs, bf = ''] = b.split('.');
  return Number(as) - Number(bs) || Number(af) - Number(bf);
}
