import { INFERENCE_QUEUE, replyJobId, replyJobSchema, replyQueueName, requestJobId, type SummarizeJob } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/slack-request.js';

const AUTHORS = ['Maya', 'Omar', 'Lena', 'Jun', 'Priya'];
const TOPICS = ['the release plan', 'the login bug', 'the budget review', 'customer feedback', 'the deploy pipeline', 'Friday standup'];

function longThread(n: number): SummarizeJob['messages'] {
  return Array.from({ length: n }, (_, i) => ({
    id: `1790100000.${String(i).padStart(6, '0')}`,
    author: AUTHORS[i % AUTHORS.length]!,
    text: `Update ${i} on ${TOPICS[i % TOPICS.length]}: we agreed to review it again and ${i % 3 === 0 ? 'ship on Friday' : 'wait for QA'}.`,
    isBot: false,
  }));
}

describe('a 2,000-message thread through the map-reduce flow, shared by two worker processes', () => {
  const prefix = uniquePrefix('mapreduce');
  const workers: AppProcess[] = [];
  let inference: Queue;
  let replies: Queue;

  beforeAll(async () => {
    const modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    for (let i = 0; i < 2; i++) {
      workers.push(new AppProcess('worker', { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1', LOG_LEVEL: 'info' }));
    }
    await Promise.all(workers.map((w) => w.waitForLog('worker ready')));
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    replies = new Queue(replyQueueName('demo'), { connection: { url: REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all([inference?.close(), replies?.close()]);
    await dropPrefix(prefix);
  });

  it('every chunk is summarized once, both workers share the map step, and one reply covers all 2,000 messages', async () => {
    const runId = randomUUID();
    const requestId = requestJobId('summarize', 'demo', runId);
    const started = performance.now();
    await inference.add(
      'summarize',
      {
        version: 1,
        task: 'summarize',
        requestId,
        target: { platform: 'demo', runId },
        messages: longThread(2000),
        generation: { maxNewTokens: 24 },
      } satisfies SummarizeJob,
      { jobId: requestId },
    );
    const replyJob = await waitFor(async () => (await replies.getJob(replyJobId(requestId))) ?? undefined, 240_000, 'the final reply');
    const elapsed = performance.now() - started;
    const reply = replyJobSchema.parse(replyJob.data);
    expect(reply.outcome).toMatchObject({ ok: true, task: 'summarize', messagesCovered: 2000, messagesInThread: 2000 });

    const reduce = (await inference.getJob(`${requestId}-reduce`))!;
    const chunks = (reduce.data as { chunks: number }).chunks;
    expect(chunks).toBeGreaterThan(5);
    const chunkJobs = await Promise.all(Array.from({ length: chunks }, (_, i) => inference.getJob(`${requestId}-chunk-${i}`)));
    for (const job of chunkJobs) {
      expect(await job!.getState()).toBe('completed');
      expect(job!.attemptsStarted).toBe(1);
    }
    const chunkRuns = workers.map((w) => w.logs.filter((l) => l.msg === 'job done' && l['task'] === 'summarize-chunk').length);
    expect(chunkRuns.reduce((a, b) => a + b, 0)).toBe(chunks);
    for (const runs of chunkRuns) expect(runs).toBeGreaterThan(0);
    const reduceRuns = workers.flatMap((w) => w.logs.filter((l) => l.msg === 'job done' && l['task'] === 'summarize-reduce'));
    expect(reduceRuns).toHaveLength(1);
    expect(await replies.getJobCounts('waiting', 'completed', 'failed', 'active', 'delayed')).toMatchObject({ waiting: 1 });
    console.info(`[map-reduce] 2000 messages → ${chunks} chunk jobs (${chunkRuns.join(' + ')} per worker) + 1 reduce job; enqueue to reply ${Math.round(elapsed)} ms`);
  });
});
