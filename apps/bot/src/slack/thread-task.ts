import { keepRecentWithinPayload } from '@parley/jobs';
import { DEFAULT_TARGET_LANGUAGE, generationFrom } from '../core/generation.js';
import type { Settings } from '@parley/settings';
import type { Logger } from '@parley/service-kit';
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Intake } from '../core/intake.js';
import type { SettingsStore } from '../core/settings-store.js';
import { workingOn } from '../core/reply-words.js';
import { UserFacingError } from '../core/user-facing-error.js';
import { readSource, replyThreadOf, resolveLatest, type TaskSource } from './read-source.js';
import type { UserNames } from './user-names.js';
import type { Placeholders } from './placeholders.js';

/** What the Slack surfaces that queue work on a thread (commands, shortcut, mentions) share. */
export interface ThreadTaskDeps {
  intake: Intake;
  log: Logger;
  bot: { userId: string; botId: string };
  names: UserNames;
  settings: SettingsStore;
  maxMessages: number;
  maxNewTokens: number;
  placeholders: Placeholders;
}

/** The refusal a user should see when intake will not take a request now, or null. */
export async function admit(deps: ThreadTaskDeps, who: { teamId: string; channelId: string; userId: string }, requestId: string): Promise<string | null> {
  try {
    await deps.intake.admit({ workspace: who.teamId, channel: who.channelId, user: who.userId }, requestId);
    return null;
  } catch (err) {
    const refusal = err instanceof UserFacingError ? err : new UserFacingError('INTAKE_FAILED', 'Something went wrong.', { cause: err });
    deps.log.info({ requestId, code: refusal.code }, 'request refused at intake');
    return refusal.userMessage;
  }
}

/** How the user hears about progress and problems: `respond` for commands and shortcuts. */
export type Notify = (text: string) => Promise<unknown>;

/** A translation without a language goes into the channel's `target_language` setting, else English. */
export type ThreadTask = { task: 'summarize' } | { task: 'entities' } | { task: 'translate'; language?: string } | { task: 'ask'; question: string };

/**
 * Reads the source (a thread, a window of a channel, one message or typed text), layers the
 * settings and queues the task; problems reach the user through `notify`, privately, with a
 * reference id. Every Slack surface goes through here: commands, shortcuts and mentions.
 */
export async function queueThreadTask(
  deps: ThreadTaskDeps,
  client: WebClient,
  notify: Notify,
  req: { requestId: string; teamId: string; userId: string; source: TaskSource; overrides: Settings; task: ThreadTask; private?: boolean },
): Promise<void> {
  const { requestId, teamId } = req;
  const channelId = req.source.channelId;
  const me = { botUserId: deps.bot.userId, botId: deps.bot.botId };
  try {
    const source = await resolveLatest(client, req.source, me);
    const read = await readSource(client, source, { ...me, limit: deps.maxMessages, names: deps.names, requesterId: req.userId });
    const messages = keepRecentWithinPayload(read);
    const { settings } = await deps.settings.effective({ platform: 'slack', workspace: teamId, channel: channelId }, { command: req.overrides });
    const threadTs = replyThreadOf(source);
    const where = { channelId, ...(threadTs && { threadTs }) };
    const working = `:hourglass_flowing_sand: ${workingOn(req.task.task, messages.length)}…`;
    const common = {
      version: 1 as const,
      requestId,
      target: {
        platform: 'slack' as const,
        teamId,
        ...where,
        userId: req.userId,
        ...(req.private && { private: true }),
      },
      messages,
      generation: generationFrom(settings, deps.maxNewTokens),
    };
    const task = req.task.task === 'translate' ? { task: 'translate' as const, language: req.task.language ?? settings.targetLanguage ?? DEFAULT_TARGET_LANGUAGE } : req.task;
    const { ahead } = await deps.intake.submit({ ...common, ...task }, `${teamId}:${channelId}`);
    const position = ahead > 0 ? `you're #${ahead + 1} in the queue` : undefined;
    // Posted once the queue position is known; delivery and streaming find it through Redis.
    const placeholderTs = req.private ? undefined : await deps.placeholders.post(requestId, where, position ? `${working} (${position})` : working);
    deps.log.info(
      { requestId, task: task.task, source: source.kind, messages: messages.length, ahead, placeholder: Boolean(placeholderTs), private: Boolean(req.private) },
      `${task.task} queued`,
    );
    if (position && !placeholderTs) await notify(`:hourglass_flowing_sand: Queued: ${position}; the answer will follow.`);
  } catch (err) {
    const failure = err instanceof UserFacingError ? err : new UserFacingError('INTAKE_FAILED', 'Something went wrong.', { cause: err });
    deps.log.warn({ requestId, code: failure.code }, `${req.task.task} not queued`);
    await notify(`:warning: ${failure.userMessage} (ref \`${requestId}\`)`);
  }
}

/** `respond` as a Notify: private to the requester, never replacing the earlier notice. */
export function viaRespond(respond: RespondFn): Notify {
  return (text) => respond({ response_type: 'ephemeral', replace_original: false, text });
}
