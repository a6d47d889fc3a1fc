import { keepRecentWithinPayload, type GenerationSettings } from '@parley/jobs';
import type { Settings } from '@parley/settings';
import type { Logger } from '@parley/service-kit';
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Intake } from '../core/intake.js';
import type { SettingsStore } from '../core/settings-store.js';
import { UserFacingError } from '../core/user-facing-error.js';
import { readThread } from './read-thread.js';
import type { ThreadRef } from './thread-link.js';
import type { UserNames } from './user-names.js';
import type { PlaceholderEditor } from './placeholder-editor.js';
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
  editor: PlaceholderEditor;
}

/** The effective settings as the job carries them: the layers' result over the bot's defaults. */
export function generationFrom(settings: Readonly<Settings>, defaultMaxNewTokens: number): GenerationSettings {
  // The target language is a translate-command default, not a decoding setting.
  const decoding = Object.fromEntries(Object.entries(settings).filter(([k, v]) => k !== 'targetLanguage' && v !== undefined));
  return { ...decoding, maxNewTokens: settings.maxNewTokens ?? defaultMaxNewTokens };
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

export type ThreadTask = { task: 'summarize' } | { task: 'entities' } | { task: 'translate'; language: string } | { task: 'ask'; question: string };

/**
 * Reads the thread, layers the settings and queues the task; problems reach the user through
 * `notify`, privately, with a reference id. Shared by `/summarize`, the shortcut and mentions.
 */
export async function queueThreadTask(
  deps: ThreadTaskDeps,
  client: WebClient,
  notify: Notify,
  req: { requestId: string; teamId: string; userId: string; thread: ThreadRef; overrides: Settings; task: ThreadTask; skipTs?: string; private?: boolean },
): Promise<void> {
  const { requestId, teamId, thread: ref } = req;
  try {
    const thread = await readThread(client, ref, {
      limit: deps.maxMessages,
      botUserId: deps.bot.userId,
      botId: deps.bot.botId,
      names: deps.names,
    });
    // The message that asked (an @mention) is a request, not thread content.
    const messages = keepRecentWithinPayload(thread.filter((m) => m.id !== req.skipTs));
    const { settings } = await deps.settings.effective({ platform: 'slack', workspace: teamId, channel: ref.channelId }, { command: req.overrides });
    if (!messages.some((m) => m.text.trim() !== '' && !m.isBot)) {
      throw new UserFacingError('EMPTY_THREAD', 'That thread has no messages I can work on.');
    }
    const where = { channelId: ref.channelId, threadTs: ref.threadTs };
    const working = `:hourglass_flowing_sand: ${workingOn(req.task, messages.length)}…`;
    const placeholderTs = req.private ? undefined : await deps.placeholders.post(requestId, where, working);
    const common = {
      version: 1 as const,
      requestId,
      target: {
        platform: 'slack' as const,
        teamId,
        ...where,
        userId: req.userId,
        ...(placeholderTs && { placeholderTs }),
        ...(req.private && { private: true }),
      },
      messages,
      generation: generationFrom(settings, deps.maxNewTokens),
    };
    const { ahead } = await deps.intake.submit({ ...common, ...req.task }, `${teamId}:${ref.channelId}`);
    deps.log.info({ requestId, task: req.task.task, messages: messages.length, ahead, placeholder: Boolean(placeholderTs) }, `${req.task.task} queued`);
    if (ahead > 0) {
      const position = `you're #${ahead + 1} in the queue`;
      // Through the editor, so that it cannot land after streamed text or the answer.
      if (placeholderTs) deps.editor.show(teamId, ref.channelId, placeholderTs, `${working} (${position})`);
      else await notify(`:hourglass_flowing_sand: Queued: ${position}; the answer will follow.`);
    }
  } catch (err) {
    const failure = err instanceof UserFacingError ? err : new UserFacingError('INTAKE_FAILED', 'Something went wrong.', { cause: err });
    deps.log.warn({ requestId, code: failure.code }, `${req.task.task} not queued`);
    await notify(`:warning: ${failure.userMessage} (ref \`${requestId}\`)`);
  }
}

/** What the placeholder says while a request waits, e.g. "Summarizing 42 messages". */
export function workingOn(task: ThreadTask, messages: number): string {
  const count = `${messages} message${messages === 1 ? '' : 's'}`;
  switch (task.task) {
    case 'summarize':
      return `Summarizing ${count}`;
    case 'translate':
      return `Translating ${count}`;
    case 'entities':
      return `Finding people, places and dates in ${count}`;
    case 'ask':
      return `Reading ${count} to answer your question`;
  }
}

/** `respond` as a Notify: private to the requester, never replacing the earlier notice. */
export function viaRespond(respond: RespondFn): Notify {
  return (text) => respond({ response_type: 'ephemeral', replace_original: false, text });
}
