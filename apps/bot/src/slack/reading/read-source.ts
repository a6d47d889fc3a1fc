import type { ConversationMessage } from '@parley/jobs';
import type { WebClient } from '@slack/web-api';
import type { SourceKind } from '../../core/chat-request.js';
import { describeWindow, type ChannelWindow } from '../../core/channel-window.js';
import { latestMessage, readChannelWindow } from './read-channel.js';
import { readChatTurns, readThreadQuestion, type ChatRef } from './read-chat.js';
import { readThread } from './read-thread.js';
import { withDisplayNames, type Readers, type SlackMessage } from './slack-messages.js';
import type { UserNames } from './user-names.js';

/** What a request reads where it is asked. */
type ReadableSource =
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

type Resolved<S> = S extends { kind: 'latest' } ? never : S;

/**
 * A chat with Parley (an assistant thread, a DM): the earlier turns, Parley's answers included.
 * In a channel thread (`inChannel`, a question asked by mention) it is a chat only once Parley has
 * answered there; until then the thread is read as a `thread` source reads it.
 */
export type ChatSource = { kind: 'chat'; inChannel?: boolean } & ChatRef;

/**
 * Another channel read for a chat: `of` is what is read (the channel the user has open next to
 * the assistant); the answer goes to the chat's thread, `channelId` + `threadTs`.
 */
export type RelayedSource<S = ReadableSource> = { kind: 'relayed'; channelId: string; threadTs: string; of: S };

/** What a request works on. Every Slack surface names one of these. */
export type TaskSource = ReadableSource | ChatSource | RelayedSource;

/** A source once `latest` has been looked up: what is read. */
export type ResolvedSource = Resolved<ReadableSource> | ChatSource | RelayedSource<Resolved<ReadableSource>>;

/** The neutral kind of a source: a thread, part of a channel, one message (the latest, too) or typed text. */
export function sourceKindOf(source: TaskSource): SourceKind {
  switch (source.kind) {
    case 'chat':
      return source.threadTs ? 'thread' : 'channel';
    case 'relayed':
      return sourceKindOf(source.of);
    case 'thread':
      return 'thread';
    case 'window':
      return 'channel';
    case 'text':
      return 'text';
    default:
      return 'message';
  }
}

/** What the requester hears when a source holds nothing to work on. */
export function nothingIn(source: TaskSource): string {
  switch (source.kind) {
    case 'chat':
      return source.inChannel ? 'That thread has no messages I can work on.' : 'Write me a question, and I will answer it.';
    case 'relayed':
      return source.of.kind === 'window' ? `I found no messages I can work on in ${describeWindow(source.of.window)} of <#${source.of.channelId}>.` : nothingIn(source.of);
    case 'thread':
      return 'That thread has no messages I can work on.';
    case 'window':
      return `I found no messages I can work on in ${describeWindow(source.window)} of this channel.`;
    case 'text':
      return 'Give me some text to work on.';
    default:
      return 'That message has no text I can work on.';
  }
}

/** A `latest` source as the message it names; other sources as they are. */
export async function resolveLatest(client: WebClient, source: TaskSource, me: Readers): Promise<ResolvedSource> {
  if (source.kind === 'relayed') return { ...source, of: await resolveReadable(client, source.of, me) };
  if (source.kind === 'chat') return source;
  return resolveReadable(client, source, me);
}

async function resolveReadable(client: WebClient, source: ReadableSource, me: Readers): Promise<Resolved<ReadableSource>> {
  if (source.kind !== 'latest') return source;
  return { kind: 'message', channelId: source.channelId, message: await latestMessage(client, source.channelId, me) };
}

/** The thread a reply belongs in; undefined for a channel-level reply. */
export function replyThreadOf(source: ResolvedSource): string | undefined {
  if (source.kind === 'chat' || source.kind === 'relayed') return source.threadTs;
  if (source.kind === 'thread') return source.threadTs;
  if (source.kind === 'message') return source.message.thread_ts ?? source.message.ts;
  return undefined;
}

/** What a source held: its messages, and whether they are the turns of a chat with Parley (its answers among them). */
export interface SourceRead {
  messages: ConversationMessage[];
  chat: boolean;
}

/** The source's messages, oldest first, authors as display names. */
export async function readSource(client: WebClient, source: ResolvedSource, opts: Readers & { limit: number; names: UserNames; requesterId: string }): Promise<SourceRead> {
  if (source.kind === 'chat') {
    if (source.inChannel && source.threadTs) return readThreadQuestion(client, { ...source, threadTs: source.threadTs }, opts);
    return { messages: await readChatTurns(client, source, opts), chat: true };
  }
  return { messages: await readOther(client, source, opts), chat: false };
}

async function readOther(client: WebClient, source: Exclude<ResolvedSource, ChatSource>, opts: Readers & { limit: number; names: UserNames; requesterId: string }): Promise<ConversationMessage[]> {
  switch (source.kind) {
    case 'relayed':
      return readOther(client, source.of, opts);
    case 'thread':
      return (await readThread(client, source, opts)).filter((m) => m.id !== source.skipTs);
    case 'window':
      return readChannelWindow(client, source.channelId, source.window, opts);
    case 'message': {
      const m = source.message;
      // Chosen by hand, so it counts as content even when a bot (Parley too) wrote it.
      return withDisplayNames([{ id: m.ts, author: m.user ?? m.username ?? m.bot_id ?? 'unknown', text: m.text ?? '', isBot: false }], opts.names);
    }
    case 'text':
      // Typed into a command: one message, written by whoever typed it.
      return withDisplayNames([{ id: 'typed-text', author: opts.requesterId, text: source.text, isBot: false }], opts.names);
  }
}
