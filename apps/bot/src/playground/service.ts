import { keepRecentWithinPayload, requestJobId, type ConversationMessage, type PlaygroundTarget } from '@parley/jobs';
import type { Logger } from '@parley/service-kit';
import { describeSettings, parseOverrides, SettingsError, type SettingsChanges } from '@parley/settings';
import { DEFAULT_TARGET_LANGUAGE, generationFrom } from '../core/generation.js';
import type { Intake } from '../core/intake.js';
import type { ChannelScope, SettingsStore } from '../core/settings-store.js';
import { UserFacingError } from '../core/user-facing-error.js';
import { parseInput, PLAYGROUND_USAGE, type PlaygroundInput, type PlaygroundSource } from './commands.js';
import { workingOn } from '../core/reply-words.js';
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
  intake: Intake;
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

export function channelScope(channelId: string): ChannelScope {
  return { platform: 'playground', workspace: WORKSPACE, channel: channelId };
}

/** A typed request or a bot answer is no part of the conversation a model reads. */
function isConversation(m: PlaygroundMessage): boolean {
  return !m.isBot && !m.text.trimStart().startsWith('/') && !/(^|\s)@parley\b/i.test(m.text);
}

/**
 * The playground's requests: what the message box sends goes through the same intake, settings
 * layering and job contract as Slack's and Discord's, with a placeholder reply that the streamed
 * text and then the final reply (from `replies-playground`) replace.
 */
export class PlaygroundService {
  constructor(private readonly deps: PlaygroundDeps) {}

  private async say(channelId: string, threadId: string | undefined, text: string, extra: Partial<PlaygroundMessage> = {}): Promise<PlaygroundMessage> {
    const message: PlaygroundMessage = { id: newMessageId(), channelId, ...(threadId && { threadId }), author: BOT_NAME, text, isBot: true, at: Date.now(), ...extra };
    await this.deps.store.add(message);
    this.deps.hub.publish(message);
    return message;
  }

  async post(channelId: string, input: { text: string; threadId?: string | undefined }): Promise<PostResult> {
    const { store, hub } = this.deps;
    if (!(await store.hasChannel(channelId))) throw new UserFacingError('NO_CHANNEL', 'There is no such channel.');
    const text = input.text.trim();
    if (!text) throw new UserFacingError('EMPTY', 'Type a message or a command.');
    if (text.length > 4000) throw new UserFacingError('TOO_LONG', 'A message may have at most 4,000 characters.');
    let threadId: string | undefined;
    if (input.threadId) {
      const parent = await store.get(channelId, input.threadId);
      if (!parent) throw new UserFacingError('NO_THREAD', 'That thread is gone.');
      threadId = parent.threadId ?? parent.id;
    }
    const message: PlaygroundMessage = { id: newMessageId(), channelId, ...(threadId && { threadId }), author: PLAYGROUND_USER.name, text, isBot: false, at: Date.now() };
    await store.add(message);
    hub.publish(message);

    let parsed: PlaygroundInput;
    try {
      parsed = parseInput(text, { maxMessages: this.deps.maxMessages });
    } catch (err) {
      if (!(err instanceof UserFacingError)) throw err;
      return { message, reply: await this.say(channelId, threadId, err.userMessage, { state: 'failed' }) };
    }
    // A reply to a top-level request goes into its thread only when it was asked in one.
    try {
      switch (parsed.kind) {
        case 'message':
          return { message };
        case 'help':
          return { message, reply: await this.say(channelId, threadId, PLAYGROUND_USAGE, { state: 'done' }) };
        case 'genconfig':
          return { message, reply: await this.say(channelId, threadId, await this.genconfig(channelId, parsed), { state: 'done' }) };
        case 'task':
          return { message, ...(await this.queue(message, parsed)) };
      }
    } catch (err) {
      if (!(err instanceof UserFacingError)) throw err;
      this.deps.log.info({ code: err.code }, 'playground request refused');
      return { message, reply: await this.say(channelId, threadId, err.userMessage, { state: 'failed' }) };
    }
  }

  private async genconfig(channelId: string, input: Extract<PlaygroundInput, { kind: 'genconfig' }>): Promise<string> {
    const scope = channelScope(channelId);
    try {
      if (input.verb === 'reset') await this.deps.settings.reset(scope, PLAYGROUND_USER.id);
      if (input.verb === 'preset') await this.deps.settings.applyPreset(scope, input.args.trim(), PLAYGROUND_USER.id);
      if (input.verb === 'set') {
        const { overrides, rest } = parseOverrides(input.args);
        if (rest.trim()) throw new UserFacingError('BAD_SETTING', 'Use key=value pairs, e.g. `/genconfig set temperature=0.7 sample`.');
        await this.deps.settings.set(scope, overrides, PLAYGROUND_USER.id);
      }
    } catch (err) {
      if (err instanceof SettingsError) throw new UserFacingError('BAD_SETTING', err.userMessage, { cause: err });
      throw err;
    }
    const { settings } = await this.deps.settings.effective(scope);
    const said = input.verb === 'show' ? 'Settings here' : 'Saved. Settings here now';
    return `${said}: ${describeSettings({ ...settings, maxNewTokens: settings.maxNewTokens ?? this.deps.maxNewTokens })}. Change them in the settings panel, or with \`/genconfig set temperature=0.7 sample\`, \`/genconfig preset creative\`, \`/genconfig reset\`.`;
  }

