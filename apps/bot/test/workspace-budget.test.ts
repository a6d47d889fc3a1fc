import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../../../test/helpers/redis.js';
import { WorkspaceBudget } from '../src/slack/replies/workspace-budget.js';

describe('WorkspaceBudget: a per-workspace rolling minute in Redis (real Redis)', () => {
  const prefix = uniquePrefix('budget');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  afterAll(async () => {
    await dropPrefix(prefix);
    redis.disconnect();
  });

  it('lets a burst up to the tier through at once, then says how long until the oldest call leaves the minute', async () => {
    const budget = new WorkspaceBudget(redis, prefix, 'chat.appendStream', 3);
    expect(await Promise.all([budget.take('T1'), budget.take('T1'), budget.take('T1')])).toEqual([0, 0, 0]);
    const wait = await budget.take('T1');
    expect(wait).toBeGreaterThan(59_000);
    expect(wait).toBeLessThanOrEqual(60_000);
  });

  it('is one budget for every bot instance: two instances together never pass the tier', async () => {
    const a = new WorkspaceBudget(redis, prefix, 'chat.update', 5);
    const b = new WorkspaceBudget(redis, prefix, 'chat.update', 5);
    const taken = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).take('T2')));
    expect(taken.filter((w) => w === 0)).toHaveLength(5);
  });

  it('keeps workspaces and methods apart, and a 429 pauses its workspace for every instance as long as Slack said', async () => {
    const a = new WorkspaceBudget(redis, prefix, 'assistant.threads.setStatus', 100);
    const b = new WorkspaceBudget(redis, prefix, 'assistant.threads.setStatus', 100);
    await a.pause('T3', 2000);
    const wait = await b.take('T3');
    expect(wait).toBeGreaterThan(1500);
    expect(wait).toBeLessThanOrEqual(2000);
    expect(await b.take('T4')).toBe(0);
    expect(await new WorkspaceBudget(redis, prefix, 'chat.startStream', 100).take('T3')).toBe(0);
  });
});
