import { isCodedError } from '@parley/errors';
import { PARLEY_AUTHOR, requestJobId, type ConversationMessage, type PlaygroundTarget } from '@parley/jobs';
import type { Logger } from '@parley/service-kit';
import { describeSettings, type Settings, type SettingsChanges } from '@parley/settings';
import { BotError } from '../core/bot-error.js';
import type { ChannelWindow } from '../core/channel-window.js';
import type { ChatRequest, RequestReplies, SourceKind } from '../core/chat-request.js';
import { waitingText } from '../core/reply-words.js';
import type { RequestPipeline } from '../core/request-pipeline.js';
import { changeSettings, describeSaved, samplingNote } from '../core/settings-command.js';
import type { ChannelScope, SettingsStore } from '../core/settings-store.js';
import { parseInput, PLAYGROUND_USAGE, withoutMention, type PlaygroundInput, type PlaygroundSource } from './commands.js';
import type { EventHub } from './hub.js';
import { newMessageId, type PlaygroundMessage, type PlaygroundStore } from './store.js';

/** The one person using a playground: it has no accounts. */
export const PLAYGROUND_USER = { id: 'you', name: 'You' };
export const BOT_NAME = 'Parley';
const WORKSPACE = 'playground';
/** Top-level messages a channel request reads when it names no window (each with its thread's replies). */
const DEFAULT_WINDOW = 50;

export interface PlaygroundDeps {
  store: PlaygroundStore;
  hub: EventHub;
  pipeline: RequestPipeline;
  settings: SettingsStore;
  log: Logger;
  maxMessages: number;
  maxNewTokens: number;
}

export interface PostResult {
  message: PlaygroundMessage;
  /** The bot's answer: a placeholder that the reply will replace, or an immediate answer. */
  reply?: PlaygroundMessage;
  requestId?: string;
}

/** A channel's stored settings and what a request there runs with (the bot's length limit below them). */
export interface ChannelSettings {
  stored: Settings;
  effective: Settings;
  summary: string;
}

/** The neutral kind of what a request reads. */
function sourceKind(request: PlaygroundMessage, source: PlaygroundSource): SourceKind {
  if (source.kind === 'text') return 'text';
  if (source.kind === 'latest') return 'message';
  if (source.kind === 'chat') return 'thread';
  return request.threadId ? 'thread' : 'channel';
}

/** A window of the channel: its last N top-level messages (or those since a moment), each with its thread's replies. */
function windowOf(all: readonly PlaygroundMessage[], window: ChannelWindow | undefined, maxMessages: number): PlaygroundMessage[] {
  const since = window?.kind === 'since' ? Date.now() - window.seconds * 1000 : -Infinity;
  const last = window?.kind === 'last' ? window.count : window?.kind === 'since' ? maxMessages : DEFAULT_WINDOW;
  const tops = all.filter((m) => !m.threadId && m.at >= since).slice(-last);
  const replies = new Map<string, PlaygroundMessage[]>();
  for (const m of all) if (m.threadId) replies.set(m.threadId, [...(replies.get(m.threadId) ?? []), m]);
  return tops.flatMap((t) => [t, ...(replies.get(t.id) ?? [])]).filter((m) => m.at >= since);
}

export function channelScope(channelId: string): ChannelScope {
  return { platform: 'playground', workspace: WORKSPACE, channel: channelId };
}

/** A typed request or a bot answer is no part of the conversation a model reads. */
function isConversation(m: PlaygroundMessage): boolean {
  return !m.isBot && !m.text.trimStart().startsWith('/') && !/(^|\s)@parley\b/i.test(m.text);
}

/** One of Parley's answers (not a placeholder, a refusal, help or a settings reply): exactly those that can be voted on. */
function isAnswer(m: PlaygroundMessage): boolean {
  return m.isBot && m.author === BOT_NAME && m.state === 'done' && m.votable === true && m.requestId !== undefined;
}

function threadOf(all: readonly PlaygroundMessage[], threadId: string): PlaygroundMessage[] {
  return all.filter((m) => m.id === threadId || m.threadId === threadId);
}

/**
 * A thread as the turns of a chat: the messages typed (a request as what was asked of Parley)
 * and Parley's answers under `PARLEY_AUTHOR`, as non-bot turns so the worker keeps them.
 */
function asChatTurn(m: PlaygroundMessage, maxMessages: number): ConversationMessage | undefined {
  if (m.isBot) return isAnswer(m) ? { id: m.id, author: PARLEY_AUTHOR, text: m.text, isBot: false } : undefined;
  const typed = m.text.trim();
  if (!typed.startsWith('/')) return { id: m.id, author: m.author, text: withoutMention(typed), isBot: false };
  let parsed: PlaygroundInput | undefined;
  try {
    parsed = parseInput(typed, { maxMessages });
  } catch {
    // A command that was refused got no answer: nothing of it belongs to the chat.
  }
  if (parsed?.kind !== 'task') return undefined;
  return { id: m.id, author: m.author, text: parsed.task.task === 'ask' ? parsed.task.question : typed, isBot: false };
}

