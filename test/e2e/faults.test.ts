import { INFERENCE_QUEUE, replyJobSchema, replyQueueName, requestJobId, type RequestJob } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/slack-request.js';

const job = (runId: string, maxNewTokens: number): RequestJob => ({
  version: 1,
  task: 'summarize',
  requestId: requestJobId('summarize', 'demo', runId),
  target: { platform: 'demo', runId },
  messages: [{ id: '1', author: 'Maya', text: `Run ${runId}: ship the release on Friday after the login fix.`, isBot: false }],
  generation: { maxNewTokens },
});

/** Faults with real worker processes and real Redis; each checks that no reply is lost or doubled. */
describe('worker faults', () => {
  const prefix = uniquePrefix('faults');
  const procs: AppProcess[] = [];
  let modelDir: string;
  let inference: Queue;
  let replies: Queue;
  const startWorker = async (concurrency: number) => {
    const w = new AppProcess('worker', {
      REDIS_URL,
      PARLEY_QUEUE_PREFIX: prefix,
      MODEL_DIR: modelDir,
      ORT_INTRA_OP_THREADS: '1',
      WORKER_CONCURRENCY: String(concurrency),
      // Short locks so a dead worker's jobs are taken over in about a second, not thirty.
      WORKER_LOCK_MS: '1000',
      LOG_LEVEL: 'info',
    });
    procs.push(w);
    await w.waitForLog('worker ready');
    return w;
  };

  beforeAll(async () => {
    modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    replies = new Queue(replyQueueName('demo'), { connection: { url: REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await Promise.all([inference?.close(), replies?.close()]);
    await dropPrefix(prefix);
  });

  it('kill -9 of a worker with 20 jobs in flight: the other worker finishes them, 20 replies, none twice', async () => {
    const victim = await startWorker(20);
    const jobs = Array.from({ length: 20 }, () => job(randomUUID(), 400));
    await inference.addBulk(jobs.map((j) => ({ name: j.task, data: j, opts: { jobId: j.requestId, attempts: 3 } })));
    await waitFor(async () => ((await inference.getActiveCount()) === 20 ? true : undefined), 10_000, 'the victim to hold all 20 jobs');
    // Killed as soon as it holds them: a batched worker finishes 20 tiny-model jobs in about a second.
    const started = performance.now();
    victim.kill('SIGKILL');
    const survivor = await startWorker(4);
    await waitFor(async () => ((await replies.getJobCountByTypes('waiting')) === 20 ? true : undefined), 60_000, '20 replies');
    const recovered = performance.now() - started;
    const done = victim.logs.filter((l) => l.msg === 'job done').length;
    expect(done).toBeLessThan(20);
    const all = await replies.getJobs(['waiting']);
    expect(new Set(all.map((r) => replyJobSchema.parse(r.data).requestId))).toEqual(new Set(jobs.map((j) => j.requestId)));
    for (const r of all) expect(replyJobSchema.parse(r.data).outcome.ok).toBe(true);
    expect(await inference.getFailedCount()).toBe(0);
    expect(survivor.logs.filter((l) => l.msg === 'job done').length).toBe(20 - done);
    console.info(`[faults] kill -9 with 20 in flight: ${done} done before the kill, ${20 - done} taken over; all 20 replies after ${Math.round(recovered)} ms`);
  });

  it('poison input (a malformed payload) fails once without retries, and the worker keeps serving', async () => {
    const worker = procs.at(-1)!;
    await inference.add('summarize', { version: 1, task: 'summarize', nonsense: true }, { jobId: 'poison-1', attempts: 5 });
    const good = job(randomUUID(), 4);
    await inference.add(good.task, good, { jobId: good.requestId });
    await waitFor(async () => ((await inference.getJob(good.requestId))?.finishedOn ? true : undefined), 20_000, 'the good job');
    const poison = (await inference.getJob('poison-1'))!;
    expect(await poison.getState()).toBe('failed');
    expect(poison.attemptsMade).toBe(1);
    expect(poison.failedReason).toBe('invalid job payload');
    expect(await (await inference.getJob(good.requestId))!.getState()).toBe('completed');
    expect(worker.logs.some((l) => l.msg === 'job payload failed validation' && l['jobId'] === 'poison-1')).toBe(true);
  });
});
