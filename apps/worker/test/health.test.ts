import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../../../test/helpers/redis.js';
import { workerHealth } from '../src/health.js';

const alive = { crashed: () => [] };

describe('worker health', () => {
  const prefix = uniquePrefix('health');
  afterAll(() => dropPrefix(prefix));

  it('healthy while running on ready connections with live models; then the first crashed model, then shutdown', async () => {
    const worker = new Worker('health', async () => {}, { connection: { url: REDIS_URL, maxRetriesPerRequest: null }, prefix });
    await worker.waitUntilReady();
    try {
      expect(await workerHealth(worker, alive)).toBeNull();
      const crashed = { crashed: () => [{ model: 't5', reason: 'generation thread exited with code 1' }] };
      expect(await workerHealth(worker, crashed)).toBe('model t5 is not alive: generation thread exited with code 1');
    } finally {
      const closing = worker.close();
      expect(await workerHealth(worker, alive)).toBe('worker is shutting down');
      await closing;
    }
  });

  it('a worker that is not running is unhealthy', async () => {
    const worker = new Worker('health', async () => {}, { connection: { url: REDIS_URL, maxRetriesPerRequest: null }, prefix, autorun: false });
    await worker.waitUntilReady();
    try {
      expect(await workerHealth(worker, alive)).toBe('worker is not running');
    } finally {
      await worker.close();
    }
  });

  it('a worker whose Redis does not answer is unhealthy, and the check does not hang', async () => {
    const redis = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: null });
    redis.on('error', () => {});
    const worker = new Worker('health', async () => {}, { connection: redis, prefix });
    worker.on('error', () => {});
    try {
      expect(await workerHealth(worker, alive, 200)).toBe('redis connection is not connected');
    } finally {
      redis.disconnect();
      void worker.close();
    }
  });
});
