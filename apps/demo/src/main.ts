import { DEFAULT_QUEUE_PREFIX, INFERENCE_QUEUE, replyJobSchema, replyQueueName, requestJobId, type ReplyJob, type SummarizeJob } from '@parley/jobs';
import { configuredModels } from '@parley/models';
import { assertRedisReachable, connectRedis, exitOnStartupFailure, redisOptions } from '@parley/service-kit';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Queue, Worker } from 'bullmq';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SAMPLE_THREAD } from './sample-thread.js';

const APP = 'parley-demo';
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const workerMain = fileURLToPath(new URL('../../worker/dist/main.js', import.meta.url));

/**
 * Pushes a sample thread through the real queue to a real worker process and prints the reply:
 * Parley end to end, without Slack or Discord.
 */
async function main(): Promise<void> {
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  await assertRedisReachable(redisUrl);
  // The models `npm start` would use: MODEL_DIR, MODEL_REGISTRY, or what `npm run models` installed.
  let models = configuredModels(process.env, repoRoot);
  if (!models) {
    const modelDir = await ensureTinySeq2Seq({ cacheDir: `${repoRoot}.cache/models` });
    models = { MODEL_DIR: modelDir };
    process.stderr.write(
      `WARNING: no model is set up, so the demo uses a tiny random-weight test model (${modelDir}).\n` +
        '         Its output is random words, not a summary. For real text: npm run models -- pull flan-t5-small\n',
    );
  }
  const prefix = `${process.env['PARLEY_QUEUE_PREFIX'] ?? DEFAULT_QUEUE_PREFIX}-demo-${randomUUID().slice(0, 8)}`;
  const connection = { url: redisUrl, ...redisOptions('consumer') };

  const worker = spawn(process.execPath, [workerMain], {
    // OPS_PORT 0: the demo's worker must not collide with a worker already serving /metrics.
    env: { ...process.env, ...models, REDIS_URL: redisUrl, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'error', OPS_PORT: '0', OPS_HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const workerExit = new Promise<number>((resolve) => worker.on('exit', (code) => resolve(code ?? 1)));

  const inference = new Queue(INFERENCE_QUEUE, { connection, prefix });
  const replies = new Queue(replyQueueName('demo'), { connection, prefix });
  let received: (reply: ReplyJob) => void = () => {};
  const replyArrived = new Promise<ReplyJob>((resolve) => (received = resolve));
  const consumer = new Worker(replyQueueName('demo'), async (job) => received(replyJobSchema.parse(job.data)), {
    connection,
    prefix,
  });
  try {
    const runId = randomUUID();
    const started = performance.now();
    const job: SummarizeJob = {
      version: 1,
      task: 'summarize',
      requestId: requestJobId('summarize', 'demo', runId),
      target: { platform: 'demo', runId },
      messages: SAMPLE_THREAD,
      generation: { maxNewTokens: 48 },
    };
    await inference.add(job.task, job);
    const reply = await Promise.race([
      replyArrived,
      workerExit.then((code) => Promise.reject(new Error(`the worker exited (code ${code}) before replying`))),
    ]);
    printResult(reply, performance.now() - started);
  } finally {
    await consumer.close();
    await stop(worker, workerExit);
    await Promise.all([inference.close(), replies.close()]);
    await removeKeys(redisUrl, `${prefix}:*`);
  }
}

/** The demo's queues live under their own prefix; drop every key of it when done. */
async function removeKeys(redisUrl: string, pattern: string): Promise<void> {
  const client = connectRedis(redisUrl, 'consumer');
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

function printResult(reply: ReplyJob, elapsedMs: number): void {
  const out = process.stdout;
  out.write('\nThread:\n');
  for (const m of SAMPLE_THREAD) out.write(`  ${m.author}: ${m.text}\n`);
  out.write('\nReply from the worker:\n');
  if (!reply.outcome.ok) {
    out.write(`  (failed) ${reply.outcome.userMessage} [${reply.outcome.code}]\n`);
    process.exitCode = 1;
    return;
  }
  const o = reply.outcome;
  out.write(`  ${o.text}\n\n`);
  out.write(
    `  model ${o.model.name}${o.model.isRandomTestModel ? ' (random test model)' : ''} · greedy, ` +
      `max_new_tokens=${o.generation.maxNewTokens} · ${o.messagesCovered} of ${o.messagesInThread} messages · ` +
      `${o.stats.promptTokens} prompt tokens · ` +
      `${o.stats.newTokens} new tokens in ${o.stats.generationMs} ms · ${Math.round(elapsedMs)} ms from enqueue to reply\n`,
  );
}

async function stop(child: ChildProcess, exited: Promise<number>): Promise<void> {
  if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

main().catch((err: unknown) => exitOnStartupFailure(APP, err));
