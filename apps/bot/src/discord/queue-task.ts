import { keepRecentWithinPayload, type ConversationMessage, type DiscordTarget } from '@parley/jobs';
import type { Logger } from '@parley/service-kit';
import type { Settings } from '@parley/settings';
import type { Message, TextBasedChannel } from 'discord.js';
import { DEFAULT_TARGET_LANGUAGE, generationFrom } from '../core/generation.js';
import type { Intake } from '../core/intake.js';
import type { SettingsStore } from '../core/settings-store.js';
import { UserFacingError } from '../core/user-facing-error.js';
import { asUserFacing } from './discord-errors.js';
import type { DisplayNames } from './display-names.js';
import { readHistory, starterOf, toConversation, type HistoryWindow } from './read-history.js';
import type { ReplyEditor } from './reply-editor.js';
import type { ReplyHandle } from './reply-handle.js';
import { workingOn } from '../core/reply-words.js';

export type DiscordTask = { task: 'summarize' } | { task: 'entities' } | { task: 'translate'; language?: string } | { task: 'ask'; question: string };

/** What a request works on: part of a channel or thread, given messages, or text typed into a command. */
export type DiscordSource =
  | { kind: 'channel'; channel: TextBasedChannel; window: HistoryWindow }
  | { kind: 'messages'; messages: Message[] }
  | { kind: 'text'; text: string; authorName: string };

export interface DiscordTaskDeps {
  intake: Intake;
  settings: SettingsStore;
  log: Logger;
  names: DisplayNames;
  editor: ReplyEditor;
  maxMessages: number;
  maxNewTokens: number;
  botUserId: string;
  messageContent: boolean;
}

export interface DiscordRequest {
  requestId: string;
  guildId: string;
  channelId: string;
  userId: string;
  source: DiscordSource;
  overrides: Settings;
  task: DiscordTask;
  private?: boolean;
  /** The message the request came from or works on; channel fallbacks reference it. */
  messageId?: string;
  interaction?: { applicationId: string; token: string; createdAt: number };
  /** For mentions: posts the message the answer will replace, and returns its id. */
  placeholder?: (text: string) => Promise<string | undefined>;
}

/** The window of a channel a request reads when it names none; a thread is read whole. */
export function defaultSource(channel: TextBasedChannel, maxMessages: number): DiscordSource {
  return { kind: 'channel', channel, window: { limit: channel.isThread() ? maxMessages : Math.min(50, maxMessages) } };
}

async function read(deps: DiscordTaskDeps, req: DiscordRequest): Promise<ConversationMessage[]> {
  const opts = { guildId: req.guildId, botUserId: deps.botUserId, names: deps.names, messageContent: deps.messageContent };
  const { source } = req;
  if (source.kind === 'text') return [{ id: 'typed-text', author: source.authorName, text: source.text, isBot: false }];
  if (source.kind === 'messages') return toConversation(source.messages, { ...opts, chosen: true });
  const history = await readHistory(source.channel, source.window);
  const starter = source.window.sinceMs === undefined && history.length < source.window.limit ? await starterOf(source.channel) : null;
  return toConversation(starter && !history.some((m) => m.id === starter.id) ? [starter, ...history] : history, opts);
}

/** Why there is nothing to work on, naming what was looked at. */
function nothingToRead(source: DiscordSource): string {
  if (source.kind === 'messages') return 'That message has no text I can work on.';
  if (source.kind === 'text') return 'Give me some text to work on.';
  if (source.channel.isThread()) return 'This thread has no messages I can work on.';
  const { limit, sinceMs } = source.window;
  // <t:…:R> is shown by Discord in the reader's own words and time zone, e.g. "2 hours ago".
  const span = sinceMs !== undefined ? `since <t:${Math.floor(sinceMs / 1000)}:R>` : `in the last ${limit} messages`;
  return `I found no messages I can work on ${span} in this channel.`;
}

/**
 * Reads the source, layers the settings (guild ← channel ← command) and queues the task. The
 * reply that waits for the answer (a deferred interaction, or a mention's placeholder) says what
 * is being done and, behind other requests, the place in the queue. Throws a UserFacingError.
 */
export async function queueDiscordTask(deps: DiscordTaskDeps, req: DiscordRequest): Promise<void> {
  let messages: ConversationMessage[];
  try {
    messages = keepRecentWithinPayload(await read(deps, req));
  } catch (err) {
    throw asUserFacing(err);
  }
  // The worker leaves bots' messages out: with nothing else there would be nothing to work on.
  if (!messages.some((m) => !m.isBot)) throw new UserFacingError('NOTHING_TO_READ', nothingToRead(req.source));
  const scope = { platform: 'discord' as const, workspace: req.guildId, channel: req.channelId };
  const { settings } = await deps.settings.effective(scope, { command: req.overrides });
  const working = `⏳ ${workingOn(req.task.task, messages.length)}…`;
  let handle: ReplyHandle | undefined;
  let placeholderId: string | undefined;
  if (req.interaction) {
    handle = { kind: 'interaction', ...req.interaction };
    deps.editor.show(handle, working);
  } else if (req.placeholder) {
    placeholderId = await req.placeholder(working);
    if (placeholderId) handle = { kind: 'message', channelId: req.channelId, messageId: placeholderId };
  }
  const target: DiscordTarget = {
    platform: 'discord',
    guildId: req.guildId,
    channelId: req.channelId,
    userId: req.userId,
    ...(req.messageId && { messageId: req.messageId }),
    ...(req.interaction && { interaction: req.interaction }),
    ...(placeholderId && { placeholderId }),
    ...(req.private && { private: true }),
  };
  const task = req.task.task === 'translate' ? { task: 'translate' as const, language: req.task.language ?? settings.targetLanguage ?? DEFAULT_TARGET_LANGUAGE } : req.task;
  const { ahead } = await deps.intake.submit(
    { version: 1, requestId: req.requestId, target, messages, generation: generationFrom(settings, deps.maxNewTokens), ...task },
    `discord:${req.guildId}:${req.channelId}`,
  );
  deps.log.info({ requestId: req.requestId, task: task.task, source: req.source.kind, messages: messages.length, ahead, private: Boolean(req.private) }, `${task.task} queued`);
  if (ahead > 0 && handle) deps.editor.show(handle, `${working} (#${ahead + 1} in the queue)`);
}

/** The refusal the user sees when intake will not take a request now, or null. */
export async function admitDiscord(deps: DiscordTaskDeps, who: { guildId: string; channelId: string; userId: string }, requestId: string): Promise<UserFacingError | null> {
  try {
    await deps.intake.admit({ workspace: `discord-${who.guildId}`, channel: who.channelId, user: who.userId }, requestId);
    return null;
  } catch (err) {
    const refusal = err instanceof UserFacingError ? err : new UserFacingError('INTAKE_FAILED', 'Something went wrong.', { cause: err });
    deps.log.info({ requestId, code: refusal.code }, 'request refused at intake');
    return refusal;
  }
}
