import type { RequestJob } from '@parley/jobs';
import { INFERENCE_QUEUE } from '@parley/jobs';
import { Queue, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../../../test/helpers/redis.js';
import { Intake, type IntakeLimits } from '../src/core/intake.js';
import { BotError } from '../src/core/bot-error.js';

const job = (requestId: string): RequestJob => ({
  version: 1,
  task: 'summarize',
  requestId,
  target: { platform: 'demo', runId: requestId },
  messages: [{ id: '1', author: 'Maya', text: 'hello', isBot: false }],
  generation: { maxNewTokens: 8 },
});

const channel = (id: string) => ({ platform: 'slack' as const, workspace: 'T1', channel: id });

/** The order a single worker takes the queued jobs in. */
async function processingOrder(prefix: string, count: number): Promise<string[]> {
  const order: string[] = [];
  const worker = new Worker(INFERENCE_QUEUE, async (j) => void order.push(j.id!), { connection: { url: REDIS_URL, maxRetriesPerRequest: null }, prefix, concurrency: 1 });
  await new Promise<void>((resolve) => worker.on('completed', () => order.length === count && resolve()));
  await worker.close();
  return order;
}

describe('intake fairness and limits (real Redis, real BullMQ)', () => {
  const prefixes: string[] = [];
  const intakes: Intake[] = [];
  const make = async (limits: IntakeLimits = { perUserPerMinute: 1000, perChannelPerMinute: 1000, fairShareWindowSec: 600 }) => {
    const prefix = uniquePrefix('intake');
    prefixes.push(prefix);
    const intake = new Intake(REDIS_URL, prefix, limits, () => {});
    intakes.push(intake);
    await intake.ready();
    return { intake, prefix };
  };
  afterAll(async () => {
    await Promise.all(intakes.map((i) => i.close()));
    await Promise.all(prefixes.map(dropPrefix));
  });

  it('a full queue refuses new requests with a clear busy message, without counting them against the user, and admits again once it drains', async () => {
    const { intake, prefix } = await make({ perUserPerMinute: 3, perChannelPerMinute: 1000, fairShareWindowSec: 600, maxQueued: 3 });
    for (let i = 0; i < 3; i++) {
      await intake.admit(channel('C1'), `U${i + 10}`, `q-${i}`);
      await intake.submit(job(`q-${i}`), channel('C1'));
    }
    const refused = await intake.admit(channel('C1'), 'U1', 'q-3').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BotError);
    expect(refused).toMatchObject({ code: 'QUEUE_FULL', userMessage: 'Parley is busy: 3 requests are waiting for a model. Please try again in a few minutes.' });
    await processingOrder(prefix, 3);
    // The user's three requests a minute were not spent on the refusals.
    for (let i = 0; i < 3; i++) await intake.admit(channel('C1'), 'U1', `again-${i}`);
  });

  it("with 200 jobs queued from channel A, channel B's job starts within the next 2 jobs", async () => {
    const { intake, prefix } = await make();
    for (let i = 0; i < 200; i++) await intake.submit(job(`a-${i}`), channel('CA'));
    await intake.submit(job('b-0'), channel('CB'));
    const order = await processingOrder(prefix, 201);
    expect(order.indexOf('b-0')).toBeLessThanOrEqual(2);
    // Channel A's own jobs still run in the order they came.
    expect(order.filter((id) => id.startsWith('a-'))).toEqual(Array.from({ length: 200 }, (_, i) => `a-${i}`));
    console.info(`[fairness] channel B's job started as job #${order.indexOf('b-0') + 1} of 201`);
  });

  it('without the fair-share priorities the same flood would make B wait for all of A (the control)', async () => {
    const prefix = uniquePrefix('intake-control');
    prefixes.push(prefix);
    const queue = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    for (let i = 0; i < 200; i++) await queue.add('summarize', job(`a-${i}`), { jobId: `a-${i}` });
    await queue.add('summarize', job('b-0'), { jobId: 'b-0' });
    expect((await processingOrder(prefix, 201)).indexOf('b-0')).toBe(200);
    await queue.close();
  });

  it('submit says how many queued requests are ahead, counting the fair-share order', async () => {
    const { intake } = await make();
    expect(await intake.submit(job('p-a0'), channel('CA'))).toEqual({ ahead: 0 });
    expect(await intake.submit(job('p-a1'), channel('CA'))).toEqual({ ahead: 1 });
    expect(await intake.submit(job('p-a2'), channel('CA'))).toEqual({ ahead: 2 });
    // Channel B's first request goes before A's second and third.
    expect(await intake.submit(job('p-b0'), channel('CB'))).toEqual({ ahead: 1 });
  });

  it('a redelivered request keeps its place and is queued once', async () => {
    const { intake, prefix } = await make();
    await intake.submit(job('r-1'), channel('CA'));
    await intake.submit(job('r-2'), channel('CA'));
    await intake.submit(job('r-1'), channel('CA'));
    const queue = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    const jobs = await queue.getJobs(['prioritized', 'waiting']);
    expect(jobs.map((j) => [j.id, j.opts.priority]).sort()).toEqual([
      ['r-1', 1],
      ['r-2', 2],
    ]);
    await queue.close();
  });

  it("a user over their rate is told how long to wait; the channel's limit holds across users", async () => {
    const { intake } = await make({ perUserPerMinute: 3, perChannelPerMinute: 6, fairShareWindowSec: 600 });
    for (let i = 0; i < 3; i++) await intake.admit(channel('C1'), 'U1', `req-${i}`);
    // A redelivery of an admitted request does not use up the quota.
    await intake.admit(channel('C1'), 'U1', 'req-0');
    const refused = await intake.admit(channel('C1'), 'U1', 'req-3').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', userMessage: expect.stringMatching(/^You're sending requests a bit fast\. Try again in ([1-9]|[1-5]\d|60) s\.$/) });
    // A refused request stays refused when it comes again.
    await expect(intake.admit(channel('C1'), 'U1', 'req-3')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await intake.admit(channel('C1'), 'U2', 'req-4');
    const channelFull = await intake.admit(channel('C1'), 'U3', 'req-5').catch((e: unknown) => e);
    expect(channelFull).toMatchObject({ code: 'RATE_LIMITED' });
    await intake.admit(channel('C2'), 'U3', 'req-6');
  });
});
