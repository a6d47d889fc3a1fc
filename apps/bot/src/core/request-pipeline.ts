import { asCodedError, isCodedError, type CodedError } from '@parley/errors';
import { generationFrom, keepRecentWithinPayload, type ConversationMessage, type RequestJob, type TaskRequest } from '@parley/jobs';
import { parseLanguage } from '@parley/prompts';
import type { Logger } from '@parley/service-kit';
import type { Settings } from '@parley/settings';
import { BotError } from './bot-error.js';
import type { ChatRequest, RequestReplies } from './chat-request.js';
import type { Intake } from './intake.js';
import type { ChannelScope, SettingsStore } from './settings-store.js';

/** A translation without a language goes into the channel's `target_language` setting, else this. */
export const DEFAULT_TARGET_LANGUAGE = 'English';

const SOMETHING_WENT_WRONG: CodedError = { code: 'INTAKE_FAILED', userMessage: 'Something went wrong.', permanent: false };

/** Why a request was not queued, for the log line every refusal gets. */
export type RefusalStage = 'parse' | 'admission' | 'queue';

export interface PipelineDeps {
  intake: Intake;
  settings: SettingsStore;
  log: Logger;
  /** The bot's length limit (MAX_NEW_TOKENS), below every settings layer. */
  maxNewTokens: number;
}

/** The task as the job carries it: a translation gets its language from the settings when the request named none. */
function jobTask(task: TaskRequest, settings: Readonly<Settings>): Exclude<TaskRequest, { task: 'translate' }> | { task: 'translate'; language: string } {
  if (task.task !== 'translate') return task;
  const language = task.language ?? settings.targetLanguage ?? DEFAULT_TARGET_LANGUAGE;
  // An unknown language is answered now, with suggestions, not by a worker after a wait in the queue.
  parseLanguage(language);
  return { task: 'translate', language };
}

/** Something to work on: a message with words in it from someone other than a bot (the worker leaves bots out). */
function hasContent(messages: readonly ConversationMessage[]): boolean {
  return messages.some((m) => !m.isBot && m.text.trim() !== '');
}

/**
 * The one way into the inference queue, for every chat platform: admit (rate limits, a full
 * queue) → read the source → layer the settings (workspace ← channel ← command) → build the job
 * → submit it (the job id is the request id, so a redelivered request is queued once) → tell the
 * requester it is waiting and where in the queue. Every failure reaches the requester through
 * `replies.refused`, with a log line that names the request, never its text.
 */
export class RequestPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  /** Runs one request to the queue; resolves whether it was queued. Never throws for the request's own problems. */
  async run(request: ChatRequest, replies: RequestReplies): Promise<boolean> {
    const { intake, settings, log } = this.deps;
    const { requestId, scope } = request;
    try {
      await intake.admit(scope, request.userId, requestId);
    } catch (err) {
      await this.refuse({ requestId, scope }, err, replies, 'admission');
      return false;
    }
    try {
      await replies.accepted?.();
      const read = await request.source.read();
      const messages = keepRecentWithinPayload(read.messages);
      if (!hasContent(messages)) throw new BotError('NOTHING_TO_READ', request.source.nothingToRead);
      const { settings: effective } = await settings.effective(scope, { command: request.overrides });
      const task = jobTask(read.task ?? request.task, effective);
      const status = { task: task.task, messages: messages.length };
      const target = await replies.working(status);
      const job: RequestJob = { version: 1, requestId, target, messages, generation: generationFrom(effective, this.deps.maxNewTokens), ...task };
      const { ahead } = await intake.submit(job, scope);
      // Queued now, whatever follows: a waiting reply that cannot be shown is no refusal.
      await replies.queued({ ...status, ahead }).catch((err: Error) => log.warn({ requestId, err: err.message?.slice(0, 160) }, 'queue position not shown'));
      log.info(
        { requestId, platform: scope.platform, task: task.task, source: request.source.kind, messages: messages.length, ahead, private: request.private },
        `${task.task} queued`,
      );
      return true;
    } catch (err) {
      await this.refuse({ requestId, scope }, err, replies, 'queue');
      return false;
    }
  }

  /**
   * Tells the requester why a request is not taken, and logs it with its code. Adapters use it for
   * what they refuse before there is a request (a command they cannot parse), so every refusal
   * is logged and answered alike.
   */
  async refuse(request: { requestId: string; scope: ChannelScope }, err: unknown, replies: Pick<RequestReplies, 'refused'>, stage: RefusalStage): Promise<void> {
    const failure = asCodedError(err, SOMETHING_WENT_WRONG);
    this.deps.log.info(
      {
        requestId: request.requestId,
        platform: request.scope.platform,
        code: failure.code,
        stage,
        // An error that is not ours is a bug or an outage: its message helps the operator (it never holds chat text).
        ...(!isCodedError(err) && { err: err instanceof Error ? err.message.slice(0, 160) : String(err).slice(0, 160) }),
      },
      'request refused',
    );
    try {
      await replies.refused(failure);
    } catch (sendErr) {
      this.deps.log.warn({ requestId: request.requestId, err: (sendErr as Error).message?.slice(0, 160) }, 'refusal not delivered');
    }
  }
}