  /** The messages a request reads: its thread, the channel's recent messages with their threads, or the latest one. */
  private async read(request: PlaygroundMessage, source: PlaygroundSource): Promise<ConversationMessage[]> {
    const all = (await this.deps.store.messages(request.channelId)).filter((m) => m.id !== request.id);
    let picked: PlaygroundMessage[];
    if (request.threadId) {
      picked = all.filter((m) => isConversation(m) && (m.id === request.threadId || m.threadId === request.threadId));
      if (source.kind === 'latest') picked = picked.slice(-1);
    } else if (source.kind === 'latest') {
      picked = all.filter((m) => isConversation(m) && !m.threadId).slice(-1);
    } else {
      const since = source.kind === 'context' && source.sinceMs !== undefined ? Date.now() - source.sinceMs : -Infinity;
      const last = source.kind === 'context' && source.last !== undefined ? source.last : source.kind === 'context' && source.sinceMs !== undefined ? this.deps.maxMessages : DEFAULT_WINDOW;
      const tops = all.filter((m) => !m.threadId && m.at >= since).slice(-last);
      const replies = new Map<string, PlaygroundMessage[]>();
      for (const m of all) if (m.threadId) replies.set(m.threadId, [...(replies.get(m.threadId) ?? []), m]);
      picked = tops.flatMap((t) => [t, ...(replies.get(t.id) ?? [])]).filter((m) => isConversation(m) && m.at >= since);
    }
    return picked.slice(-this.deps.maxMessages).map((m) => ({ id: m.id, author: m.author, text: m.text, isBot: m.isBot }));
  }

  private async queue(request: PlaygroundMessage, input: Extract<PlaygroundInput, { kind: 'task' }>): Promise<{ reply: PlaygroundMessage; requestId: string }> {
    const { intake, settings: store, log } = this.deps;
    const requestId = requestJobId(input.task.task, 'playground', request.channelId, request.id);
    await intake.admit({ workspace: WORKSPACE, channel: request.channelId, user: PLAYGROUND_USER.id }, requestId);
    const messages =
      input.source.kind === 'text'
        ? [{ id: request.id, author: PLAYGROUND_USER.name, text: input.source.text, isBot: false }]
        : keepRecentWithinPayload(await this.read(request, input.source));
    if (!messages.length) throw new UserFacingError('NOTHING_TO_READ', 'There are no messages here to read yet. Load the sample thread, or write some.');
    const { settings } = await store.effective(channelScope(request.channelId), { command: input.overrides });
    const task = input.task.task === 'translate' ? { task: 'translate' as const, language: input.task.language ?? settings.targetLanguage ?? DEFAULT_TARGET_LANGUAGE } : input.task;
    const working = `⏳ ${workingOn(input.task.task, messages.length)}…`;
    const reply = await this.say(request.channelId, request.threadId, working, { requestId, state: 'waiting' });
    await this.deps.store.setPlaceholder(requestId, { channelId: reply.channelId, id: reply.id });
    const target: PlaygroundTarget = { platform: 'playground', channelId: request.channelId, ...(request.threadId && { threadId: request.threadId }), userId: PLAYGROUND_USER.id };
    const { ahead } = await intake.submit(
      { version: 1, requestId, target, messages, generation: generationFrom(settings, this.deps.maxNewTokens), ...task },
      `playground:${request.channelId}`,
    );
    log.info({ requestId, task: task.task, source: input.source.kind, messages: messages.length, ahead }, `${task.task} queued`);
    if (ahead > 0) {
      const waiting = { ...reply, text: `${working} (#${ahead + 1} in the queue)` };
      const current = await this.deps.store.get(reply.channelId, reply.id);
      if (current?.state === 'waiting') {
        await this.deps.store.update(waiting);
        this.deps.hub.publish(waiting);
      }
    }
    return { reply, requestId };
  }

  /** The channel's stored settings and what a request here runs with. */
  async settingsOf(channelId: string): Promise<{ stored: Record<string, unknown>; effective: Record<string, unknown>; summary: string }> {
    const scope = channelScope(channelId);
    const [{ settings: stored }, { settings }] = await Promise.all([this.deps.settings.get(scope), this.deps.settings.effective(scope)]);
    const effective = { ...settings, maxNewTokens: settings.maxNewTokens ?? this.deps.maxNewTokens };
    return { stored, effective, summary: describeSettings(effective) };
  }

  /** Saves the panel's changes (null clears a field) through the settings store, audited to the playground user. */
  async saveSettings(channelId: string, changes: unknown, reset: boolean): Promise<{ stored: Record<string, unknown>; effective: Record<string, unknown>; summary: string }> {
    const scope = channelScope(channelId);
    try {
      if (reset) await this.deps.settings.reset(scope, PLAYGROUND_USER.id);
      else await this.deps.settings.set(scope, changes as SettingsChanges, PLAYGROUND_USER.id);
    } catch (err) {
      if (err instanceof SettingsError) throw new UserFacingError('BAD_SETTING', err.userMessage, { cause: err });
      throw err;
    }
    return this.settingsOf(channelId);
  }
}
