import { createLogger } from '@parley/service-kit';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_BOT, FakeSlack } from '../../../test/helpers/fake-slack.js';
import { waitFor } from '../../../test/helpers/slack-request.js';
import { Permalinks } from '../src/slack/replies/permalinks.js';
import { PlaceholderEditor } from '../src/slack/replies/placeholder-editor.js';
import { BotMetrics } from '../src/core/bot-metrics.js';

const log = createLogger('editor-test', 'silent');
const metrics = new BotMetrics(async () => undefined);
const rateLimited = async () => (await metrics.registry.getSingleMetric('parley_bot_platform_rate_limited_total')!.get()).values.find((v) => v.labels['method'] === 'chat.update')?.value ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PlaceholderEditor (chat.update throttled per workspace)', () => {
  const fake = new FakeSlack();
  let client: WebClient;
  beforeAll(async () => {
    await fake.start();
    const thread = Array.from({ length: 6 }, (_, i) => ({ ts: `1790000000.00010${i}`, text: `placeholder ${i}`, user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId }));
    fake.threads.set('C1/1790000000.000100', thread);
    client = new WebClient(FAKE_BOT.token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  });
  afterAll(() => fake.stop());

  const updates = (from: number) => fake.calls.filter((c) => c.method === 'chat.update').slice(from);

  it('sends only the newest text of each message, no faster than the rate, messages taking turns', async () => {
    const editor = new PlaceholderEditor(client, { updatesPerMinute: 600, log, metrics });
    const from = updates(0).length;
    for (let i = 0; i < 30; i++) {
      editor.show('T1', 'C1', '1790000000.000100', `a ${i}`);
      editor.show('T1', 'C1', '1790000000.000101', `b ${i}`);
    }
    await waitFor(() => (updates(from).length >= 2 ? true : undefined), 5000, 'two edits');
    await sleep(400);
    const sent = updates(from);
    expect(sent.map((c) => [c.args['ts'], c.args['text']])).toEqual([
      ['1790000000.000100', 'a 29'],
      ['1790000000.000101', 'b 29'],
    ]);
    editor.close();
  });

  it('a burst over many messages stays within the per-workspace rate; another workspace is not held back', async () => {
    const editor = new PlaceholderEditor(client, { updatesPerMinute: 1200, log, metrics });
    const from = updates(0).length;
    const started = Date.now();
    for (let i = 0; i < 5; i++) editor.show('T1', 'C1', `1790000000.00010${i}`, `burst ${i}`);
    editor.show('T2', 'C1', '1790000000.000105', 'other workspace');
    await waitFor(() => (updates(from).length >= 6 ? true : undefined), 5000, 'six edits');
    const t1 = updates(from).filter((c) => String(c.args['text']).startsWith('burst'));
    // 1200 a minute is one per 50 ms: five edits span at least four intervals (less network jitter).
    expect(t1).toHaveLength(5);
    expect(t1.at(-1)!.at - t1[0]!.at).toBeGreaterThanOrEqual(4 * 50 - 30);
    const t2 = updates(from).find((c) => c.args['text'] === 'other workspace')!;
    // Held back behind the other workspace's burst it would come after four intervals (200 ms).
    expect(t2.at - started).toBeLessThan(150);
    editor.close();
  });

  it('after freeze, nothing more is sent for that message, and freeze waits for an edit in flight', async () => {
    const editor = new PlaceholderEditor(client, { updatesPerMinute: 600, log, metrics });
    const from = updates(0).length;
    editor.show('T1', 'C1', '1790000000.000102', 'streamed 1');
    editor.show('T1', 'C1', '1790000000.000103', 'queued for the other');
    await sleep(5);
    editor.show('T1', 'C1', '1790000000.000102', 'streamed 2');
    await editor.freeze('1790000000.000102');
    editor.show('T1', 'C1', '1790000000.000102', 'too late');
    await sleep(300);
    expect(updates(from).map((c) => c.args['text'])).toEqual(['streamed 1', 'queued for the other']);
    editor.close();
  });

  it("a 429 holds the workspace's edits for Retry-After, then sends the newest text", async () => {
    const editor = new PlaceholderEditor(client, { updatesPerMinute: 6000, log, metrics });
    const from = fake.calls.length;
    const countedBefore = await rateLimited();
    fake.rateLimits.set('chat.update', { remaining: 1, retryAfterSec: 1 });
    editor.show('T1', 'C1', '1790000000.000104', 'first');
    await sleep(100);
    editor.show('T1', 'C1', '1790000000.000104', 'second');
    const ok = await waitFor(() => fake.calls.slice(from).find((c) => c.method === 'chat.update' && c.status === 200), 5000, 'the edit after the 429');
    const limited = fake.calls.slice(from).find((c) => c.status === 429)!;
    expect(ok.args['text']).toBe('second');
    expect(ok.at - limited.at).toBeGreaterThanOrEqual(1000);
    expect((await rateLimited()) - countedBefore).toBe(1);
    editor.close();
  });
});

describe('Permalinks (chat.getPermalink, cached)', () => {
  const fake = new FakeSlack();
  beforeAll(async () => {
    await fake.start();
    fake.threads.set('C1/1790000000.000100', [
      { ts: '1790000000.000100', user: 'U1', text: 'parent' },
      { ts: '1790000001.000200', user: 'U2', text: 'reply', thread_ts: '1790000000.000100' },
    ]);
  });
  afterAll(() => fake.stop());

  it('links the cited messages Slack knows, once each, and leaves out the rest', async () => {
    const client = new WebClient(FAKE_BOT.token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const links = new Permalinks(client);
    const first = await links.forMessages('C1', ['1790000001.000200', '1790000000.000100', '1790000001.000200', '1790000099.000000', 'not-a-ts']);
    expect([...first.entries()]).toEqual([
      ['1790000001.000200', 'https://parley-test.slack.invalid/archives/C1/p1790000001000200?thread_ts=1790000000.000100&cid=C1'],
      ['1790000000.000100', 'https://parley-test.slack.invalid/archives/C1/p1790000000000100'],
    ]);
    await links.forMessages('C1', ['1790000000.000100']);
    expect(fake.callsTo('chat.getPermalink').map((c) => c.args['message_ts'])).toEqual(['1790000001.000200', '1790000000.000100', '1790000099.000000']);
  });
});
