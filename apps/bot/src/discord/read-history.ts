import { PARLEY_AUTHOR, type ConversationMessage } from '@parley/jobs';
import { MessageFlags, type Collection, type Message, type Snowflake, type TextBasedChannel } from 'discord.js';
import { BotError } from '../core/bot-error.js';
import type { DisplayNames } from './display-names.js';
import { parseVoteCustomId } from './v2-message.js';

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

interface RawComponent {
  type: number;
  content?: string;
  custom_id?: string;
  components?: RawComponent[];
}

const flat = (list: readonly RawComponent[]): RawComponent[] => list.flatMap((c) => [c, ...flat(c.components ?? [])]);

/**
 * What one of Parley's messages holds of an answer: the text of its Components V2 text displays
 * without the `-# ` footer, and whether it is an answer's last part (the one with the 👍/👎
 * buttons). Placeholders, streamed text and failures are plain content: they hold none.
 */
export function answerPart(m: Message): { text: string; last: boolean } | undefined {
  if (!m.flags.has(MessageFlags.IsComponentsV2)) return undefined;
  const all = flat(m.components.map((c) => c.toJSON() as RawComponent));
  const text = all
    .filter((c) => c.type === 10 && c.content && !c.content.startsWith('-# '))
    .map((c) => c.content!)
    .join('\n\n')
    .trim();
  if (text === '') return undefined;
  return { text, last: all.some((c) => c.type === 2 && c.custom_id !== undefined && parseVoteCustomId(c.custom_id) !== undefined) };
}

/** Whether Parley has answered among `messages`: one of its messages is an answer's last part. */
export function parleyAnsweredIn(messages: readonly Message[], botUserId: string): boolean {
  return messages.some((m) => m.author.id === botUserId && answerPart(m)?.last === true);
}

/**
 * The messages as the job carries them, with display names. Read from history, Parley's own
 * messages are left out and other bots' are marked as such; with `parleyTurns` (a follow-up)
 * Parley's answers are kept instead, as `PARLEY_AUTHOR`'s turns, an answer's parts joined, and
 * the mentions of Parley taken out of the others' words. A message picked by hand (`chosen`:
 * a context menu's target, a mention's reply) is content whoever wrote it, Parley included.
 * Without the Message Content intent Discord sends other people's messages empty, so when every
 * message read is empty the user is told what the server admin has to enable.
 */
export async function toConversation(
  messages: readonly Message[],
  opts: { guildId: string; botUserId: string; names: DisplayNames; messageContent: boolean; chosen?: boolean; parleyTurns?: boolean },
): Promise<ConversationMessage[]> {
  // A V2 answer of Parley's has no content: its words are in its text displays.
  const textOf = (m: Message) => (m.content.trim() === '' && m.author.id === opts.botUserId ? (answerPart(m)?.text ?? '') : m.content);
  const theirs = opts.chosen ? messages : messages.filter((m) => m.author.id !== opts.botUserId && !m.system);
  const withText = theirs.filter((m) => textOf(m).trim() !== '');
  if (!opts.chosen && theirs.length > 0 && withText.length === 0 && !opts.messageContent) {
    throw new BotError(
      'NO_MESSAGE_CONTENT',
      "I can't read the messages here: Parley runs without Discord's Message Content intent. Use the message menu (Apps → Summarize thread), or ask the bot's owner to enable the intent.",
    );
  }
  const one = async (m: Message): Promise<ConversationMessage> => ({
    id: m.id,
    author: (await opts.names.nameOf(opts.guildId, m.author, m.member?.displayName)).slice(0, 200),
    text: textOf(m).slice(0, 40_000),
    isBot: !opts.chosen && m.author.bot,
  });
  if (opts.chosen || !opts.parleyTurns) return Promise.all(withText.map(one));
  const ownMention = new RegExp(`<@!?${opts.botUserId}>`, 'g');
  const out: ConversationMessage[] = [];
  let openAnswer: ConversationMessage | undefined;
  for (const m of messages) {
    if (m.author.id === opts.botUserId) {
      const part = answerPart(m);
      if (!part) continue;
      if (openAnswer) openAnswer.text = `${openAnswer.text}\n\n${part.text}`.slice(0, 40_000);
      else out.push((openAnswer = { id: m.id, author: PARLEY_AUTHOR, text: part.text.slice(0, 40_000), isBot: false }));
      if (part.last) openAnswer = undefined;
      continue;
    }
    openAnswer = undefined;
    if (m.system || m.content.trim() === '') continue;
    const turn = await one(m);
    const text = turn.text.replace(ownMention, '').trim();
    if (text !== '') out.push({ ...turn, text });
  }
  return out;
}