/** Messages of a channel as the job carries them. */
function asConversation(messages: readonly PlaygroundMessage[]): ConversationMessage[] {
  return messages.map((m) => ({ id: m.id, author: m.author, text: m.text, isBot: m.isBot }));
}

/**
 * The playground's requests: what the message box sends goes through the same request pipeline
 * as Slack's and Discord's, with a placeholder reply that the streamed text and then the final
 * reply (from `replies-playground`) replace.
 */
export class PlaygroundService {
  constructor(private readonly deps: PlaygroundDeps) {}

  private async say(channelId: string, threadId: string | undefined, text: string, extra: Partial<PlaygroundMessage> = {}): Promise<PlaygroundMessage> {
    const message: PlaygroundMessage = { id: newMessageId(), channelId, ...(threadId && { threadId }), author: BOT_NAME, text, isBot: true, at: Date.now(), ...extra };
    await this.deps.store.add(message);
    this.deps.hub.publish(message);
    return message;
  }

  /**
   * A line typed into the message box. `clientId` is the page's own id for this send: the same id
   * again (a resend after a lost answer) returns what the first send made, with no second message
   * and no second request.
   */
  async post(channelId: string, input: { text: string; threadId?: string | undefined; clientId?: string | undefined }): Promise<PostResult> {
    const { store, hub } = this.deps;
    if (!(await store.hasChannel(channelId))) throw new BotError('NO_CHANNEL', 'There is no such channel.');
    const text = input.text.trim();
    if (!text) throw new BotError('EMPTY', 'Type a message or a command.');
    if (text.length > 4000) throw new BotError('TOO_LONG', 'A message may have at most 4,000 characters.');
    let threadId: string | undefined;
    if (input.threadId) {
      const parent = await store.get(channelId, input.threadId);
      if (!parent) throw new BotError('NO_THREAD', 'That thread is gone.');
      threadId = parent.threadId ?? parent.id;
    }
    const message: PlaygroundMessage = { id: newMessageId(), channelId, ...(threadId && { threadId }), author: PLAYGROUND_USER.name, text, isBot: false, at: Date.now() };
    const earlier = input.clientId ? await store.claimSend(input.clientId, message.id) : undefined;
    if (earlier) return this.sentBefore(channelId, earlier);
    await store.add(message);
    hub.publish(message);
    const result = await this.answer(message);
    if (result.reply) await store.setReplyTo(message.id, { channelId, id: result.reply.id });
    return result;
  }

  /** What an earlier send of the same line made: its message and, once there is one, the bot's reply. */
  private async sentBefore(channelId: string, messageId: string): Promise<PostResult> {
    const { store } = this.deps;
    const message = await store.get(channelId, messageId);
    if (!message) throw new BotError('RESENT', 'That message was sent already.');
    const ref = await store.replyTo(messageId);
    const reply = ref && (await store.get(ref.channelId, ref.id));
    return { message, ...(reply && { reply }), ...(reply?.requestId && { requestId: reply.requestId }) };
  }

  /** The bot's side of a new message: nothing, help, a settings change, or a request for the pipeline. */
  private async answer(message: PlaygroundMessage): Promise<PostResult> {
    const { channelId, threadId, text } = message;
    const parleyAnsweredHere = threadId !== undefined && threadOf(await this.deps.store.messages(channelId), threadId).some(isAnswer);
    let parsed: PlaygroundInput;
    try {
      parsed = parseInput(text, { maxMessages: this.deps.maxMessages, parleyAnsweredHere });
    } catch (err) {
      if (!isCodedError(err)) throw err;
      let reply: PlaygroundMessage | undefined;
      const refused = async (e: { userMessage: string }) => void (reply = await this.say(channelId, threadId, e.userMessage, { state: 'failed' }));
      await this.deps.pipeline.refuse({ requestId: requestJobId('playground', channelId, message.id), scope: channelScope(channelId) }, err, { refused }, 'parse');
      return { message, ...(reply && { reply }) };
    }
    // A reply to a top-level request goes into its thread only when it was asked in one.
    switch (parsed.kind) {
      case 'message':
        return { message };
      case 'help':
        return { message, reply: await this.say(channelId, threadId, PLAYGROUND_USAGE, { state: 'done' }) };
      case 'genconfig':
        try {
          return { message, reply: await this.say(channelId, threadId, await this.genconfig(channelId, parsed), { state: 'done' }) };
        } catch (err) {
          if (!isCodedError(err)) throw err;
          return { message, reply: await this.say(channelId, threadId, err.userMessage, { state: 'failed' }) };
        }
      case 'task':
        return { message, ...(await this.queue(message, parsed)) };
    }
  }

