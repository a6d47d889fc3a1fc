import { INFERENCE_QUEUE, requestJobId, type RequestJob } from '@parley/jobs';
import { ensureTinySeq2Seq, ensureTinyTokenClassifier } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess, type LogLine } from '../helpers/app-process.js';
import { FAKE_BOT, FAKE_TEAM, FakeSlack, isPlaceholderText, shownText, type FakeSlackMessage } from '../helpers/fake-slack.js';
import { FakeSlackSocket } from '../helpers/fake-slack-socket.js';
import { startSlackBots } from '../helpers/slack-bot.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import {
  DEFAULT_CHANNEL as CHANNEL,
  DEFAULT_USER,
  eventCallback,
  type SlackAck,
  type SlackDriver,
  type Transport,
  type Who,
} from '../helpers/slack-driver.js';
import { waitFor } from '../helpers/slack-request.js';

/** In every thread; must never appear in any log line of the bots or the worker. */
const CANARY = 'CANARY-9b27c4';
const REPLY_MS = 30_000;
/** A workspace admin (users.info says so): the only one who gets and may submit the /genconfig form. */
const ADMIN = 'U0BOSS';

// A channel's history, timed relative to now so that `since 2h` means what it says to the bot.
const NOW = Math.floor(Date.now() / 1000);
const ago = (seconds: number) => `${NOW - seconds}.000100`;
const W = { old: ago(3 * 3600), parent: ago(3600), reply: ago(3600 - 60), latest: ago(1800) };
/** Per transport: the channel whose history the window commands and message shortcuts read, and the one whose settings the form changes. */
const windowChannel = (t: Transport) => `C0WIN${t.toUpperCase()}`;
const formChannel = (t: Transport) => `C0CFG${t.toUpperCase()}`;

/**
 * Every Slack surface, over both transports, through the real queue to one shared worker
 * process running the tiny model. An HTTP bot and a Socket Mode bot run side by side on one
 * Redis and one queue prefix, as a deployment moving between transports would.
 */
