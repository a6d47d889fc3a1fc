import { INFERENCE_QUEUE, replyJobId, replyJobSchema, replyQueueName, type SummarizeJob } from '@parley/jobs';
import { createLogger } from '@parley/service-kit';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../../../test/helpers/redis.js';
import { GENERIC_FAILURE, replyToFailedJob } from '../src/processor.js';
import { Replies } from '../src/replies.js';

const prefix = uniquePrefix('failed-reply');
const connection = { url: REDIS_URL, maxRetriesPerRequest: null };

const data = (requestId: string): SummarizeJob => ({
  version: 1,
  task: 'summarize',
  requestId,
  target: { platform: 'demo', runId: 'run-1' },
  messages: [{ id: '1', author: 'Maya', text: 'hello', isBot: false }],
  generation: { maxNewTokens: 8 },
});

describe('failure reply for a job that failed outside the processor', () => {
  const inference = new Queue(INFERENCE_QUEUE, { connection, prefix });
  const replyQueue = new Queue(replyQueueName('demo'), { connection, prefix });
  const replies = new Replies(connection, prefix);
  const log = createLogger('test', 'silent');

  afterAll(async () => {
    await Promise.all([inference.close(), replyQueue.close(), replies.close()]);
    await dropPrefix(prefix);
  });

  it('sends one failure reply for a failed job, none for a job that is not failed, and a second call is a no-op', async () => {
    // A worker whose jobs die before Parley's processor can report, as when a job stalls out.
    const crashing = new Worker(INFERENCE_QUEUE, async () => Promise.reject(new UnrecoverableError('stalled')), { connection, prefix });
    const failedJob = await inference.add('summarize', data('summarize-failed'), { jobId: 'summarize-failed' });
    await new Promise<void>((resolve) => crashing.on('failed', () => resolve()));
    await crashing.close();

    const waiting = await inference.add('summarize', data('summarize-waiting'), { jobId: 'summarize-waiting' });
    await replyToFailedJob(waiting, { replies, log });
    const failed = (await inference.getJob(failedJob.id!))!;
    await replyToFailedJob(failed, { replies, log });
    await replyToFailedJob(failed, { replies, log });

    const sent = await replyQueue.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(sent.map((j) => j.id)).toEqual([replyJobId('summarize-failed')]);
    expect(replyJobSchema.parse(sent[0]!.data)).toMatchObject({
      requestId: 'summarize-failed',
      target: { platform: 'demo', runId: 'run-1' },
      outcome: { ok: false, code: 'JOB_FAILED', userMessage: GENERIC_FAILURE },
    });
  });
});
