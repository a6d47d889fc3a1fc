import { INFERENCE_QUEUE, PLATFORMS, replyQueueName } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { FAKE_BOT, FAKE_TEAM, FakeSlack, isPlaceholderText, type FakeSlackMessage } from '../helpers/fake-slack.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { postSlashCommand, waitFor } from '../helpers/slack-request.js';
import { samples } from '../helpers/prometheus.js';

const SIGNING_SECRET = 'test-signing-secret';
const CHANNEL = 'C0OPS';
const THREAD_TS = '1790500000.000100';
const BOARD = { user: 'ops', password: 'a-long-board-password' };

const THREAD: FakeSlackMessage[] = [
  { ts: THREAD_TS, user: 'U0MAYA', text: 'The release moves to Thursday because the migration needs another review.' },
  { ts: '1790500001.000200', user: 'U0OMAR', text: 'I will review the migration tomorrow morning.', thread_ts: THREAD_TS },
];

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A real bot and worker with the fake Slack: the bot's /metrics, /healthz and Bull Board on its ops port. */
describe('bot ops endpoints', () => {
  const fake = new FakeSlack();
  const prefix = uniquePrefix('bot-ops');
  let bot: AppProcess;
  let worker: AppProcess;
  let commandUrl: string;
  let ops: string;

  beforeAll(async () => {
    const modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    await fake.start();
    fake.threads.set(`${CHANNEL}/${THREAD_TS}`, THREAD);
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1' });
    bot = new AppProcess('bot', {
      ...common,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: FAKE_BOT.token,
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      MAX_NEW_TOKENS: '12',
      BULL_BOARD_USER: BOARD.user,
      BULL_BOARD_PASSWORD: BOARD.password,
    });
    const listening = await bot.waitForLog('slack adapter listening');
    commandUrl = `http://127.0.0.1:${String(listening['port'])}/slack/events`;
    const opsLine = await bot.waitForLog('ops server listening');
    expect(opsLine).toMatchObject({ port: expect.any(Number), board: '/queues' });
    ops = `http://127.0.0.1:${String(opsLine['port'])}`;
    await worker.waitForLog('worker ready');
  });

  afterAll(async () => {
    await Promise.all([bot?.stop(), worker?.stop()]);
    await fake.stop();
    await dropPrefix(prefix);
  });

  const scrape = async () => samples(await (await fetch(`${ops}/metrics`)).text());

  it('/metrics counts a request by platform, task and result, its queue wait, its speed, and a Slack 429', async () => {
    const before = await scrape();
    const delta = (series: string, after: Map<string, number>) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
    // The answer in a thread either stops its stream or, if nothing streamed, is posted: whichever it is, Slack refuses it once.
    const answerMethods = ['chat.stopStream', 'chat.postMessage'];
    for (const m of answerMethods) fake.rateLimits.set(m, { remaining: 1, retryAfterSec: 1 });
    const triggerId = randomUUID();
    const ack = await postSlashCommand(
      commandUrl,
      {
        team_id: FAKE_TEAM.id,
        team_domain: FAKE_TEAM.name,
        channel_id: CHANNEL,
        channel_name: 'ops',
        user_id: 'U0MAYA',
        user_name: 'maya',
        command: '/summarize',
        text: `https://parley-test.slack.invalid/archives/${CHANNEL}/p${THREAD_TS.replace('.', '')}`,
        api_app_id: 'A0PARLEY',
        response_url: fake.responseUrl(triggerId),
        trigger_id: triggerId,
      },
      SIGNING_SECRET,
    );
    expect(ack.status).toBe(200);
    const answer = await waitFor(() => fake.answers().find((a) => a.threadTs === THREAD_TS && !isPlaceholderText(a.text)), 30_000, 'the summary');
    expect(answer.channel).toBe(CHANNEL);
    for (const m of answerMethods) fake.rateLimits.delete(m);
    const refused = fake.calls.filter((c) => c.status === 429);
    expect(refused).toHaveLength(1);
    const method = refused[0]!.method;
    expect(answerMethods).toContain(method);

    const ok = 'parley_bot_requests_total{platform="slack",task="summarize",result="ok"}';
    const after = await waitFor(async () => {
      const s = await scrape();
      return delta(ok, s) >= 1 ? s : undefined;
    }, 10_000, 'the request to be counted');
    expect(delta(ok, after)).toBe(1);
    expect(delta(`parley_bot_platform_rate_limited_total{platform="slack",method="${method}"}`, after)).toBe(1);
    expect(delta('parley_bot_queue_wait_seconds_count{platform="slack",task="summarize"}', after)).toBe(1);
    expect(delta('parley_bot_reply_seconds_count{platform="slack",task="summarize"}', after)).toBe(1);
    expect(after.get('parley_bot_reply_seconds_sum{platform="slack",task="summarize"}')).toBeGreaterThan(0);
    expect(delta('parley_bot_tokens_per_second_count{platform="slack",task="summarize"}', after)).toBe(1);
    expect(after.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('/healthz is 200 ok', async () => {
    const res = await fetch(`${ops}/healthz`);
    expect([res.status, await res.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('Bull Board answers 401 without credentials or with wrong ones, and 200 with them, listing the inference and reply queues', async () => {
    const none = await fetch(`${ops}/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await fetch(`${ops}/queues/api/queues`, { headers: { authorization: basic(BOARD.user, 'wrong-password!') } })).status).toBe(401);

    const page = await fetch(`${ops}/queues`, { headers: { authorization: basic(BOARD.user, BOARD.password) } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const api = await fetch(`${ops}/queues/api/queues`, { headers: { authorization: basic(BOARD.user, BOARD.password) } });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: { name: string }[] };
    expect(queues.map((q) => q.name).sort()).toEqual([INFERENCE_QUEUE, ...PLATFORMS.map(replyQueueName)].sort());
  });
});
