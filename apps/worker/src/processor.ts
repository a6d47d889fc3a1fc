import { isCodedError, type CodedError } from '@parley/errors';
import { inferenceJobSchema, LIMITS, type InferenceJob, type Progress, type ProgressStage, type ReplyOutcome, type ReplyTarget } from '@parley/jobs';
import { UnrecoverableError, type Job } from 'bullmq';
import { ask } from './tasks/ask.js';
import { extractEntities } from './tasks/entities.js';
import { summarize, summarizeChunk, summarizeReduce } from './tasks/summarize.js';
import { translate } from './tasks/translate.js';
import type { SummaryPrompts } from './tasks/summary-plan.js';
import type { TaskContext } from './tasks/task-context.js';

export type AttemptResult = 'completed' | 'failed' | 'retried';
export type GenerationStats = Extract<ReplyOutcome, { ok: true }>['stats'];

/** One processing attempt of one job, as the processor saw it; for metrics. */
export interface AttemptReport {
  /** The job's task, or 'invalid' for a payload that failed validation. */
  task: InferenceJob['task'] | 'invalid';
  /** 'retried': this attempt failed and BullMQ will try the job again. */
  result: AttemptResult;
  durationMs: number;
  /** From enqueue to the start of this attempt (processedOn − timestamp). */
  queuedMs?: number;
  /** The reply's generation stats, for attempts that produced a successful reply. */
  stats?: GenerationStats;
}

export type AttemptObserver = (report: AttemptReport) => void;

export const GENERIC_FAILURE = 'Parley could not finish this request. Please try again.';

export function parseJob(job: Job): InferenceJob | null {
  const parsed = inferenceJobSchema.safeParse(job.data);
  return parsed.success ? parsed.data : null;
}

const isLastAttempt = (job: Job): boolean => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

/**
 * What a failure means for the user and for retries, read off the error's shape (it may come
 * from any package, or across the engine's thread): a coded error carries its own code, user
 * message and whether a retry can help; anything else is the generic failure, worth a retry.
 */
export function classify(err: unknown): CodedError {
  if (isCodedError(err)) return { code: err.code, userMessage: err.userMessage, permanent: err.permanent };
  return { code: 'WORKER_FAILURE', userMessage: GENERIC_FAILURE, permanent: false };
}

/** What the job is doing before it has text, for adapters that show a status; chunks of a long summary say which part they are. */
function stageOf(data: InferenceJob): { target: ReplyTarget; stage: ProgressStage } | undefined {
  if (data.task === 'summarize-chunk') return data.statusTarget && data.of ? { target: data.statusTarget, stage: { kind: 'part', part: data.chunk + 1, of: data.of } } : undefined;
  if (data.task === 'summarize-reduce') return { target: data.target, stage: { kind: 'combining', parts: data.chunks } };
  return { target: data.target, stage: { kind: 'reading', messages: data.messages.length } };
}

function publishStage(job: Job, data: InferenceJob): void {
  const at = stageOf(data);
  if (!at) return;
  const progress: Progress = { requestId: data.requestId, target: at.target, text: '', stage: at.stage };
  job.updateProgress(progress).catch(() => {});
}

/** Partial text, as job progress for streaming adapters: at most once per `intervalMs`. */
function progressPublisher(job: Job, data: InferenceJob, intervalMs: number): ((text: string) => void) | undefined {
  // Map steps of a long summary have no reply of their own to stream into.
  if (data.task === 'summarize-chunk') return undefined;
  let last = 0;
  return (text) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    const progress: Progress = { requestId: data.requestId, target: data.target, text: text.slice(0, LIMITS.replyChars) };
    job.updateProgress(progress).catch(() => {});
  };
}

/**
 * The BullMQ processor for every inference job. It never talks to a chat platform: outcomes,
 * successes and user-facing failures alike, go to the platform's reply queue.
 */
export function createProcessor(ctx: TaskContext, prompts: SummaryPrompts, observe: AttemptObserver = () => {}, progressIntervalMs = 500) {
  const run = async (job: Job, data: InferenceJob): Promise<{ outcome: ReplyOutcome | null; value?: unknown }> => {
    publishStage(job, data);
    const progress = progressPublisher(job, data, progressIntervalMs);
    const jobCtx: TaskContext = { ...ctx, ...(progress && { progress }) };
    switch (data.task) {
      case 'summarize':
        return { outcome: await summarize(jobCtx, job, data, prompts) };
      case 'summarize-chunk':
        return { outcome: null, value: await summarizeChunk(jobCtx, data, prompts) };
      case 'summarize-reduce':
        return { outcome: await summarizeReduce(jobCtx, job, data, prompts) };
      case 'translate':
        return { outcome: await translate(jobCtx, data) };
      case 'entities':
        return { outcome: await extractEntities(jobCtx, data) };
      case 'ask':
        return { outcome: await ask(jobCtx, data) };
    }
  };

  const attempt = async (job: Job, data: InferenceJob): Promise<{ value: unknown; stats?: GenerationStats }> => {
    try {
      const { outcome, value } = await run(job, data);
      if (outcome && 'target' in data) await ctx.replies.send(data, outcome);
      ctx.log.info({ jobId: job.id, requestId: data.requestId, task: data.task, ...(outcome?.ok && outcome.stats) }, 'job done');
      return { value: value ?? { ok: true }, ...(outcome?.ok && { stats: outcome.stats }) };
    } catch (err) {
      const { code, userMessage, permanent } = classify(err);
      const lastAttempt = isLastAttempt(job);
      ctx.log.error({ jobId: job.id, requestId: data.requestId, task: data.task, code, permanent, attempt: job.attemptsMade + 1 }, 'job failed');
      if ((permanent || lastAttempt) && 'target' in data) await ctx.replies.send(data, { ok: false, code, userMessage });
      if (permanent) throw new UnrecoverableError(code);
      throw err;
    }
  };

  return async (job: Job): Promise<unknown> => {
    const started = performance.now();
    const data = parseJob(job);
    const report = (result: AttemptResult, stats?: GenerationStats) =>
      observe({
        task: data?.task ?? 'invalid',
        result,
        durationMs: performance.now() - started,
        ...(job.processedOn !== undefined && { queuedMs: job.processedOn - job.timestamp }),
        ...(stats && { stats }),
      });
    if (!data) {
      ctx.log.error({ jobId: job.id }, 'job payload failed validation');
      report('failed');
      throw new UnrecoverableError('invalid job payload');
    }
    try {
      const { value, stats } = await attempt(job, data);
      report('completed', stats);
      return value;
    } catch (err) {
      // BullMQ retries any other error while attempts remain.
      report(err instanceof UnrecoverableError || isLastAttempt(job) ? 'failed' : 'retried');
      throw err;
    }
  };
}

/**
 * A job can fail without the processor seeing it, e.g. after stalling more often than allowed
 * because its worker kept dying, or a flow's reduce step failing with its chunks. The user
 * still gets an answer.
 */
export async function replyToFailedJob(job: Job, ctx: Pick<TaskContext, 'replies' | 'log'>): Promise<void> {
  if ((await job.getState()) !== 'failed') return;
  const data = parseJob(job);
  if (!data || !('target' in data)) return;
  await ctx.replies.send(data, { ok: false, code: 'JOB_FAILED', userMessage: GENERIC_FAILURE });
  ctx.log.warn({ jobId: job.id, requestId: data.requestId }, 'failure reply sent for a failed job');
}
