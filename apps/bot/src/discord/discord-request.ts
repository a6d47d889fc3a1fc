import type { CodedError } from '@parley/errors';
import type { ConversationMessage, DiscordTarget, TaskRequest } from '@parley/jobs';
import type { Logger } from '@parley/service-kit';
import type { Settings } from '@parley/settings';
import type { Message, TextBasedChannel } from 'discord.js';
import type { ChatRequest, RequestReplies, SourceKind } from '../core/chat-request.js';
import { followUpTask } from '../core/follow-up.js';
import type { MentionIntent } from '../core/mention-intent.js';
import type { RequestPipeline } from '../core/request-pipeline.js';
import { waitingText } from '../core/reply-words.js';
import { discordWorkspace } from '../core/target-scope.js';
import { asUserFacing } from './discord-errors.js';
import type { DisplayNames } from './display-names.js';
import { discordFailureText } from './format-reply.js';
import { parleyAnsweredIn, readHistory, starterOf, toConversation, type HistoryWindow } from './read-history.js';
import type { ReplyEditor } from './reply-editor.js';
import type { ReplyHandle } from './reply-handle.js';

/** What a request works on: part of a channel or thread, given messages, or text typed into a command. */
export type DiscordSource =
  | { kind: 'channel'; channel: TextBasedChannel; window: HistoryWindow }
  | { kind: 'messages'; messages: Message[] }
  | { kind: 'text'; text: string; authorName: string };

export interface DiscordRequestDeps {
  pipeline: RequestPipeline;
  log: Logger;
  names: DisplayNames;
  editor: ReplyEditor;
  maxMessages: number;
  botUserId: string;
  messageContent: boolean;
}

/**
 * Where the answer goes and how the requester hears from Parley until then: the deferred reply of
 * an interaction (edited, later replaced by the answer), or, for a mention, a reply to the
 * mentioning message that the answer replaces.
 */
export type DiscordWaiting =
  | { kind: 'interaction'; interaction: { applicationId: string; token: string; createdAt: number }; editReply: (content: string) => Promise<unknown> }
  | { kind: 'mention'; reply: (content: string) => Promise<{ id: string }> };

export interface DiscordRequestInput {
  requestId: string;
  /** Absent in a direct message or a private channel. */
  guildId?: string;
  channelId: string;
  userId: string;
  source: DiscordSource;
  overrides: Settings;
  task: TaskRequest;
  private?: boolean;
  /** Only a user installed Parley where this came from: its bot is not there (see `DiscordTarget`). */
  userInstallOnly?: boolean;
  /** The message the request came from or works on; channel fallbacks reference it. */
  messageId?: string;
  /** A mention is the request, not content: it is left out of what is read. */
  skipMessageId?: string;
  /** A mention's intent: a question where what is read holds an answer of Parley's becomes a follow-up. */
  mentionIntent?: MentionIntent;
}

/** The window of a channel a request reads when it names none; a thread is read whole. */
export function defaultSource(channel: TextBasedChannel, maxMessages: number): DiscordSource {
  return { kind: 'channel', channel, window: { limit: channel.isThread() ? maxMessages : Math.min(50, maxMessages) } };
}

function kindOf(source: DiscordSource): SourceKind {
  if (source.kind === 'channel') return source.channel.isThread() ? 'thread' : 'channel';
  return source.kind === 'messages' ? 'message' : 'text';
}

/** Why there is nothing to work on, naming what was looked at. */
function nothingIn(source: DiscordSource): string {
  if (source.kind === 'messages') return 'That message has no text I can work on.';
  if (source.kind === 'text') return 'Give me some text to work on.';
  if (source.channel.isThread()) return 'This thread has no messages I can work on.';
  const { limit, sinceMs } = source.window;
  // <t:…:R> is shown by Discord in the reader's own words and time zone, e.g. "2 hours ago".
  const span = sinceMs !== undefined ? `since <t:${Math.floor(sinceMs / 1000)}:R>` : `in the last ${limit} messages`;
  return `I found no messages I can work on ${span} in this channel.`;
}

