import { EngineError, type Engine } from '@parley/engine';
import { summarizeJobSchema, type SummarizeJob } from '@parley/jobs';
import type { Logger } from '@parley/service-kit';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Replies } from './replies.js';
import { runSummarize } from './summarize-task.js';

/** Engine errors that retrying cannot fix: the input or the model is wrong, not the moment. */
const PERMANENT_ENGINE_ERRORS = new Set(['PROMPT_TOO_LONG', 'INVALID_OPTION', 'MODEL_NOT_FOUND', 'MODEL_INVALID']);

export const GENERIC_FAILURE = 'Parley could not finish this request. Please try again.';

export interface ProcessorDeps {
  engine: Engine;
  replies: Replies;
  log: Logger;
}

export function parseJob(job: Job): SummarizeJob | null {
  const parsed = summarizeJobSchema.safeParse(job.data);
  return parsed.success ? parsed.data : null;
}

/**
 * The BullMQ processor for inference jobs. It never talks to a chat platform: it hands the
 * outcome, success or a user-facing failure, to the platform's reply queue.
 */
export function createProcessor({ engine, replies, log }: ProcessorDeps) {
  return async (job: Job): Promise<{ ok: boolean }> => {
    const data = parseJob(job);
    if (!data) {
      log.error({ jobId: job.id }, 'job payload failed validation');
      throw new UnrecoverableError('invalid job payload');
    }
    try {
      const outcome = await runSummarize(engine, data);
      await replies.send(job.id!, data, outcome);
      log.info({ jobId: job.id, requestId: data.requestId, ...(outcome.ok && outcome.stats) }, 'job done');
      return { ok: true };
    } catch (err) {
      const permanent = err instanceof EngineError && PERMANENT_ENGINE_ERRORS.has(err.code);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const code = err instanceof EngineError ? err.code : 'WORKER_FAILURE';
      log.error({ jobId: job.id, requestId: data.requestId, code, permanent, attempt: job.attemptsMade + 1 }, 'job failed');
      if (permanent || lastAttempt) {
        const userMessage = err instanceof EngineError ? err.userMessage : GENERIC_FAILURE;
        await replies.send(job.id!, data, { ok: false, code, userMessage });
      }
      if (permanent) throw new UnrecoverableError(code);
      throw err;
    }
  };
}

/**
 * A job can fail without the processor seeing it, e.g. after stalling more often than allowed
 * because its worker kept dying. The user still gets an answer.
 */
export async function replyToFailedJob(job: Job, replies: Replies, log: Logger): Promise<void> {
  if ((await job.getState()) !== 'failed') return;
  const data = parseJob(job);
  if (!data) return;
  await replies.send(job.id!, data, { ok: false, code: 'JOB_FAILED', userMessage: GENERIC_FAILURE });
  log.warn({ jobId: job.id, requestId: data.requestId }, 'failure reply sent for a failed job');
}
