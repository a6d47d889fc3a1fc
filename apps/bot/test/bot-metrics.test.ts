import type { ReplyJob } from '@parley/jobs';
import { describe, expect, it } from 'vitest';
import { BotMetrics, type RequestTimes } from '../src/core/bot-metrics.js';
import { basicAuthMatches } from '../src/ops/basic-auth.js';

const target = { platform: 'slack' as const, teamId: 'T1', channelId: 'C1', userId: 'U1' };
const generation = { maxNewTokens: 8 };

function ok(requestId: string, newTokens: number, generationMs: number): ReplyJob {
  return {
    version: 1,
    requestId,
    target,
    outcome: {
      ok: true,
      text: 'done',
      task: 'summarize',
      model: { name: 'tiny', isRandomTestModel: true },
      messagesCovered: 1,
      messagesInThread: 1,
      generation,
      stats: { promptTokens: 10, newTokens, generationMs },
    },
  };
}

const failed = (requestId: string, code: string): ReplyJob => ({ version: 1, requestId, target, outcome: { ok: false, code, userMessage: 'sorry' } });

async function values(metrics: BotMetrics, name: string) {
  return (await metrics.registry.getSingleMetric(name)!.get()).values.map((v) => ({ ...v.labels, [(v as { metricName?: string }).metricName ?? name]: v.value }));
}

/** Counting happens after an async lookup; this waits for it. */
const settle = () => new Promise((r) => setTimeout(r, 10));

describe('BotMetrics', () => {
  it('counts a delivered reply by platform, task and result, with queue wait, end-to-end time and tokens/s', async () => {
    const times = new Map<string, RequestTimes>([['r1', { task: 'summarize', enqueuedAt: 1000, startedAt: 3500 }]]);
    const metrics = new BotMetrics(async (id) => times.get(id), () => 11_000);
    metrics.replyDelivered('slack', ok('r1', 40, 2000));
    await settle();
    expect(await values(metrics, 'parley_bot_requests_total')).toEqual([{ platform: 'slack', task: 'summarize', result: 'ok', parley_bot_requests_total: 1 }]);
    const wait = await values(metrics, 'parley_bot_queue_wait_seconds');
    expect(wait).toContainEqual({ platform: 'slack', task: 'summarize', parley_bot_queue_wait_seconds_sum: 2.5 });
    expect(await values(metrics, 'parley_bot_reply_seconds')).toContainEqual({ platform: 'slack', task: 'summarize', parley_bot_reply_seconds_sum: 10 });
    expect(await values(metrics, 'parley_bot_tokens_per_second')).toContainEqual({ platform: 'slack', task: 'summarize', parley_bot_tokens_per_second_sum: 20 });
  });

  it("counts a failure reply under its code and the request's task, and still counts when the job is gone", async () => {
    const metrics = new BotMetrics(async (id) => (id === 'r2' ? { task: 'translate', enqueuedAt: 0 } : Promise.reject(new Error('redis down'))));
    metrics.replyDelivered('slack', failed('r2', 'NO_MODEL'));
    metrics.replyDelivered('slack', failed('r3', 'TIMEOUT'));
    metrics.deliveryFailed('slack', 'channel_not_found');
    metrics.rateLimited('slack', 'chat.postMessage');
    await settle();
    expect(await values(metrics, 'parley_bot_requests_total')).toEqual([
      { platform: 'slack', task: 'translate', result: 'NO_MODEL', parley_bot_requests_total: 1 },
      { platform: 'slack', task: 'unknown', result: 'TIMEOUT', parley_bot_requests_total: 1 },
    ]);
    expect(await values(metrics, 'parley_bot_failures_total')).toHaveLength(3);
    expect(await values(metrics, 'parley_bot_failures_total')).toEqual(expect.arrayContaining([
      { platform: 'slack', stage: 'request', code: 'NO_MODEL', parley_bot_failures_total: 1 },
      { platform: 'slack', stage: 'request', code: 'TIMEOUT', parley_bot_failures_total: 1 },
      { platform: 'slack', stage: 'delivery', code: 'channel_not_found', parley_bot_failures_total: 1 },
    ]));
    expect(await values(metrics, 'parley_bot_platform_rate_limited_total')).toEqual([{ platform: 'slack', method: 'chat.postMessage', parley_bot_platform_rate_limited_total: 1 }]);
    // No started time: no queue wait; no speed for a failure.
    expect((await values(metrics, 'parley_bot_queue_wait_seconds')).filter((v) => 'parley_bot_queue_wait_seconds_count' in v)).toEqual([]);
    expect(await values(metrics, 'parley_bot_tokens_per_second')).toEqual([]);
  });
});

describe('basicAuthMatches', () => {
  const creds = { user: 'ops', password: 'correct horse battery' };
  const header = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  it('accepts exactly the configured user and password', () => {
    expect(basicAuthMatches(header('ops:correct horse battery'), creds)).toBe(true);
    expect(basicAuthMatches(header('ops:correct horse battery '), creds)).toBe(false);
    expect(basicAuthMatches(header('ops2:correct horse battery'), creds)).toBe(false);
    expect(basicAuthMatches(header('opscorrect horse battery'), creds)).toBe(false);
    expect(basicAuthMatches(undefined, creds)).toBe(false);
    expect(basicAuthMatches('Bearer abc', creds)).toBe(false);
  });
  it('allows a colon in the password', () => {
    expect(basicAuthMatches(header('ops:a:b:c:d:e:f:g:h'), { user: 'ops', password: 'a:b:c:d:e:f:g:h' })).toBe(true);
  });
});
