import { INFERENCE_QUEUE } from '@parley/jobs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../../../test/helpers/redis.js';
import { QUEUE_STATES, WorkerMetrics } from '../src/metrics.js';

/** `name{labels} value` lines of a Prometheus text scrape, by series. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\S+) (\S+)$/.exec(line);
    if (match && !line.startsWith('#')) out.set(match[1]!, Number(match[2]));
  }
  return out;
}

const noQueue = { getJobCounts: async () => ({}) };

describe('worker metrics', () => {
  it('counts attempts by task and outcome, and observes durations, time in queue and tokens', async () => {
    const metrics = new WorkerMetrics(noQueue);
    metrics.observe({ task: 'ask', result: 'completed', durationMs: 1500, queuedMs: 250, stats: { promptTokens: 40, newTokens: 30, generationMs: 2000 } });
    metrics.observe({ task: 'ask', result: 'completed', durationMs: 500, queuedMs: 50, stats: { promptTokens: 40, newTokens: 12, generationMs: 1000 } });
    metrics.observe({ task: 'ask', result: 'retried', durationMs: 100 });
    // Entities generate no tokens: counted, but no tokens/s sample.
    metrics.observe({ task: 'entities', result: 'completed', durationMs: 100, stats: { promptTokens: 10, newTokens: 0, generationMs: 20 } });
    const s = samples((await metrics.scrape()).body);

    expect(s.get('parley_jobs_total{task="ask",outcome="completed"}')).toBe(2);
    expect(s.get('parley_jobs_total{task="ask",outcome="retried"}')).toBe(1);
    expect(s.get('parley_jobs_total{task="ask",outcome="failed"}')).toBeUndefined();
    expect(s.get('parley_job_duration_seconds_count{task="ask"}')).toBe(3);
    expect(s.get('parley_job_duration_seconds_sum{task="ask"}')).toBeCloseTo(2.1);
    expect(s.get('parley_queue_wait_seconds_count{task="ask"}')).toBe(2);
    expect(s.get('parley_queue_wait_seconds_sum{task="ask"}')).toBeCloseTo(0.3);
    expect(s.get('parley_queue_wait_seconds_bucket{le="0.1",task="ask"}')).toBe(1);
    expect(s.get('parley_generated_tokens_total{task="ask"}')).toBe(42);
    expect(s.get('parley_generated_tokens_total{task="entities"}')).toBe(0);
    expect(s.get('parley_tokens_per_second_count{task="ask"}')).toBe(2);
    expect(s.get('parley_tokens_per_second_sum{task="ask"}')).toBeCloseTo(27);
    expect(s.get('parley_tokens_per_second_count{task="entities"}')).toBeUndefined();
    expect(s.get('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  describe('queue depth, read on scrape', () => {
    const prefix = uniquePrefix('metrics');
    const queue = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });

    afterAll(async () => {
      await queue.close();
      await dropPrefix(prefix);
    });

    it('reports every state from Redis', async () => {
      await queue.add('ask', {});
      await queue.add('ask', {});
      await queue.add('ask', {}, { delay: 60_000 });
      await queue.add('ask', {}, { priority: 5 });
      const s = samples((await new WorkerMetrics(queue).scrape()).body);
      expect(Object.fromEntries(QUEUE_STATES.map((state) => [state, s.get(`parley_queue_jobs{state="${state}"}`)]))).toEqual({
        waiting: 2,
        active: 0,
        delayed: 1,
        failed: 0,
        prioritized: 1,
        'waiting-children': 0,
      });
    });
  });

  it('answers within the timeout when Redis is unreachable, without queue depths', async () => {
    // Our own client, with the worker's retry-forever options: a queue that never connected
    // cannot be closed, but its connection can.
    const redis = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: null });
    redis.on('error', () => {});
    const dead = new Queue(INFERENCE_QUEUE, { connection: redis });
    dead.on('error', () => {});
    try {
      const metrics = new WorkerMetrics(dead, undefined, 300);
      metrics.observe({ task: 'ask', result: 'failed', durationMs: 10 });
      const started = Date.now();
      const { body } = await metrics.scrape();
      expect(Date.now() - started).toBeLessThan(1500);
      expect(body).toContain('parley_jobs_total{task="ask",outcome="failed"} 1');
      expect(body).toContain('# TYPE parley_queue_jobs gauge');
      expect(body).not.toMatch(/^parley_queue_jobs\{/m);
    } finally {
      redis.disconnect();
      await dead.close();
    }
  });
});
