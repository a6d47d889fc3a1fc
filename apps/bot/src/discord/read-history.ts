import type { ConversationMessage } from '@parley/jobs';
import type { Collection, Message, Snowflake, TextBasedChannel } from 'discord.js';
import { BotError } from '../core/bot-error.js';
import type { DisplayNames } from './display-names.js';

/** Discord's page size for reading a channel's messages. */
export const PAGE_SIZE = 100;

/** How much of a channel to read: everything up to `limit` messages, optionally only since a time. */
export interface HistoryWindow {
  limit: number;
  sinceMs?: number;
}

/** Messages of a channel or thread, newest first from Discord, paged 100 at a time; returned oldest first. */
export async function readHistory(channel: TextBasedChannel, window: HistoryWindow): Promise<Message[]> {
  const out: Message[] = [];
  let before: Snowflake | undefined;
  while (out.length < window.limit) {
    const page: Collection<Snowflake, Message> = await channel.messages.fetch({ limit: Math.min(PAGE_SIZE, window.limit - out.length), ...(before && { before }), cache: false });
    if (page.size === 0) break;
    for (const m of page.values()) {
      if (window.sinceMs !== undefined && m.createdTimestamp < window.sinceMs) return out.reverse();
      out.push(m);
    }
    before = page.last()!.id;
    if (page.size < PAGE_SIZE) break;
  }
  return out.reverse();
}

/** A thread's first message lives in its parent channel; it belongs to the thread's story. */
export async function starterOf(channel: TextBasedChannel): Promise<Message | null> {
  if (!channel.isThread()) return null;
  return channel.fetchStarterMessage().catch(() => null);
}

/**
 * The messages as the job carries them, with display names. Read from history, Parley's own
 * messages are left out and other bots' are marked as such; a message picked by hand (`chosen`:
 * a context menu's target, a mention's reply) is content whoever wrote it, Parley included.
 * Without the Message Content intent Discord sends other people's messages empty, so when every
 * message read is empty the user is told what the server admin has to enable.
 */
export async function toConversation(
  messages: readonly Message[],
  opts: { guildId: string; botUserId: string; names: DisplayNames; messageContent: boolean; chosen?: boolean },
): Promise<ConversationMessage[]> {
  const theirs = opts.chosen ? messages : messages.filter((m) => m.author.id !== opts.botUserId && !m.system);
  const withText = theirs.filter((m) => m.content.trim() !== '');
  if (!opts.chosen && theirs.length > 0 && withText.length === 0 && !opts.messageContent) {
    throw new BotError(
      'NO_MESSAGE_CONTENT',
      "I can't read the messages here: Parley runs without Discord's Message Content intent. Use the message menu (Apps → Summarize thread), or ask the bot's owner to enable the intent.",
    );
  }
  return Promise.all(
    withText.map(async (m) => ({
      id: m.id,
      author: (await opts.names.nameOf(opts.guildId, m.author, m.member?.displayName)).slice(0, 200),
      text: m.content.slice(0, 40_000),
      isBot: !opts.chosen && m.author.bot,
    })),
  );
}