/** What was read, and the follow-up the request becomes when a mention's question comes after an answer of Parley's. */
async function read(deps: DiscordRequestDeps, input: DiscordRequestInput): Promise<{ messages: ConversationMessage[]; followUp?: TaskRequest }> {
  const opts = { guildId: input.guildId ?? '', botUserId: deps.botUserId, names: deps.names, messageContent: deps.messageContent };
  const { source } = input;
  if (source.kind === 'text') return { messages: [{ id: 'typed-text', author: source.authorName, text: source.text, isBot: false }] };
  if (source.kind === 'messages') return { messages: await toConversation(source.messages, { ...opts, chosen: true }) };
  const history = await readHistory(source.channel, source.window);
  const starter = source.window.sinceMs === undefined && history.length < source.window.limit ? await starterOf(source.channel) : null;
  const all = starter && !history.some((m) => m.id === starter.id) ? [starter, ...history] : history;
  const read = input.skipMessageId ? all.filter((m) => m.id !== input.skipMessageId) : all;
  const followUp = input.mentionIntent && followUpTask(input.mentionIntent, parleyAnsweredIn(read, deps.botUserId));
  return { messages: await toConversation(read, { ...opts, parleyTurns: Boolean(followUp) }), ...(followUp && { followUp }) };
}

/** How a refusal reaches the requester: in the deferred reply, or as a reply to the mention. */
export function discordRefusal(deps: Pick<DiscordRequestDeps, 'editor'>, waiting: DiscordWaiting, requestId: string): (error: CodedError) => Promise<void> {
  return async (error) => {
    const text = discordFailureText(error.userMessage, requestId);
    if (waiting.kind === 'mention') {
      await waiting.reply(text);
      return;
    }
    await deps.editor.freeze({ kind: 'interaction', ...waiting.interaction });
    await waiting.editReply(text);
  };
}

/**
 * A Discord request as the pipeline takes it: history read over REST (100 a page, with a thread's
 * starter), and the waiting reply, which says what is being done and, behind other requests, the
 * place in the queue.
 */
export function discordRequest(deps: DiscordRequestDeps, waiting: DiscordWaiting, input: DiscordRequestInput): { request: ChatRequest; replies: RequestReplies<DiscordTarget> } {
  let handle: ReplyHandle | undefined;
  const request: ChatRequest = {
    requestId: input.requestId,
    scope: { platform: 'discord', workspace: discordWorkspace(input.guildId, input.userId), channel: input.channelId },
    userId: input.userId,
    task: input.task,
    overrides: input.overrides,
    private: Boolean(input.private),
    source: {
      kind: kindOf(input.source),
      nothingToRead: nothingIn(input.source),
      read: async () => {
        const { messages, followUp } = await read(deps, input).catch((err: unknown) => {
          throw asUserFacing(err);
        });
        return { messages, ...(followUp && { task: followUp }) };
      },
    },
  };
  const replies: RequestReplies<DiscordTarget> = {
    working: async ({ task, messages }) => {
      let placeholderId: string | undefined;
      if (waiting.kind === 'interaction') {
        handle = { kind: 'interaction', ...waiting.interaction };
        deps.editor.show(handle, `⏳ ${waitingText(task, messages)}`);
      } else {
        placeholderId = (await waiting.reply(`⏳ ${waitingText(task, messages)}`)).id;
        handle = { kind: 'message', channelId: input.channelId, messageId: placeholderId };
      }
      return {
        platform: 'discord',
        ...(input.guildId && { guildId: input.guildId }),
        channelId: input.channelId,
        userId: input.userId,
        ...(input.messageId && { messageId: input.messageId }),
        ...(waiting.kind === 'interaction' && { interaction: waiting.interaction }),
        ...(placeholderId && { placeholderId }),
        ...(input.private && { private: true }),
        ...(input.userInstallOnly && { userInstallOnly: true }),
      };
    },
    queued: async ({ task, messages, ahead }) => {
      if (ahead > 0 && handle) deps.editor.show(handle, `⏳ ${waitingText(task, messages, ahead)}`);
    },
    refused: discordRefusal(deps, waiting, input.requestId),
  };
  return { request, replies };
}