describe('Slack over HTTP and Socket Mode: every surface, one worker', () => {
  const fake = new FakeSlack();
  const socket = new FakeSlackSocket(fake);
  const prefix = uniquePrefix('transports');
  let bots: Record<Transport, AppProcess>;
  let drivers: Record<Transport, SlackDriver>;
  const acks: { transport: Transport; what: string; latencyMs: number }[] = [];
  let worker: AppProcess;
  let inference: Queue;
  let nextThread = 0;

  beforeAll(async () => {
    const registry = join(await mkdtemp(join(tmpdir(), 'parley-registry-')), 'models.json');
    const [t5, ner] = await Promise.all([ensureTinySeq2Seq({ cacheDir: MODEL_CACHE }), ensureTinyTokenClassifier({ cacheDir: MODEL_CACHE, variant: 'bert' })]);
    await writeFile(registry, JSON.stringify({ models: { t5: { path: t5 }, ner: { path: ner } }, tasks: { summarize: 't5', ask: 't5', entities: 'ner', translate: { '*': 't5' } } }));
    await fake.start();
    await socket.start();
    for (const [id, name] of Object.entries({ U0MAYA: 'Maya', U0OMAR: 'Omar', U0LENA: 'Lena' })) fake.users.set(id, name);
    fake.admins.add(ADMIN);
    for (const t of ['http', 'socket'] as const) seedWindowChannel(windowChannel(t));
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_REGISTRY: registry, ORT_INTRA_OP_THREADS: '1' });
    ({ bots, drivers } = await startSlackBots(fake, socket, { ...common, MAX_NEW_TOKENS: '12', RATE_LIMIT_USER_PER_MINUTE: '500', RATE_LIMIT_CHANNEL_PER_MINUTE: '500' }));
    const socketUp = await bots.socket.waitForLog('slack adapter listening');
    expect(socketUp).toMatchObject({ mode: 'socket' });
    expect(socketUp['port']).toBeUndefined();
    await worker.waitForLog('worker ready');
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await Promise.all([bots?.http.stop(), bots?.socket.stop(), worker?.stop()]);
    for (const proc of [bots?.http, bots?.socket, worker]) {
      if (!proc) continue;
      expect(proc.logs.length).toBeGreaterThan(2);
      expect(JSON.stringify(proc.logs) + proc.stderr).not.toContain(CANARY);
    }
    await inference?.close();
    await socket.stop();
    await fake.stop();
    await dropPrefix(prefix);
  });

  /**
   * A channel with history: an old message (3 h ago), a thread parent (1 h ago) with one reply,
   * and a newer message (30 min ago) naming people and places.
   */
  function seedWindowChannel(channel: string): void {
    const parent: FakeSlackMessage = { ts: W.parent, user: 'U0MAYA', text: `Can we ship the release on Friday? ${CANARY}` };
    fake.topLevel.set(channel, [
      { ts: W.old, user: 'U0MAYA', text: 'Kickoff notes from this morning, long before the window.' },
      parent,
      { ts: W.latest, user: 'U0OMAR', text: 'Angela Merkel meets Siemens in Berlin on Friday.' },
    ]);
    fake.threads.set(`${channel}/${W.parent}`, [parent, { ts: W.reply, user: 'U0LENA', text: 'The login fix lands on Wednesday.', thread_ts: W.parent }]);
  }

  /** A fresh three-message thread, so each test's reply, reads and jobs are its own. */
  function newThread(channel = CHANNEL): { ts: string; link: string } {
    const base = 1791000000 + ++nextThread * 10;
    const ts = `${base}.000100`;
    fake.threads.set(`${channel}/${ts}`, [
      { ts, user: 'U0MAYA', text: `Can we ship the release on Friday? ${CANARY}` },
      { ts: `${base + 1}.000100`, user: 'U0OMAR', text: 'The login fix lands on Wednesday.', thread_ts: ts },
      { ts: `${base + 2}.000100`, user: 'U0LENA', text: 'I will write the release notes. Who owns rollback?', thread_ts: ts },
    ]);
    return { ts, link: `https://parley-test.slack.invalid/archives/${channel}/p${ts.replace('.', '')}` };
  }

  const jobOf = (requestId: string) =>
    waitFor(async () => ((await inference.getJob(requestId))?.data as RequestJob | undefined) ?? undefined, 10_000, `the job ${requestId}`);

  /**
   * Where Parley's answer to a request stands in Slack now: the message carrying the request's
   * reply metadata (part 0) once its text is no longer a placeholder, at a channel's top level or
   * in a thread.
   */
  function storedAnswer(requestId: string): { channel: string; threadTs: string | undefined; text: string } | undefined {
    const mine = (m: FakeSlackMessage) =>
      m.bot_id === FAKE_BOT.botId && m.metadata?.event_payload['request_id'] === requestId && (m.metadata.event_payload['part'] ?? 0) === 0 && !m.streaming && !isPlaceholderText(m.text);
    for (const [channel, messages] of fake.topLevel) {
      const found = messages.find((m) => mine(m) && !m.thread_ts);
      if (found) return { channel, threadTs: undefined, text: shownText(found) };
    }
    for (const [key, messages] of fake.threads) {
      const found = messages.find((m) => mine(m) && m.thread_ts && m.thread_ts !== m.ts);
      if (found) return { channel: key.split('/')[0]!, threadTs: found.thread_ts, text: shownText(found) };
    }
    return undefined;
  }
  const answerTo = (requestId: string) => waitFor(() => storedAnswer(requestId), REPLY_MS, `the answer to ${requestId}`);

  /** The first answer only `user` sees in `channel`, among the answers after the first `skip`. */
  const ephemeralTo = (user: string, channel: string, skip: number) =>
    waitFor(() => fake.answers().slice(skip).find((a) => a.method === 'chat.postEphemeral' && a.user === user && a.channel === channel), REPLY_MS, `the private answer to ${user}`);

  /**
   * Nothing public came of the request: no message carries its reply, and nothing was posted in
   * `channel` since call `since`. Waits for the delivery (by either bot) to be logged first.
   */
  async function nothingPublic(requestId: string, channel: string, since: number): Promise<void> {
    const posted = (l: LogLine) => l.msg === 'reply posted' && l['requestId'] === requestId;
    await waitFor(() => [bots.http, bots.socket].flatMap((b) => logsWith(b, posted))[0], 5000, `the delivery of ${requestId}`);
    const carries = (c: (typeof fake.calls)[number]) => (c.args['metadata'] as { event_payload?: { request_id?: string } } | undefined)?.event_payload?.request_id === requestId;
    expect(fake.calls.filter((c) => ['chat.postMessage', 'chat.update'].includes(c.method) && carries(c))).toEqual([]);
    expect(fake.calls.slice(since).filter((c) => c.method === 'chat.postMessage' && c.args['channel'] === channel)).toEqual([]);
  }

  const ids = (job: RequestJob) => job.messages.map((m) => m.id);

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

    /** A command that queues work: acked privately with "Working on it"; its job's request id. */
    const command = async (name: string, text: string, who: Who = {}) => {
      const triggerId = who.triggerId ?? randomUUID();
      const ack = acked(transport, name, await driver().sendCommand(name, text, { ...who, triggerId }));
      expect(ack.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Working on it') });
      return { ack, requestId: requestJobId(name.slice(1) as RequestJob['task'], FAKE_TEAM.id, triggerId) };
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
      await command('/translate', `German ${thread.link}`, { triggerId });
      await replyIn(thread.ts, 'translated to German');
      expect((await inference.getJob(requestJobId('translate', FAKE_TEAM.id, triggerId)))?.data).toMatchObject({ task: 'translate', language: 'German' });
    });

    it('/entities <link> runs the entities model over the thread', async () => {
      const thread = newThread();
      const { requestId } = await command('/entities', thread.link);
      expect(await jobOf(requestId)).toMatchObject({ task: 'entities', target: { threadTs: thread.ts } });
      const answer = await answerTo(requestId);
      expect(answer).toMatchObject({ channel: CHANNEL, threadTs: thread.ts, text: expect.stringContaining('_entities (named-entity model + date/amount patterns) · 3 messages') });
      expect(answer.text).not.toMatch(/^:warning:/);
    });

    it('/ask <link> <question> answers about the thread', async () => {
      const thread = newThread();
      const triggerId = randomUUID();
      await command('/ask', `${thread.link} who owns rollback?`, { triggerId });
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

    describe('channel windows, typed text, message shortcuts', () => {
      const win = windowChannel(transport);
      const inWin: Who = { channel: win };
      /** A channel-level answer stands at the channel's top level: its placeholder replaced, or posted there. */
      const atTopLevel = async (requestId: string, job: RequestJob, text: string) => {
        expect(job.target).toMatchObject({ channelId: win });
        expect(job.target).not.toHaveProperty('threadTs');
        const answer = await answerTo(requestId);
        expect(answer).toEqual({ channel: win, threadTs: undefined, text: expect.stringContaining(text) });
        // No placeholder is left behind next to the answer.
        expect(fake.topLevel.get(win)!.filter((m) => m.bot_id && isPlaceholderText(m.text))).toEqual([]);
      };

      it('/summarize last 2: the newest two top-level messages and the replies of the thread among them, answered at the channel top level', async () => {
        const { requestId } = await command('/summarize', 'last 2', inWin);
        const job = await jobOf(requestId);
        expect(job).toMatchObject({ task: 'summarize' });
        expect(ids(job)).toEqual([W.parent, W.reply, W.latest]);
        await atTopLevel(requestId, job, 'summarize · 3 messages');
      });

      it('/summarize since 2h: read from history with `oldest` two hours back, the older message left out', async () => {
        const reads = fake.callsTo('conversations.history').length;
        const { requestId } = await command('/summarize', 'since 2h', inWin);
        const job = await jobOf(requestId);
        expect(ids(job)).toEqual([W.parent, W.reply, W.latest]);
        const history = fake.callsTo('conversations.history').slice(reads).find((c) => c.args['channel'] === win)!;
        expect(Math.abs(Number(history.args['oldest']) - (Date.now() / 1000 - 7200))).toBeLessThan(60);
        await atTopLevel(requestId, job, 'summarize · 3 messages');
      });

      it('/translate German <text>: the typed text, by the requester, translated at the channel top level', async () => {
        const text = `Good morning, the deploy is done. ${CANARY}`;
        const { requestId } = await command('/translate', `German ${text}`, inWin);
        const job = await jobOf(requestId);
        expect(job).toMatchObject({ task: 'translate', language: 'German', messages: [{ author: 'Maya', text, isBot: false }] });
        expect(job.messages).toHaveLength(1);
        await atTopLevel(requestId, job, 'translated to German');
      });

      it('/entities <text>: the entities of the typed text, at the channel top level', async () => {
        const { requestId } = await command('/entities', 'Angela Merkel meets Siemens in Berlin on Friday.', inWin);
        const job = await jobOf(requestId);
        expect(job).toMatchObject({ task: 'entities', messages: [{ author: 'Maya', text: 'Angela Merkel meets Siemens in Berlin on Friday.' }] });
        await atTopLevel(requestId, job, '_entities (named-entity model + date/amount patterns) · 1 message');
        expect(storedAnswer(requestId)!.text).not.toMatch(/^:warning:/);
      });

      it("/ask <question> without a link: the channel's recent messages are the context", async () => {
        const { requestId } = await command('/ask', 'who fixes the login?', inWin);
        const job = await jobOf(requestId);
        expect(job).toMatchObject({ task: 'ask', question: 'who fixes the login?' });
        expect(ids(job)).toEqual([W.old, W.parent, W.reply, W.latest]);
        await atTopLevel(requestId, job, 'ask · 4 messages');
      });

      it('"Translate message" on a reply translates that one message into English, answered in its thread', async () => {
        const triggerId = randomUUID();
        const reply = fake.threads.get(`${win}/${W.parent}`)![1]!;
        const ack = acked(transport, 'translate_message', await driver().sendShortcut('translate_message', reply, { triggerId, channel: win, user: 'U0OMAR' }));
        expect(ack.body).toBeUndefined();
        const requestId = requestJobId('translate', FAKE_TEAM.id, triggerId);
        const job = await jobOf(requestId);
        expect(job).toMatchObject({ task: 'translate', language: 'English', messages: [{ id: W.reply, author: 'Lena', text: reply.text }], target: { threadTs: W.parent, userId: 'U0OMAR' } });
        expect(job.messages).toHaveLength(1);
        expect(await answerTo(requestId)).toEqual({ channel: win, threadTs: W.parent, text: expect.stringContaining('translated to English') });
        const notice = await waitFor(() => fake.responseUrlPosts.find((p) => p.path.endsWith(triggerId)), 5000, 'the private notice');
        expect(notice.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('translating this message') });
      });

      it('"Extract entities" on a top-level message answers in a thread under that message', async () => {
        const triggerId = randomUUID();
        const message = fake.topLevel.get(win)!.find((m) => m.ts === W.latest)!;
        acked(transport, 'extract_entities', await driver().sendShortcut('extract_entities', message, { triggerId, channel: win }));
        const requestId = requestJobId('entities', FAKE_TEAM.id, triggerId);
        const job = await jobOf(requestId);
        expect(job).toMatchObject({ task: 'entities', messages: [{ id: W.latest, author: 'Omar' }], target: { threadTs: W.latest } });
        const answer = await answerTo(requestId);
        expect(answer).toEqual({ channel: win, threadTs: W.latest, text: expect.stringContaining('_entities (named-entity model + date/amount patterns) · 1 message') });
        expect(answer.text).not.toMatch(/^:warning:/);
      });

      it('/summarize private last 2: only the requester gets the answer, by chat.postEphemeral; nothing is posted in the channel', async () => {
        const answers = fake.answers().length;
        const calls = fake.calls.length;
        const { requestId } = await command('/summarize', 'private last 2', inWin);
        const job = await jobOf(requestId);
        expect(job.target).toMatchObject({ channelId: win, userId: DEFAULT_USER, private: true });
        expect(job.target).not.toHaveProperty('placeholderTs');
        const answer = await ephemeralTo(DEFAULT_USER, win, answers);
        expect(answer).toMatchObject({ threadTs: undefined, text: expect.stringContaining('summarize · 3 messages') });
        await nothingPublic(requestId, win, calls);
      });
    });

    it('"@Parley summarize privately": only the requester gets the answer, in the thread', async () => {
      const thread = newThread();
      const ts = `${Number(thread.ts.split('.')[0]) + 5}.000100`;
      const answers = fake.answers().length;
      const calls = fake.calls.length;
      acked(transport, 'app_mention', await driver().sendEvent(mentionEvent(ts, thread.ts, `<@${FAKE_BOT.userId}> summarize privately`), `Ev${randomUUID().slice(0, 10)}`));
      const requestId = requestJobId('mention', FAKE_TEAM.id, CHANNEL, ts);
      const job = await jobOf(requestId);
      expect(job).toMatchObject({ task: 'summarize', target: { threadTs: thread.ts, userId: 'U0OMAR', private: true } });
      const answer = await ephemeralTo('U0OMAR', CHANNEL, answers);
      expect(answer).toMatchObject({ threadTs: thread.ts, text: expect.stringContaining('summarize · 3 messages') });
      await nothingPublic(requestId, CHANNEL, calls);
      expect(fake.botTextsIn(CHANNEL, thread.ts)).toEqual([]);
    });

    describe('the /genconfig form and the Home tab', () => {
      const cfg = formChannel(transport);
      const openForm = async () => {
        const triggerId = randomUUID();
        const ack = acked(transport, '/genconfig form', await driver().sendCommand('/genconfig', '', { user: ADMIN, channel: cfg, triggerId }));
        // An empty ack; the form comes by views.open with the command's trigger_id.
        expect(ack.body).toBeUndefined();
        return waitFor(() => fake.views.find((v) => v.method === 'views.open' && v.triggerId === triggerId), 5000, 'views.open');
      };

      it("an admin's /genconfig with no arguments opens the form for this channel", async () => {
        const form = await openForm();
        expect(form.view).toMatchObject({ type: 'modal', callback_id: 'genconfig_form' });
        expect(JSON.parse(String(form.view['private_metadata']))).toEqual({ team: FAKE_TEAM.id, channel: cfg });
      });

      it('a bad submission is answered in the ack with errors under the inputs; a non-admin\'s is refused; neither changes the next job', async () => {
        const form = await openForm();
        const bad = acked(transport, 'view_submission', await driver().submitView(form, ADMIN, { temperature: '0', seed: '-1' }));
        expect(bad.body).toEqual({
          response_action: 'errors',
          errors: { temperature: 'temperature must be a number above 0 and at most 100 (got 0)', seed: 'seed must be an integer from 0 to 4294967295 (got -1)' },
        });
        const byMember = acked(transport, 'view_submission', await driver().submitView(form, DEFAULT_USER, { temperature: '0.9' }));
        expect(byMember.body).toMatchObject({ response_action: 'update', view: { type: 'modal' } });
        expect(JSON.stringify(byMember.body)).toContain('Nothing was changed.');
        const { requestId } = await command('/summarize', newThread(cfg).link, { channel: cfg });
        expect((await jobOf(requestId)).generation).toEqual({ maxNewTokens: 12 });
      });

      it("an admin's submission closes the form, is confirmed privately, and the next job runs with the new settings", async () => {
        const form = await openForm();
        const answers = fake.answers().length;
        const ok = acked(transport, 'view_submission', await driver().submitView(form, ADMIN, { decoding: 'sample', temperature: '0.3', top_k: '40', seed: '11', max_new_tokens: '6' }));
        expect(ok.body).toBeUndefined();
        const note = await ephemeralTo(ADMIN, cfg, answers);
        expect(note.text).toMatch(new RegExp(`^Saved \\d+ changes\\. Settings in <#${cfg}> now: sampling, temperature 0\\.3, top-k 40, max 6 tokens`));
        const thread = newThread(cfg);
        const { requestId } = await command('/summarize', thread.link, { channel: cfg });
        expect((await jobOf(requestId)).generation).toEqual({ doSample: true, temperature: 0.3, topK: 40, seed: 11, maxNewTokens: 6 });
        const answer = await answerTo(requestId);
        expect(answer).toMatchObject({ channel: cfg, threadTs: thread.ts, text: expect.stringContaining('sampling, temperature 0.3, top-k 40, max 6 tokens') });
      });

      it("opening the Home tab publishes the guide and this channel's new settings with their author", async () => {
        const published = fake.views.length;
        const ack = acked(transport, 'app_home_opened', await driver().openAppHome(DEFAULT_USER, `Ev${randomUUID().slice(0, 10)}`));
        expect(ack.body).toBeUndefined();
        const home = await waitFor(() => fake.views.slice(published).find((v) => v.method === 'views.publish' && v.userId === DEFAULT_USER), 5000, 'views.publish');
        expect(home.view['type']).toBe('home');
        const text = JSON.stringify(home.view['blocks']);
        for (const word of ['/summarize', '/genconfig', 'Summarize thread', '`private`']) expect(text).toContain(word);
        expect(text).toContain(`<#${cfg}>: sampling, temperature 0.3, top-k 40, max 6 tokens, seed 11\\nLast changed by <@${ADMIN}>`);
      });
    });

    it('a command delivered twice (same trigger_id) is acked twice and makes one job', async () => {
      const thread = newThread();
      const triggerId = randomUUID();
      await Promise.all([command('/summarize', thread.link, { triggerId }), command('/summarize', thread.link, { triggerId })]);
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
      // The answer can be posted before intake logs the request as queued.
      await waitFor(() => logsWith(bot(), (l) => l.msg === 'translate queued' && l['requestId'] === requestId)[0], 5000, 'the request to be logged');
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
    expect(acks.length).toBeGreaterThanOrEqual(56);
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
