/**
 * npm run bench:queue — 1,000 small summarize jobs through Redis and 2 worker processes with the
 * tiny model: enqueue → start latency, the time from start to the reply being queued that is not
 * model time, and throughput. Uses its own queue prefix on REDIS_URL and removes it afterwards.
 */
import { INFERENCE_QUEUE, replyJobSchema, replyQueueName, requestJobId, type RequestJob } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { percentile } from './stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const JOBS = Number(process.env['BENCH_JOBS'] ?? 1000);
const WORKERS = 2;
const CONCURRENCY = Number(process.env['BENCH_WORKER_CONCURRENCY'] ?? 4);
const prefix = `parley-bench-${randomUUID().slice(0, 8)}`;

function startWorker(modelDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [`${ROOT}apps/worker/dist/main.js`], {
    env: { ...process.env, REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, MODEL_DIR: modelDir, WORKER_CONCURRENCY: String(CONCURRENCY), ORT_INTRA_OP_THREADS: '1', OPS_PORT: '0', OPS_HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      if (out.includes('"msg":"worker ready"')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const modelDir = await ensureTinySeq2Seq({ cacheDir: `${ROOT}.cache/models` });
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(modelDir)));
  const inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
  const replies = new Queue(replyQueueName('demo'), { connection: { url: REDIS_URL }, prefix });
  try {
    const jobs: RequestJob[] = Array.from({ length: JOBS }, (_, i) => {
      const runId = randomUUID();
      return {
        version: 1,
        task: 'summarize',
        requestId: requestJobId('summarize', 'bench', runId),
        target: { platform: 'demo', runId },
        messages: [{ id: String(i), author: 'Maya', text: `Item ${i}: ship the release on Friday after the login fix.`, isBot: false }],
        generation: { maxNewTokens: 8 },
      };
    });
    const started = Date.now();
    await inference.addBulk(jobs.map((j) => ({ name: j.task, data: j, opts: { jobId: j.requestId } })));
    while ((await replies.getJobCountByTypes('waiting')) < JOBS) await new Promise((r) => setTimeout(r, 200));
    const wallMs = Date.now() - started;

    const waits: number[] = [];
    const overheads: number[] = [];
    let lastReply = 0;
    for (const reply of await replies.getJobs(['waiting'], 0, JOBS)) {
      const data = replyJobSchema.parse(reply.data);
      const job = (await inference.getJob(data.requestId))!;
      if (!data.outcome.ok || !job.processedOn) continue;
      waits.push(job.processedOn - job.timestamp);
      overheads.push(reply.timestamp - job.processedOn - data.outcome.stats.generationMs);
      lastReply = Math.max(lastReply, reply.timestamp);
    }
    const result = {
      machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), node: process.version },
      jobs: JOBS,
      workers: WORKERS,
      concurrencyPerWorker: CONCURRENCY,
      enqueueToStartMs: { p50: percentile(waits, 50), p99: percentile(waits, 99) },
      overheadOutsideModelMs: { p50: percentile(overheads, 50), p99: percentile(overheads, 99) },
      throughputJobsPerSecond: Math.round((JOBS / ((lastReply - started) / 1000)) * 10) / 10,
      wallSeconds: Math.round(wallMs / 100) / 10,
    };
    const table = [
      '| jobs | workers × concurrency | enqueue → start p50 / p99 | start → reply queued, outside the model, p50 / p99 | throughput |',
      '|---:|---|---:|---:|---:|',
      `| ${JOBS} | ${WORKERS} × ${CONCURRENCY} | ${result.enqueueToStartMs.p50} / ${result.enqueueToStartMs.p99} ms | ${result.overheadOutsideModelMs.p50} / ${result.overheadOutsideModelMs.p99} ms | ${result.throughputJobsPerSecond} jobs/s |`,
    ].join('\n');
    console.log(table);
    await mkdir(`${ROOT}bench/results`, { recursive: true });
    await writeFile(`${ROOT}bench/results/queue.json`, JSON.stringify(result, null, 2));
    await writeFile(`${ROOT}bench/results/queue.md`, `${table}\n`);
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all([inference.close(), replies.close()]);
    const redis = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  }
}

await main();
