import type { ConversationMessage } from '@parley/jobs';
import type { WebClient } from '@slack/web-api';
import { UserFacingError } from '../core/user-facing-error.js';
import { describeWindow, type ChannelWindow } from './channel-window.js';
import { latestMessage, readChannelWindow } from './read-channel.js';
import { readThread } from './read-thread.js';
import { withDisplayNames, type Readers, type SlackMessage } from './slack-messages.js';
import type { UserNames } from './user-names.js';

/** What a request works on. Every Slack surface names one of these. */
export type TaskSource =
  /** A thread; `skipTs` is a message of it that is the request itself (an @mention). */
  | { kind: 'thread'; channelId: string; threadTs: string; skipTs?: string }
  /** Part of a channel: its last N messages or a recent span, with their threads' replies. */
  | { kind: 'window'; channelId: string; window: ChannelWindow }
  /** One message, as a message shortcut hands it over. */
  | { kind: 'message'; channelId: string; message: SlackMessage & { ts: string } }
  /** Text typed into a command, in the channel the command was run in. */
  | { kind: 'text'; channelId: string; text: string }
  /** The channel's most recent message (a command given nothing to work on); read as a `message`. */
  | { kind: 'latest'; channelId: string };

/** A `latest` source as the message it names; other sources as they are. */
export async function resolveLatest(client: WebClient, source: TaskSource, me: Readers): Promise<Exclude<TaskSource, { kind: 'latest' }>> {
  if (source.kind !== 'latest') return source;
  return { kind: 'message', channelId: source.channelId, message: await latestMessage(client, source.channelId, me) };
}

/** The thread a reply belongs in; undefined for a channel-level reply. */
export function replyThreadOf(source: Exclude<TaskSource, { kind: 'latest' }>): string | undefined {
  if (source.kind === 'thread') return source.threadTs;
  if (source.kind === 'message') return source.message.thread_ts ?? source.message.ts;
  return undefined;
}

/** The source's messages, oldest first, authors as display names. Throws UserFacingError when there is nothing to work on. */
export async function readSource(
  client: WebClient,
  source: Exclude<TaskSource, { kind: 'latest' }>,
  opts: Readers & { limit: number; names: UserNames; requesterId: string },
): Promise<ConversationMessage[]> {
  let messages: ConversationMessage[];
  let nothing: string;
  switch (source.kind) {
    case 'thread':
      messages = (await readThread(client, source, opts)).filter((m) => m.id !== source.skipTs);
      nothing = 'That thread has no messages I can work on.';
      break;
    case 'window':
      messages = await readChannelWindow(client, source.channelId, source.window, opts);
      nothing = `I found no messages I can work on in ${describeWindow(source.window)} of this channel.`;
      break;
    case 'message': {
      const m = source.message;
      // Chosen by hand, so it counts as content even when a bot (Parley too) wrote it.
      messages = await withDisplayNames([{ id: m.ts, author: m.user ?? m.username ?? m.bot_id ?? 'unknown', text: m.text ?? '', isBot: false }], opts.names);
      nothing = 'That message has no text I can work on.';
      break;
    }
    case 'text':
      // Typed into a command: one message, written by whoever typed it.
      messages = await withDisplayNames([{ id: 'typed-text', author: opts.requesterId, text: source.text, isBot: false }], opts.names);
      nothing = 'Give me some text to work on.';
      break;
  }
  if (!messages.some((m) => m.text.trim() !== '' && !m.isBot)) throw new UserFacingError('NOTHING_TO_READ', nothing);
  return messages;
}
