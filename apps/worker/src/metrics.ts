import type { BatchStats } from '@parley/engine';
import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AttemptReport } from './processor.js';
import { withTimeout } from './timeout.js';

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;

/** The worker's Prometheus metrics, in a registry of their own with Node's default metrics. */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly jobs: Counter<'task' | 'outcome'>;
  private readonly duration: Histogram<'task'>;
  private readonly queueWait: Histogram<'task'>;
  private readonly tokens: Counter<'task'>;
  private readonly tokensPerSecond: Histogram<'task'>;

  /** `queue` is read on every scrape; `scrapeTimeoutMs` bounds that read so a scrape never hangs on Redis. */
  constructor(
    queue: Pick<Queue, 'getJobCounts'>,
    batches: () => Promise<{ model: string; stats: BatchStats }[]> = async () => [],
    scrapeTimeoutMs = 1000,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.jobs = new Counter({
      name: 'parley_jobs_total',
      help: 'Job processing attempts by outcome: completed, failed (for good), retried (failed, will run again).',
      labelNames: ['task', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'parley_job_duration_seconds',
      help: 'Processing time of a job attempt, reply included.',
      labelNames: ['task'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.queueWait = new Histogram({
      name: 'parley_queue_wait_seconds',
      help: 'Time from enqueue to the start of a job attempt (processedOn - timestamp).',
      labelNames: ['task'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
      registers,
    });
    this.tokens = new Counter({
      name: 'parley_generated_tokens_total',
      help: 'Tokens generated for successful replies.',
      labelNames: ['task'],
      registers,
    });
    this.tokensPerSecond = new Histogram({
      name: 'parley_tokens_per_second',
      help: 'Generation speed of successful replies (new tokens / generation time).',
      labelNames: ['task'],
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers,
    });
    const queueJobs: Gauge<'state'> = new Gauge({
      name: 'parley_queue_jobs',
      help: 'Jobs in the inference queue by state, read from Redis at scrape time; absent when Redis does not answer.',
      labelNames: ['state'],
      registers,
      collect: async () => {
        queueJobs.reset();
        try {
          const counts = await withTimeout(queue.getJobCounts(...QUEUE_STATES), scrapeTimeoutMs);
          for (const state of QUEUE_STATES) queueJobs.set({ state }, counts[state] ?? 0);
        } catch {
          // Leave the gauge empty rather than report stale depths; the rest of the scrape still answers.
        }
      },
    });
    const batch: Gauge<'model' | 'stat'> = new Gauge({
      name: 'parley_batch',
      help: 'Continuous batching per model since start: steps, runs (decoder runs), row_steps (rows decoded summed over runs; row_steps/runs is the mean batch), largest (most rows in one run).',
      labelNames: ['model', 'stat'],
      registers,
      collect: async () => {
        batch.reset();
        try {
          for (const { model, stats } of await withTimeout(batches(), scrapeTimeoutMs)) {
            batch.set({ model, stat: 'steps' }, stats.steps);
            batch.set({ model, stat: 'runs' }, stats.runs);
            batch.set({ model, stat: 'row_steps' }, stats.rowSteps);
            batch.set({ model, stat: 'largest' }, stats.largest);
          }
        } catch {
          // A busy or dead model thread leaves the gauge empty; the rest of the scrape still answers.
        }
      },
    });
  }

  readonly observe = (report: AttemptReport): void => {
    const task = report.task;
    this.jobs.inc({ task, outcome: report.result });
    this.duration.observe({ task }, report.durationMs / 1000);
    if (report.queuedMs !== undefined && Number.isFinite(report.queuedMs)) this.queueWait.observe({ task }, Math.max(0, report.queuedMs) / 1000);
    if (report.stats) {
      const { newTokens, generationMs } = report.stats;
      this.tokens.inc({ task }, newTokens);
      // Entity extraction generates nothing; a zero would drag the speed down.
      if (newTokens > 0 && generationMs > 0) this.tokensPerSecond.observe({ task }, newTokens / (generationMs / 1000));
    }
  };

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
