import { INFERENCE_QUEUE } from '@parley/jobs';
import { assertRedisReachable, createLogger, exitOnStartupFailure, onShutdown, redisOptions, startOpsServer } from '@parley/service-kit';
import { FlowProducer, Queue, Worker } from 'bullmq';
import { loadConfig } from './config.js';
import { EnginePool } from './engine-pool.js';
import { workerHealth } from './health.js';
import { WorkerMetrics } from './metrics.js';
import { ModelRegistry } from './model-registry.js';
import { createProcessor, replyToFailedJob } from './processor.js';
import { Replies } from './replies.js';
import { summaryPrompts } from './tasks/summary-prompts.js';
import type { TaskContext } from './tasks/task-context.js';

const APP = 'parley-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(APP);
  await assertRedisReachable(config.REDIS_URL);
  const registry = config.MODEL_REGISTRY ? ModelRegistry.fromFile(config.MODEL_REGISTRY) : ModelRegistry.single(config.MODEL_DIR!);
  const pool = await EnginePool.start(
    registry,
    {
      executionProvider: config.ORT_EXECUTION_PROVIDER,
      ...(config.ORT_INTRA_OP_THREADS && { intraOpThreads: config.ORT_INTRA_OP_THREADS }),
      batch: { maxRows: config.BATCH_MAX_ROWS, kvBudgetBytes: config.BATCH_KV_BUDGET_MB * 1024 * 1024 },
    },
    log,
  );
  pool.onCrash = (reason) => {
    // Without its model this process can only fail jobs; exit so the supervisor restarts it.
    log.fatal({ reason }, 'generation thread died; exiting');
    process.exit(1);
  };

  const connection = { url: config.REDIS_URL, ...redisOptions('consumer') };
  const prefix = config.PARLEY_QUEUE_PREFIX;
  const replies = new Replies(connection, prefix);
  replies.onError((err, queue) => log.error({ err: err.message, queue }, 'queue error'));
  const flows = new FlowProducer({ connection, prefix });
  flows.on('error', (err) => log.error({ err: err.message }, 'flow producer error'));
  const ctx: TaskContext = { registry, pool, replies, flows, queue: INFERENCE_QUEUE, log };

  // Fail-fast options: a scrape must get an error, not a command queued while Redis is away.
  const counts = new Queue(INFERENCE_QUEUE, { connection: { url: config.REDIS_URL, ...redisOptions('producer') }, prefix });
  counts.on('error', () => {});
  const metrics = new WorkerMetrics(counts, () => pool.batchStats());

  const worker = new Worker(INFERENCE_QUEUE, createProcessor(ctx, summaryPrompts, metrics.observe, config.PROGRESS_INTERVAL_MS), {
    connection,
    prefix,
    concurrency: config.WORKER_CONCURRENCY,
    lockDuration: config.WORKER_LOCK_MS,
    stalledInterval: config.WORKER_LOCK_MS,
    maxStalledCount: 2,
  });
  worker.on('failed', (job) => {
    if (job) replyToFailedJob(job, ctx).catch((err: Error) => log.error({ jobId: job.id, err: err.message }, 'failure reply not sent'));
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
  await worker.waitUntilReady();
  log.info({ queue: INFERENCE_QUEUE, prefix, concurrency: config.WORKER_CONCURRENCY, models: registry.models.map((m) => m.name) }, 'worker ready');
  const ops = await startOpsServer({ health: () => workerHealth(worker, pool), metrics: () => metrics.scrape() }, config.OPS_HOST, config.OPS_PORT);
  log.info({ host: config.OPS_HOST, port: ops.port }, 'ops server listening');

  onShutdown(
    async () => {
      await worker.close();
      await Promise.all([replies.close(), flows.close(), counts.close(), ops.close()]);
      await pool.close();
    },
    config.SHUTDOWN_DEADLINE_MS,
    (msg) => log.info(msg),
  );
}

main().catch((err: unknown) => exitOnStartupFailure(APP, err));