  private async genconfig(channelId: string, input: Extract<PlaygroundInput, { kind: 'genconfig' }>): Promise<string> {
    const entries = await changeSettings(this.deps.settings, channelScope(channelId), { verb: input.verb, args: input.args, actor: PLAYGROUND_USER.id });
    const { summary, effective } = await this.settingsOf(channelId);
    const said = input.verb === 'show' ? `Settings here: ${summary}.` : describeSaved(entries, effective);
    return `${said} Change them in the settings panel, or with \`/genconfig set temperature=0.7 sample\`, \`/genconfig preset creative\`, \`/genconfig reset\`.`;
  }

  /** The messages a request reads: its thread (as a chat for a follow-up), a window of the channel with its threads, or the latest one. */
  private async read(request: PlaygroundMessage, source: PlaygroundSource): Promise<ConversationMessage[]> {
    if (source.kind === 'text') return [{ id: request.id, author: PLAYGROUND_USER.name, text: source.text, isBot: false }];
    if (source.kind === 'chat') {
      const thread = threadOf(await this.deps.store.messages(request.channelId), request.threadId ?? request.id).filter((m) => m.id !== request.id);
      return thread.flatMap((m) => asChatTurn(m, this.deps.maxMessages) ?? []).slice(-this.deps.maxMessages);
    }
    const all = (await this.deps.store.messages(request.channelId)).filter((m) => m.id !== request.id && isConversation(m));
    let picked: PlaygroundMessage[];
    if (request.threadId) {
      picked = all.filter((m) => m.id === request.threadId || m.threadId === request.threadId);
      if (source.kind === 'latest') picked = picked.slice(-1);
    } else if (source.kind === 'latest') {
      picked = all.filter((m) => !m.threadId).slice(-1);
    } else {
      picked = windowOf(all, source.window, this.deps.maxMessages);
    }
    return asConversation(picked.slice(-this.deps.maxMessages));
  }

  private async queue(request: PlaygroundMessage, input: Extract<PlaygroundInput, { kind: 'task' }>): Promise<{ reply?: PlaygroundMessage; requestId: string }> {
    const { channelId, threadId } = request;
    const requestId = requestJobId(input.task.task, 'playground', channelId, request.id);
    let reply: PlaygroundMessage | undefined;
    const chat: ChatRequest = {
      requestId,
      scope: channelScope(channelId),
      userId: PLAYGROUND_USER.id,
      task: input.task,
      overrides: input.overrides,
      private: input.private,
      source: {
        kind: sourceKind(request, input.source),
        nothingToRead: 'There are no messages here to read yet. Load the sample thread, or write some.',
        read: async () => ({ messages: await this.read(request, input.source) }),
      },
    };
    const replies: RequestReplies<PlaygroundTarget> = {
      working: async ({ task, messages }) => {
        reply = await this.say(channelId, threadId, `⏳ ${waitingText(task, messages)}`, { requestId, state: 'waiting', ...(input.private && { private: true }) });
        await this.deps.store.setPlaceholder(requestId, { channelId, id: reply.id });
        return { platform: 'playground', channelId, ...(threadId && { threadId }), userId: PLAYGROUND_USER.id, ...(input.private && { private: true }) };
      },
      queued: async ({ task, messages, ahead }) => {
        if (ahead === 0 || !reply) return;
        const current = await this.deps.store.get(channelId, reply.id);
        if (current?.state !== 'waiting') return;
        const waiting = { ...current, text: `⏳ ${waitingText(task, messages, ahead)}` };
        await this.deps.store.update(waiting);
        this.deps.hub.publish(waiting);
      },
      refused: async (error) => {
        reply = await this.say(channelId, threadId, error.userMessage, { state: 'failed', ...(input.private && { private: true }) });
      },
    };
    await this.deps.pipeline.run(chat, replies);
    return { ...(reply && { reply }), requestId };
  }

  /** The channel's stored settings and what a request here runs with. */
  async settingsOf(channelId: string): Promise<ChannelSettings> {
    const scope = channelScope(channelId);
    const [{ settings: stored }, { settings }] = await Promise.all([this.deps.settings.get(scope), this.deps.settings.effective(scope)]);
    const effective = { ...settings, maxNewTokens: settings.maxNewTokens ?? this.deps.maxNewTokens };
    return { stored, effective, summary: describeSettings(effective) };
  }

  /** Saves the panel's changes (null clears a field) through the settings store, audited to the playground user. */
  async saveSettings(channelId: string, changes: unknown, reset: boolean): Promise<ChannelSettings & { note: string }> {
    const scope = channelScope(channelId);
    const entries = reset ? await this.deps.settings.reset(scope, PLAYGROUND_USER.id) : await this.deps.settings.set(scope, changes as SettingsChanges, PLAYGROUND_USER.id);
    const now = await this.settingsOf(channelId);
    return { ...now, note: samplingNote(entries, now.effective) };
  }
}
