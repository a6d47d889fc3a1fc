import { createLogger } from '@parley/service-kit';
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_BOT, FakeSlack } from '../../../test/helpers/fake-slack.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../../../test/helpers/redis.js';
import { Placeholders } from '../src/slack/replies/placeholders.js';

describe('Placeholders (one per request, never after its answer)', () => {
  const fake = new FakeSlack();
  const prefix = uniquePrefix('placeholders');
  const redis = new Redis(REDIS_URL);
  let placeholders: Placeholders;
  const where = { channelId: 'C1', threadTs: '1790000000.000100' };

  beforeAll(async () => {
    await fake.start();
    fake.threads.set('C1/1790000000.000100', [{ ts: '1790000000.000100', user: 'U1', text: 'parent' }]);
    const client = new WebClient(FAKE_BOT.token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    placeholders = new Placeholders(client, redis, prefix, createLogger('placeholders-test', 'silent'));
  });
  afterAll(async () => {
    await fake.stop();
    await dropPrefix(prefix);
    redis.disconnect();
  });

  const posts = () => fake.callsTo('chat.postMessage').length;

  it('a request delivered twice at once posts one placeholder, and both deliveries get its ts', async () => {
    const before = posts();
    const [a, b] = await Promise.all([placeholders.post('r1', where, 'Summarizing…'), placeholders.post('r1', where, 'Summarizing…')]);
    expect(a).toMatch(/^\d+\.\d+$/);
    expect(b).toBe(a);
    expect(posts() - before).toBe(1);
    expect(await placeholders.forAnswer('r1')).toBe(a);
    expect(await placeholders.find('r1')).toBe(a);
  });

  it('an answer that comes before the placeholder claims the request: no placeholder is posted after it', async () => {
    const before = posts();
    expect(await placeholders.forAnswer('r2')).toBeUndefined();
    expect(await placeholders.post('r2', where, 'Summarizing…')).toBeUndefined();
    expect(posts()).toBe(before);
    expect(await placeholders.find('r2')).toBeUndefined();
  });

  it('a placeholder Slack refused is settled at once, so the answer does not wait for it', async () => {
    fake.rateLimits.set('chat.postMessage', { remaining: 1, retryAfterSec: 0 });
    expect(await placeholders.post('r3', where, 'Summarizing…')).toBeUndefined();
    const started = Date.now();
    expect(await placeholders.forAnswer('r3')).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(200);
  });
});
