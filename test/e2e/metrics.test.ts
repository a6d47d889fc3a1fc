import { INFERENCE_QUEUE, replyJobId, replyJobSchema, replyQueueName, requestJobId, type ReplyJob, type RequestJob } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { samples } from '../helpers/prometheus.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/slack-request.js';

const MESSAGES = [
  { id: '1790300000.000100', author: 'Maya', text: 'The release moves to Thursday because the migration needs another review.', isBot: false },
  { id: '1790300001.000200', author: 'Omar', text: 'I will review the migration tomorrow morning.', isBot: false },
];

/** A real worker process, jobs through the real queue, and its /metrics and /healthz over HTTP. */
describe('worker ops endpoints', () => {
  const prefix = uniquePrefix('metrics');
  let worker: AppProcess;
  let inference: Queue;
  let replies: Queue;
  let base: string;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-registry-'));
    const registry = join(dir, 'models.json');
    // No translate model: a translate job fails for good.
    await writeFile(registry, JSON.stringify({ models: { t5: { path: await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE }) } }, tasks: { summarize: 't5', ask: 't5' } }));
    worker = new AppProcess('worker', { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, MODEL_REGISTRY: registry, ORT_INTRA_OP_THREADS: '1', LOG_LEVEL: 'info' });
    const { port } = await worker.waitForLog('ops server listening');
    expect(port).toEqual(expect.any(Number));
    base = `http://127.0.0.1:${String(port)}`;
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    replies = new Queue(replyQueueName('demo'), { connection: { url: REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await worker?.stop();
    await Promise.all([inference?.close(), replies?.close()]);
    await dropPrefix(prefix);
  });

  const scrape = async () => samples(await (await fetch(`${base}/metrics`)).text());

  /** Runs a job to its end (counted once the job is finished in Redis, after its reply) and returns its reply. */
  async function run(job: Record<string, unknown> & { task: RequestJob['task'] }): Promise<ReplyJob['outcome']> {
    const runId = randomUUID();
    const requestId = requestJobId(job.task, 'demo', runId);
    await inference.add(job.task, { version: 1, requestId, target: { platform: 'demo', runId }, generation: { maxNewTokens: 8 }, messages: MESSAGES, ...job }, { jobId: requestId });
    const reply = await waitFor(async () => (await replies.getJob(replyJobId(requestId))) ?? undefined, 30_000, `the ${job.task} reply`);
    await waitFor(async () => (['completed', 'failed'].includes(await inference.getJobState(requestId)) ? true : undefined), 10_000, `the ${job.task} job to finish`);
    return replyJobSchema.parse(reply.data).outcome;
  }

  it('/healthz is 200 ok while the worker runs', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/metrics counts completed and failed jobs, durations, time in queue, tokens, and queue depth', async () => {
    const before = await scrape();
    const delta = (series: string, after: Map<string, number>) => (after.get(series) ?? 0) - (before.get(series) ?? 0);

    const summary = await run({ task: 'summarize' });
    const answer = await run({ task: 'ask', question: 'When is the release?' });
    const translation = await run({ task: 'translate', language: 'German' });
    if (!summary.ok || !answer.ok) throw new Error('summarize and ask should succeed');
    expect(translation).toMatchObject({ ok: false, code: 'NO_MODEL' });
    // A payload that fails validation never gets a reply; wait for it to fail.
    await inference.add('summarize', { version: 1, task: 'summarize' }, { jobId: 'invalid-1' });
    await waitFor(async () => ((await inference.getJobState('invalid-1')) === 'failed' ? true : undefined), 10_000, 'the invalid job to fail');

    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const after = samples(await res.text());
    expect(delta('parley_jobs_total{task="summarize",outcome="completed"}', after)).toBe(1);
    expect(delta('parley_jobs_total{task="ask",outcome="completed"}', after)).toBe(1);
    expect(delta('parley_jobs_total{task="translate",outcome="failed"}', after)).toBe(1);
    expect(delta('parley_jobs_total{task="invalid",outcome="failed"}', after)).toBe(1);
    expect(after.get('parley_jobs_total{task="translate",outcome="completed"}')).toBeUndefined();
    expect(after.get('parley_jobs_total{task="summarize",outcome="retried"}')).toBeUndefined();

    for (const task of ['summarize', 'ask', 'translate']) {
      expect(delta(`parley_job_duration_seconds_count{task="${task}"}`, after)).toBe(1);
      expect(delta(`parley_queue_wait_seconds_count{task="${task}"}`, after)).toBe(1);
      expect(after.get(`parley_job_duration_seconds_sum{task="${task}"}`)).toBeGreaterThan(0);
    }
    expect(delta('parley_generated_tokens_total{task="summarize"}', after)).toBe(summary.stats.newTokens);
    expect(delta('parley_generated_tokens_total{task="ask"}', after)).toBe(answer.stats.newTokens);
    expect(after.get('parley_generated_tokens_total{task="translate"}')).toBeUndefined();
    for (const [task, { newTokens, generationMs }] of [['summarize', summary.stats], ['ask', answer.stats]] as const) {
      const speedSamples = newTokens > 0 && generationMs > 0 ? 1 : 0;
      expect(delta(`parley_tokens_per_second_count{task="${task}"}`, after)).toBe(speedSamples);
      if (speedSamples) expect(delta(`parley_tokens_per_second_sum{task="${task}"}`, after)).toBeCloseTo(newTokens / (generationMs / 1000), 3);
    }

    expect(after.get('parley_queue_jobs{state="failed"}')).toBe(2);
    for (const state of ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']) expect(after.get(`parley_queue_jobs{state="${state}"}`)).toBe(0);
    expect(after.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(after.get('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('other paths are 404', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('jobs the worker holds at once decode in one batch: /metrics shows batches of several rows, and every job gets its reply', async () => {
    const before = await scrape();
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => run({ task: 'summarize', generation: { maxNewTokens: 24 + i } })));
    for (const o of outcomes) expect(o.ok).toBe(true);
    const after = await scrape();
    const runs = (after.get('parley_batch{model="t5",stat="runs"}') ?? 0) - (before.get('parley_batch{model="t5",stat="runs"}') ?? 0);
    const rowSteps = (after.get('parley_batch{model="t5",stat="row_steps"}') ?? 0) - (before.get('parley_batch{model="t5",stat="row_steps"}') ?? 0);
    expect(after.get('parley_batch{model="t5",stat="largest"}')).toBeGreaterThanOrEqual(2);
    expect(rowSteps / runs).toBeGreaterThan(1);
  });
});
