import { INFERENCE_QUEUE } from '@parley/jobs';
import { assertRedisReachable, createLogger, exitOnStartupFailure, onShutdown, redisOptions } from '@parley/service-kit';
import { FlowProducer, Worker } from 'bullmq';
import { loadConfig } from './config.js';
import { EnginePool } from './engine-pool.js';
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
    { executionProvider: config.ORT_EXECUTION_PROVIDER, ...(config.ORT_INTRA_OP_THREADS && { intraOpThreads: config.ORT_INTRA_OP_THREADS }) },
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

  const worker = new Worker(INFERENCE_QUEUE, createProcessor(ctx, summaryPrompts), {
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

  onShutdown(
    async () => {
      await worker.close();
      await Promise.all([replies.close(), flows.close()]);
      await pool.close();
    },
    config.SHUTDOWN_DEADLINE_MS,
    (msg) => log.info(msg),
  );
}

main().catch((err: unknown) => exitOnStartupFailure(APP, err));
