import { EngineError, type Engine } from '@parley/engine';
import {
  replyJobId,
  summarizeJobSchema,
  type Platform,
  type ReplyJob,
  type ReplyOutcome,
  type SummarizeJob,
} from '@parley/jobs';
import type { Logger } from '@parley/service-kit';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import { runSummarize } from './summarize-task.js';

/** Engine errors that retrying cannot fix: the input or the model is wrong, not the moment. */
const PERMANENT_ENGINE_ERRORS = new Set(['PROMPT_TOO_LONG', 'INVALID_OPTION', 'MODEL_NOT_FOUND', 'MODEL_INVALID']);

export interface ProcessorDeps {
  engine: Engine;
  replyQueue: (platform: Platform) => Queue;
  log: Logger;
}

/**
 * The BullMQ processor for inference jobs. It never talks to a chat platform: it hands the
 * outcome, success or a user-facing failure, to the platform's reply queue.
 */
export function createProcessor({ engine, replyQueue, log }: ProcessorDeps) {
  const sendReply = async (job: Job, data: SummarizeJob, outcome: ReplyOutcome) => {
    const reply: ReplyJob = { version: 1, requestId: data.requestId, target: data.target, outcome };
    await replyQueue(data.target.platform).add('reply', reply, { jobId: replyJobId(job.id!) });
  };

  return async (job: Job): Promise<{ ok: boolean }> => {
    const parsed = summarizeJobSchema.safeParse(job.data);
    if (!parsed.success) {
      log.error({ jobId: job.id, issues: parsed.error.issues.length }, 'job payload failed validation');
      throw new UnrecoverableError('invalid job payload');
    }
    const data = parsed.data;
    try {
      const outcome = await runSummarize(engine, data);
      await sendReply(job, data, outcome);
      log.info({ jobId: job.id, requestId: data.requestId, ...(outcome.ok && outcome.stats) }, 'job done');
      return { ok: true };
    } catch (err) {
      const permanent = err instanceof EngineError && PERMANENT_ENGINE_ERRORS.has(err.code);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const code = err instanceof EngineError ? err.code : 'WORKER_FAILURE';
      log.error({ jobId: job.id, requestId: data.requestId, code, permanent, attempt: job.attemptsMade + 1 }, 'job failed');
      if (permanent || lastAttempt) {
        const userMessage = err instanceof EngineError ? err.userMessage : 'Something went wrong while generating the reply.';
        await sendReply(job, data, { ok: false, code, userMessage });
      }
      if (permanent) throw new UnrecoverableError(code);
      throw err;
    }
  };
}
