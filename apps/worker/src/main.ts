import { Engine } from '@parley/engine';
import { INFERENCE_QUEUE } from '@parley/jobs';
import { assertRedisReachable, createLogger, exitOnStartupFailure, onShutdown, redisOptions } from '@parley/service-kit';
import { Worker } from 'bullmq';
import { loadConfig } from './config.js';
import { createProcessor, replyToFailedJob } from './processor.js';
import { Replies } from './replies.js';

const APP = 'parley-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(APP);
  await assertRedisReachable(config.REDIS_URL);
  const engine = await Engine.start(config.MODEL_DIR, {
    executionProvider: config.ORT_EXECUTION_PROVIDER,
    ...(config.ORT_INTRA_OP_THREADS && { intraOpThreads: config.ORT_INTRA_OP_THREADS }),
  });
  engine.onCrash = (reason) => {
    // Without its model this process can only fail jobs; exit so the supervisor restarts it.
    log.fatal({ reason }, 'generation thread died; exiting');
    process.exit(1);
  };
  log.info({ model: engine.info }, 'model loaded');
  if (engine.info.isRandomTestModel) log.warn('MODEL_DIR holds the random-weight test model: replies will be random text');

  const connection = { url: config.REDIS_URL, ...redisOptions('consumer') };
  const prefix = config.PARLEY_QUEUE_PREFIX;
  const replies = new Replies(connection, prefix);
  replies.onError((err, queue) => log.error({ err: err.message, queue }, 'queue error'));

  const worker = new Worker(INFERENCE_QUEUE, createProcessor({ engine, replies, log }), {
    connection,
    prefix,
    concurrency: config.WORKER_CONCURRENCY,
    lockDuration: config.WORKER_LOCK_MS,
    stalledInterval: config.WORKER_LOCK_MS,
    maxStalledCount: 2,
  });
  worker.on('failed', (job) => {
    if (job) replyToFailedJob(job, replies, log).catch((err: Error) => log.error({ jobId: job.id, err: err.message }, 'failure reply not sent'));
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
  await worker.waitUntilReady();
  log.info({ queue: INFERENCE_QUEUE, prefix, concurrency: config.WORKER_CONCURRENCY }, 'worker ready');

  onShutdown(
    async () => {
      await worker.close();
      await replies.close();
      await engine.close();
    },
    config.SHUTDOWN_DEADLINE_MS,
    (msg) => log.info(msg),
  );
}

main().catch((err: unknown) => exitOnStartupFailure(APP, err));
