import { INFERENCE_QUEUE, requestJobId } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess, type LogLine } from '../helpers/app-process.js';
import { FAKE_BOT, FAKE_TEAM, FakeSlack } from '../helpers/fake-slack.js';
import { FAKE_APP_TOKEN, FakeSlackSocket } from '../helpers/fake-slack-socket.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { DEFAULT_CHANNEL as CHANNEL, HttpSlackDriver, SocketSlackDriver, eventCallback, type SlackAck, type SlackDriver, type Transport } from '../helpers/slack-driver.js';
import { waitFor } from '../helpers/slack-request.js';

const SIGNING_SECRET = 'test-signing-secret';
/** In every thread; must never appear in any log line of the bots or the worker. */
const CANARY = 'CANARY-9b27c4';
const REPLY_MS = 30_000;

/**
 * Every Slack surface, over both transports, through the real queue to one shared worker
 * process running the tiny model. An HTTP bot and a Socket Mode bot run side by side on one
 * Redis and one queue prefix, as a deployment moving between transports would.
 */
describe('Slack over HTTP and Socket Mode: every surface, one worker', () => {
  const fake = new FakeSlack();
  const socket = new FakeSlackSocket(fake);
  const prefix = uniquePrefix('transports');
  const bots = {} as Record<Transport, AppProcess>;
  const drivers = {} as Record<Transport, SlackDriver>;
  const acks: { transport: Transport; what: string; latencyMs: number }[] = [];
  let worker: AppProcess;
  let inference: Queue;
  let nextThread = 0;

  beforeAll(async () => {
    const modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    await fake.start();
    await socket.start();
    for (const [id, name] of Object.entries({ U0MAYA: 'Maya', U0OMAR: 'Omar', U0LENA: 'Lena' })) fake.users.set(id, name);
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    const slack = {
      ...common,
      SLACK_BOT_TOKEN: FAKE_BOT.token,
      SLACK_API_URL: fake.apiUrl,
      MAX_NEW_TOKENS: '12',
      RATE_LIMIT_USER_PER_MINUTE: '500',
      RATE_LIMIT_CHANNEL_PER_MINUTE: '500',
    };
    worker = new AppProcess('worker', { ...common, MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1' });
    bots.http = new AppProcess('bot', { ...slack, SLACK_MODE: 'http', SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0', HOST: '127.0.0.1' });
    bots.socket = new AppProcess('bot', { ...slack, SLACK_MODE: 'socket', SLACK_APP_TOKEN: FAKE_APP_TOKEN });
    const [httpUp, socketUp] = await Promise.all([bots.http.waitForLog('slack adapter listening'), bots.socket.waitForLog('slack adapter listening')]);
    expect(socketUp).toMatchObject({ mode: 'socket' });
    expect(socketUp['port']).toBeUndefined();
    drivers.http = new HttpSlackDriver(fake, `http://127.0.0.1:${String(httpUp['port'])}/slack/events`, SIGNING_SECRET);
    drivers.socket = new SocketSlackDriver(fake, socket);
    await worker.waitForLog('worker ready');
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await Promise.all([bots.http?.stop(), bots.socket?.stop(), worker?.stop()]);
    for (const proc of [bots.http, bots.socket, worker]) {
      if (!proc) continue;
      expect(proc.logs.length).toBeGreaterThan(2);
      expect(JSON.stringify(proc.logs) + proc.stderr).not.toContain(CANARY);
    }
    await inference?.close();
    await socket.stop();
    await fake.stop();
    await dropPrefix(prefix);
  });

  /** A fresh three-message thread, so each test's reply, reads and jobs are its own. */
  function newThread(): { ts: string; link: string } {
    const base = 1791000000 + ++nextThread * 10;
    const ts = `${base}.000100`;
    fake.threads.set(`${CHANNEL}/${ts}`, [
      { ts, user: 'U0MAYA', text: `Can we ship the release on Friday? ${CANARY}` },
      { ts: `${base + 1}.000100`, user: 'U0OMAR', text: 'The login fix lands on Wednesday.', thread_ts: ts },
      { ts: `${base + 2}.000100`, user: 'U0LENA', text: 'I will write the release notes. Who owns rollback?', thread_ts: ts },
    ]);
    return { ts, link: `https://parley-test.slack.invalid/archives/${CHANNEL}/p${ts.replace('.', '')}` };
  }

  /** A bot message in the thread containing `text`, whether posted or edited into place. */
  const replyIn = (ts: string, text: string) =>
    waitFor(() => fake.botTextsIn(CHANNEL, ts).find((t) => t.includes(text)), REPLY_MS, `a reply containing "${text}" in thread ${ts}`);

  const readsOf = (ts: string) => fake.callsTo('conversations.replies').filter((c) => c.args['ts'] === ts).length;

  async function jobsFor(ts: string) {
    const jobs = await inference.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
    return jobs.filter((j) => (j.data as { target?: { threadTs?: string } }).target?.threadTs === ts);
  }

  const logsWith = (proc: AppProcess, match: (l: LogLine) => boolean) => proc.logs.filter(match);

  function acked(transport: Transport, what: string, ack: SlackAck): SlackAck {
    acks.push({ transport, what, latencyMs: ack.latencyMs });
    expect(ack.status).toBe(200);
    expect(ack.latencyMs).toBeLessThan(3000);
    return ack;
  }

  const mentionEvent = (ts: string, threadTs: string, text: string) => ({
    type: 'app_mention',
    user: 'U0OMAR',
    text,
    ts,
    channel: CHANNEL,
    thread_ts: threadTs,
    event_ts: ts,
  });

  describe.each(['http', 'socket'] as const)('over %s', (transport) => {
    const driver = () => drivers[transport];
    const bot = () => bots[transport];

    const command = async (name: string, text: string, triggerId?: string) => {
      const ack = acked(transport, name, await driver().sendCommand(name, text, triggerId ? { triggerId } : {}));
      expect(ack.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Working on it') });
      return ack;
    };

    it('/summarize <link> summarizes the thread into it', async () => {
      const thread = newThread();
      await command('/summarize', thread.link);
      await replyIn(thread.ts, 'summarize · 3 messages');
      expect(await jobsFor(thread.ts)).toHaveLength(1);
    });

    it('/translate German <link> translates the thread', async () => {
      const thread = newThread();
      const triggerId = randomUUID();
      await command('/translate', `German ${thread.link}`, triggerId);
      await replyIn(thread.ts, 'translated to German');
      expect((await inference.getJob(requestJobId('translate', FAKE_TEAM.id, triggerId)))?.data).toMatchObject({ task: 'translate', language: 'German' });
    });

    it('/entities <link> reaches the worker, which says no entities model is set up', async () => {
      const thread = newThread();
      await command('/entities', thread.link);
      await replyIn(thread.ts, 'No model is set up for entities');
    });

    it('/ask <link> <question> answers about the thread', async () => {
      const thread = newThread();
      const triggerId = randomUUID();
      await command('/ask', `${thread.link} who owns rollback?`, triggerId);
      await replyIn(thread.ts, 'ask · 3 messages');
      expect((await inference.getJob(requestJobId('ask', FAKE_TEAM.id, triggerId)))?.data).toMatchObject({ task: 'ask', question: 'who owns rollback?' });
    });

    it('the "Summarize thread" message shortcut on a reply summarizes its thread', async () => {
      const thread = newThread();
      const triggerId = randomUUID();
      const reply = fake.threads.get(`${CHANNEL}/${thread.ts}`)![2]!;
      const ack = acked(transport, 'summarize_thread', await driver().sendShortcut('summarize_thread', reply, { triggerId, user: 'U0LENA' }));
      expect(ack.body).toBeUndefined();
      await replyIn(thread.ts, 'summarize · 3 messages');
      const notice = await waitFor(() => fake.responseUrlPosts.find((p) => p.path.endsWith(triggerId)), 5000, 'the private notice');
      expect(notice.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Working on it') });
    });

    it('an @mention in a thread is answered in that thread', async () => {
      const thread = newThread();
      const ts = `${Number(thread.ts.split('.')[0]) + 5}.000100`;
      const event = mentionEvent(ts, thread.ts, `<@${FAKE_BOT.userId}> summarize`);
      // The mention is itself a message of the thread; it is the request, not content.
      fake.threads.get(`${CHANNEL}/${thread.ts}`)!.push({ ts, user: 'U0OMAR', text: event.text, thread_ts: thread.ts });
      const ack = acked(transport, 'app_mention', await driver().sendEvent(event, `Ev${randomUUID().slice(0, 10)}`));
      expect(ack.body).toBeUndefined();
      await replyIn(thread.ts, 'summarize · 3 messages');
      expect(await inference.getJob(requestJobId('mention', FAKE_TEAM.id, CHANNEL, ts))).toBeDefined();
    });

    it('/genconfig show answers in the ack with the channel settings', async () => {
      const ack = acked(transport, '/genconfig', await driver().sendCommand('/genconfig', 'show'));
      expect(ack.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^Settings here: .*greedy/) });
    });

    it('a command delivered twice (same trigger_id) is acked twice and makes one job', async () => {
      const thread = newThread();
      const triggerId = randomUUID();
      await Promise.all([command('/summarize', thread.link, triggerId), command('/summarize', thread.link, triggerId)]);
      await replyIn(thread.ts, 'summarize · 3 messages');
      // Both deliveries reached the queue (no command dedupe); the job id made the second a no-op.
      await waitFor(() => (readsOf(thread.ts) === 2 ? true : undefined), 5000, 'both deliveries read the thread');
      expect(await jobsFor(thread.ts)).toHaveLength(1);
    });

    it('a redelivered event (same event_id, retry 1) reaches the listener once and makes one job', async () => {
      const thread = newThread();
      const ts = `${Number(thread.ts.split('.')[0]) + 5}.000100`;
      const eventId = `Ev${randomUUID().slice(0, 10)}`;
      const event = mentionEvent(ts, thread.ts, `<@${FAKE_BOT.userId}> translate to French`);
      acked(transport, 'app_mention', await driver().sendEvent(event, eventId));
      acked(transport, 'app_mention retry', await driver().sendEvent(event, eventId, { retryNum: 1, retryReason: transport === 'http' ? 'http_timeout' : 'timeout' }));
      await replyIn(thread.ts, 'translated to French');
      const requestId = requestJobId('mention', FAKE_TEAM.id, CHANNEL, ts);
      await waitFor(() => logsWith(bot(), (l) => l.msg === 'duplicate Slack event skipped' && l['eventId'] === eventId)[0], 5000, 'the duplicate to be logged');
      expect(logsWith(bot(), (l) => l.msg === 'translate queued' && l['requestId'] === requestId)).toHaveLength(1);
      expect(readsOf(thread.ts)).toBe(1);
      expect(await jobsFor(thread.ts)).toHaveLength(1);
    });
  });

  it('the same event handed to the HTTP bot and the socket bot at once runs once across both', async () => {
    const thread = newThread();
    const ts = `${Number(thread.ts.split('.')[0]) + 5}.000100`;
    const eventId = `Ev${randomUUID().slice(0, 10)}`;
    const body = eventCallback(mentionEvent(ts, thread.ts, `<@${FAKE_BOT.userId}> who owns rollback?`), eventId);
    const [viaHttp, viaSocket] = await Promise.all([drivers.http.deliverEvent(body, {}), drivers.socket.deliverEvent(body, { retryNum: 1, retryReason: 'timeout' })]);
    acked('http', 'app_mention (shared)', viaHttp);
    acked('socket', 'app_mention (shared)', viaSocket);
    await replyIn(thread.ts, 'ask · 3 messages');
    const requestId = requestJobId('mention', FAKE_TEAM.id, CHANNEL, ts);
    const both = [bots.http, bots.socket];
    await waitFor(() => both.flatMap((b) => logsWith(b, (l) => l.msg === 'duplicate Slack event skipped' && l['eventId'] === eventId))[0], 5000, 'one bot to skip it');
    expect(both.flatMap((b) => logsWith(b, (l) => l.msg === 'ask queued' && l['requestId'] === requestId))).toHaveLength(1);
    expect(readsOf(thread.ts)).toBe(1);
    expect(await jobsFor(thread.ts)).toHaveLength(1);
  });

  it('every ack on both transports came well within 3 s, and none came late', () => {
    expect(acks.length).toBeGreaterThanOrEqual(20);
    expect(socket.acks.filter((a) => a.late)).toEqual([]);
    for (const transport of ['http', 'socket'] as const) {
      const ms = acks.filter((a) => a.transport === transport).map((a) => a.latencyMs).sort((a, b) => a - b);
      expect(ms.at(-1)!).toBeLessThan(3000);
      console.info(`[ack latency] ${transport}: ${ms.length} acks, median ${ms[Math.floor(ms.length / 2)]!.toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms`);
    }
  });

  it('a socket bot whose app token Slack refuses says so in one line and exits 1', async () => {
    const refused = new AppProcess('bot', {
      REDIS_URL,
      PARLEY_QUEUE_PREFIX: prefix,
      SLACK_MODE: 'socket',
      SLACK_APP_TOKEN: 'xapp-1-revoked',
      SLACK_BOT_TOKEN: FAKE_BOT.token,
      SLACK_API_URL: fake.apiUrl,
    });
    expect(await refused.exited).toBe(1);
    expect(refused.stderr).toBe(
      'parley-bot: cannot start: SLACK_APP_TOKEN was refused by Slack (invalid_auth); use an app-level token (xapp-…) of this app with the connections:write scope\n',
    );
  });

  it('SIGTERM while the socket bot is reconnecting (no hello yet) closes the socket cleanly and exits 0', async () => {
    const accepted = socket.connectionsAccepted;
    const closed = socket.closeCodes.length;
    socket.holdHello = true;
    socket.requestReconnect();
    // The client waits its ping timeout (5 s) before it reconnects.
    await waitFor(() => (socket.connectionsAccepted > accepted ? true : undefined), 15_000, 'the reconnect');
    bots.socket.kill('SIGTERM');
    expect(await bots.socket.exited).toBe(0);
    expect(bots.socket.stderr).not.toMatch(/unhandled|rejection/i);
    // The old connection (Slack's disconnect) and the held one (the bot's shutdown) both closed with 1000.
    expect(socket.closeCodes.slice(closed)).toEqual([1000, 1000]);
    expect(bots.socket.logs.some((l) => l.msg === 'SIGTERM received; shutting down')).toBe(true);
  });
});
