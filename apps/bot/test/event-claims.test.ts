import { connectRedis } from '@parley/service-kit';
import { Redis } from 'ioredis';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../../../test/helpers/redis.js';
import { EVENT_CLAIM_TTL_SEC, EventClaims } from '../src/slack/event-dedupe.js';

describe('Slack event claims (real Redis)', () => {
  const prefix = uniquePrefix('event-claims');
  const clients: Redis[] = [];
  const client = () => {
    const redis = new Redis(REDIS_URL);
    clients.push(redis);
    return redis;
  };
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await dropPrefix(prefix);
  });

  it('the first delivery claims the event for an hour; a redelivery does not; another team is its own event', async () => {
    const redis = client();
    const claims = new EventClaims(redis, prefix, (err) => expect.unreachable(err.message));
    expect(await claims.claim('T1', 'Ev1')).toBe(true);
    expect(await claims.claim('T1', 'Ev1')).toBe(false);
    expect(await claims.claim('T2', 'Ev1')).toBe(true);
    const ttl = await redis.ttl(`${prefix}:slack:event:T1:Ev1`);
    expect(ttl).toBeGreaterThan(EVENT_CLAIM_TTL_SEC - 10);
    expect(ttl).toBeLessThanOrEqual(EVENT_CLAIM_TTL_SEC);
  });

  it('bots on separate connections racing for one event: exactly one wins', async () => {
    const bots = [new EventClaims(client(), prefix, () => {}), new EventClaims(client(), prefix, () => {})];
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => bots[i % 2]!.claim('T1', 'EvRace')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('fails open at once when Redis is unreachable, reporting the error', async () => {
    const down = connectRedis('redis://127.0.0.1:1', 'producer');
    down.on('error', () => {});
    clients.push(down);
    const errors: Error[] = [];
    const started = performance.now();
    expect(await new EventClaims(down, prefix, (err) => errors.push(err)).claim('T1', 'EvDown')).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
    expect(errors).toHaveLength(1);
  });

  it('fails open after 1 s when Redis accepts the connection but never answers', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const stuck = new Redis({ host: '127.0.0.1', port, enableReadyCheck: false, maxRetriesPerRequest: null });
    stuck.on('error', () => {});
    clients.push(stuck);
    const errors: Error[] = [];
    const started = performance.now();
    expect(await new EventClaims(stuck, prefix, (err) => errors.push(err)).claim('T1', 'EvStuck')).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect(errors[0]?.message).toMatch(/no answer from Redis within 1000 ms/);
    for (const s of sockets) s.destroy();
    silent.close();
  });
});
