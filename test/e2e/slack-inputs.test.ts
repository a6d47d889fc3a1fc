import { INFERENCE_QUEUE, requestJobId, type RequestJob } from '@parley/jobs';
import { ensureTinySeq2Seq, ensureTinyTokenClassifier } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsStore } from '../../apps/bot/src/core/settings-store.js';
import { SIGNING_SECRET, startSlackBot } from '../helpers/slack-bot.js';
import { AppProcess } from '../helpers/app-process.js';
import { FAKE_BOT, FAKE_TEAM, FakeSlack, type FakeSlackMessage, type SlackApiCall } from '../helpers/fake-slack.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { postEvent, postSlashCommand, waitFor } from '../helpers/slack-request.js';

const CHANNEL = 'C0INPUTS';
const NAMES: Record<string, string> = { U0MAYA: 'Maya', U0OMAR: 'Omar', U0LENA: 'Lena' };
/** Typed into commands and shortcuts; must never appear in a log line. */
const CANARY = 'CANARY-7d20c4';

// Timestamps relative to now, so that `since 2h` means what it says to the bot.
const NOW = Math.floor(Date.now() / 1000);
const ts = (secondsAgo: number) => `${NOW - secondsAgo}.000100`;
const OLD = ts(3 * 3600);
const PARENT = ts(3600);
const REPLY_1 = ts(3600 - 60);
const REPLY_2 = ts(3600 - 180);
const LATEST = ts(1800);

const CHANNEL_MESSAGES: FakeSlackMessage[] = [
  { ts: OLD, user: 'U0MAYA', text: 'Kickoff notes from this morning, long before the window.' },
  { ts: PARENT, user: 'U0MAYA', text: 'Can we ship the release on Friday?' },
  { ts: ts(3000), user: 'U0LENA', text: '<@U0LENA> has joined the channel', subtype: 'channel_join' },
  { ts: LATEST, user: 'U0OMAR', text: `Angela Merkel meets Siemens in Berlin on Friday. ${CANARY}` },
  { ts: ts(1200), user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, text: 'An earlier Parley answer.' },
];
const THREAD: FakeSlackMessage[] = [
  CHANNEL_MESSAGES[1]!,
  { ts: REPLY_1, user: 'U0OMAR', text: 'The login fix lands Wednesday.', thread_ts: PARENT },
  { ts: ts(3600 - 120), user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, text: 'Parley summary.', thread_ts: PARENT },
  { ts: REPLY_2, user: 'U0LENA', text: 'I will write the release notes.', thread_ts: PARENT },
];

describe('Slack inputs end to end: channel windows, typed text, message shortcuts, private, errors', () => {
  const fake = new FakeSlack();
  const prefix = uniquePrefix('inputs');
  let bot: AppProcess;
  let worker: AppProcess;
  let url: string;
  let inference: Queue;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-registry-'));
    const registry = join(dir, 'models.json');
    const t5 = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    const ner = await ensureTinyTokenClassifier({ cacheDir: MODEL_CACHE, variant: 'bert' });
    await writeFile(registry, JSON.stringify({ models: { t5: { path: t5 }, ner: { path: ner } }, tasks: { summarize: 't5', ask: 't5', entities: 'ner', translate: { '*': 't5' } } }));
    await fake.start();
    for (const [id, name] of Object.entries(NAMES)) fake.users.set(id, name);
    fake.topLevel.set(CHANNEL, CHANNEL_MESSAGES);
    fake.threads.set(`${CHANNEL}/${PARENT}`, THREAD);
    fake.channelErrors.set('C0NOTIN', 'not_in_channel');
    fake.missingScopes.set('G0SECRET', 'groups:history');
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_REGISTRY: registry, ORT_INTRA_OP_THREADS: '1' });
    ({ bot, url } = await startSlackBot(fake, prefix, {
      MAX_NEW_TOKENS: '12',
      RATE_LIMIT_USER_PER_MINUTE: '100',
      RATE_LIMIT_CHANNEL_PER_MINUTE: '100',
    }));
    await worker.waitForLog('worker ready');
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await Promise.all([bot?.stop(), worker?.stop()]);
    for (const proc of [bot, worker]) expect(JSON.stringify(proc.logs) + proc.stderr).not.toContain(CANARY);
    await inference?.close();
    await fake.stop();
    await dropPrefix(prefix);
  });

  const command = async (name: string, text: string, opts: { channel?: string; user?: string } = {}) => {
    const triggerId = randomUUID();
    const fields = {
      token: 'legacy-verification-token',
      team_id: FAKE_TEAM.id,
      team_domain: FAKE_TEAM.name,
      channel_id: opts.channel ?? CHANNEL,
      channel_name: 'inputs',
      user_id: opts.user ?? 'U0MAYA',
      user_name: 'maya',
      command: name,
      text,
      api_app_id: 'A0PARLEY',
      response_url: fake.responseUrl(triggerId),
      trigger_id: triggerId,
    };
    const res = await postSlashCommand(url, fields, SIGNING_SECRET);
    expect(res.status).toBe(200);
    expect(res.elapsedMs).toBeLessThan(3000);
    const task = name.slice(1) as RequestJob['task'];
    return { ack: JSON.parse(res.body) as { response_type: string; text: string }, triggerId, requestId: requestJobId(task, FAKE_TEAM.id, triggerId) };
  };

  const shortcut = async (callbackId: string, message: FakeSlackMessage) => {
    const triggerId = randomUUID();
    const payload = {
      type: 'message_action',
      callback_id: callbackId,
      trigger_id: triggerId,
      action_ts: `${NOW}.000000`,
      team: { id: FAKE_TEAM.id, domain: FAKE_TEAM.name },
      channel: { id: CHANNEL, name: 'inputs' },
      user: { id: 'U0LENA', name: 'lena' },
      message: { type: 'message', ...message },
      message_ts: message.ts,
      response_url: fake.responseUrl(triggerId),
      token: 'legacy-verification-token',
      api_app_id: 'A0PARLEY',
    };
    const res = await postSlashCommand(url, { payload: JSON.stringify(payload) }, SIGNING_SECRET);
    expect(res.status).toBe(200);
    expect(res.elapsedMs).toBeLessThan(3000);
    return triggerId;
  };

  const jobOf = (requestId: string) =>
    waitFor(async () => ((await inference.getJob(requestId))?.data as RequestJob | undefined) ?? undefined, 10_000, `the job ${requestId}`);

  const requestIdOf = (c: SlackApiCall) => (c.args['metadata'] as { event_payload?: { request_id?: string; part?: number } } | undefined)?.event_payload;

  /** Parley's public answer to a request, posted or edited into its placeholder, found by the request id it carries as metadata. */
  const publicAnswer = (requestId: string) => {
    const call = fake.calls.find((c) => c.status === 200 && ['chat.postMessage', 'chat.update'].includes(c.method) && requestIdOf(c)?.request_id === requestId && requestIdOf(c)?.part === 0);
    if (!call) return undefined;
    const channel = String(call.args['channel']);
    const threadTs = call.method === 'chat.update' ? fake.find(channel, String(call.args['ts']))?.thread_ts : (call.args['thread_ts'] as string | undefined);
    return { channel, threadTs, text: String(call.args['text']) };
  };
  const replyTo = (requestId: string) => waitFor(() => publicAnswer(requestId), 30_000, `the answer to ${requestId}`);

  /** The next answer only `user` sees, after the first `skip` answers. */
  const ephemeralAnswer = (user: string, skip: number) =>
    waitFor(() => fake.answers().slice(skip).find((a) => a.method === 'chat.postEphemeral' && a.user === user), 30_000, `the private answer to ${user}`);

  const noticeFor = (triggerId: string) =>
    waitFor(() => fake.responseUrlPosts.find((p) => p.path.endsWith(triggerId) && !String(p.body['text']).includes('Working on it')), 10_000, 'the private notice');

  const ids = (job: RequestJob) => job.messages.map((m) => m.id);

  describe('/summarize over a window of the channel', () => {
    it('last N: the newest N top-level messages with their threads\' replies, oldest first, answered at channel level', async () => {
      const { ack, requestId } = await command('/summarize', 'temperature=0.3 sample last 2');
      expect(ack).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('Working on it') });
      const job = await jobOf(requestId);
      // The join, Parley's own messages and the message older than the window are left out.
      expect(ids(job)).toEqual([PARENT, REPLY_1, REPLY_2, LATEST]);
      expect(job.messages.map((m) => m.author)).toEqual(['Maya', 'Omar', 'Lena', 'Omar']);
      // No thread: the placeholder, and the answer that replaces it, sit at the channel's top level.
      expect(job.target).toEqual({ platform: 'slack', teamId: FAKE_TEAM.id, channelId: CHANNEL, userId: 'U0MAYA' });
      expect(job.generation).toMatchObject({ doSample: true, temperature: 0.3 });
      const reply = await replyTo(requestId);
      expect(reply).toMatchObject({ channel: CHANNEL, threadTs: undefined, text: expect.stringContaining('summarize · 4 messages') });
    });

    it('since 2h: only messages of the last two hours, with the thread started in them, read from history with oldest', async () => {
      const historyCalls = fake.callsTo('conversations.history').length;
      const { requestId } = await command('/summarize', 'since 2h');
      const job = await jobOf(requestId);
      expect(ids(job)).toEqual([PARENT, REPLY_1, REPLY_2, LATEST]);
      expect(ids(job)).not.toContain(OLD);
      const oldest = Number(fake.callsTo('conversations.history')[historyCalls]!.args['oldest']);
      expect(Math.abs(oldest - (Date.now() / 1000 - 7200))).toBeLessThan(60);
      expect((await replyTo(requestId)).threadTs).toBeUndefined();
    });

    it('with nothing given: the last 50, which here takes in the older message too', async () => {
      const { requestId } = await command('/summarize', '');
      expect(ids(await jobOf(requestId))).toEqual([OLD, PARENT, REPLY_1, REPLY_2, LATEST]);
    });

    it('bad windows are refused with what is accepted, and queue nothing', async () => {
      const before = fake.callsTo('conversations.history').length;
      expect((await command('/summarize', 'last 0')).ack.text).toContain('`last` takes a number of messages from 1 to 1000');
      expect((await command('/summarize', 'since 3 fortnights')).ack.text).toContain("I don't understand `since 3 fortnights`: use minutes, hours or days");
      expect(fake.callsTo('conversations.history')).toHaveLength(before);
    });
  });

  describe('typed text', () => {
    it('/translate <language> <text>: one message by the requester, answered at channel level', async () => {
      const text = `Good morning, the deploy is done. ${CANARY}`;
      const { requestId } = await command('/translate', `German ${text}`);
      const job = await jobOf(requestId);
      expect(job).toMatchObject({ task: 'translate', language: 'German', messages: [{ author: 'Maya', text, isBot: false }] });
      expect(job.target.platform === 'slack' && job.target.threadTs).toBeUndefined();
      const reply = await replyTo(requestId);
      expect(reply).toMatchObject({ channel: CHANNEL, threadTs: undefined, text: expect.stringContaining('translated to German') });
    });

    it("/translate <language> alone translates the channel's latest message, in its thread; an unknown language gets suggestions", async () => {
      const { requestId } = await command('/translate', 'German');
      const job = await jobOf(requestId);
      // Parley's own later answer and the join are passed over.
      expect(job).toMatchObject({ task: 'translate', language: 'German', messages: [{ id: LATEST, author: 'Omar', isBot: false }] });
      expect(job.messages).toHaveLength(1);
      expect(await replyTo(requestId)).toMatchObject({ channel: CHANNEL, threadTs: LATEST, text: expect.stringContaining('translated to German') });
      expect((await command('/translate', 'Germna hello there')).ack.text).toContain('I don\'t know the language "Germna". Did you mean German?');
    });

    it('/entities <text>: entities of the typed text', async () => {
      const { requestId } = await command('/entities', `Angela Merkel meets Siemens in Berlin on Friday. ${CANARY}`);
      const job = await jobOf(requestId);
      expect(job).toMatchObject({ task: 'entities', messages: [{ author: 'Maya', isBot: false }] });
      const reply = await replyTo(requestId);
      expect(reply.threadTs).toBeUndefined();
      expect(reply.text).not.toMatch(/^:warning:/);
      expect(reply.text).toContain('_entities (named-entity model + date/amount patterns) · 1 message');
    });

    it('/ask <question> without a link: the channel\'s recent messages are the context', async () => {
      const { requestId } = await command('/ask', 'who writes the release notes?');
      const job = await jobOf(requestId);
      expect(job).toMatchObject({ task: 'ask', question: 'who writes the release notes?' });
      expect(ids(job)).toEqual([OLD, PARENT, REPLY_1, REPLY_2, LATEST]);
      expect((await replyTo(requestId)).threadTs).toBeUndefined();
    });
  });

  describe('message shortcuts', () => {
    it('"Translate message" translates that one message into English by default, answered in its thread', async () => {
      const triggerId = await shortcut('translate_message', THREAD[3]!);
      const requestId = requestJobId('translate', FAKE_TEAM.id, triggerId);
      const job = await jobOf(requestId);
      expect(job).toMatchObject({ task: 'translate', language: 'English', messages: [{ id: REPLY_2, author: 'Lena', text: 'I will write the release notes.' }] });
      expect(job.messages).toHaveLength(1);
      expect(await replyTo(requestId)).toMatchObject({ channel: CHANNEL, threadTs: PARENT });
    });

    it('"Translate message" follows the channel\'s target_language setting', async () => {
      const redis = new Redis(REDIS_URL);
      const scope = { platform: 'slack' as const, workspace: FAKE_TEAM.id, channel: CHANNEL };
      await new SettingsStore(redis, prefix).set(scope, { targetLanguage: 'French' }, 'U0ADMIN');
      try {
        const triggerId = await shortcut('translate_message', THREAD[1]!);
        const job = await jobOf(requestJobId('translate', FAKE_TEAM.id, triggerId));
        expect(job).toMatchObject({ task: 'translate', language: 'French' });
      } finally {
        await new SettingsStore(redis, prefix).reset(scope, 'U0ADMIN');
        redis.disconnect();
      }
    });

    it('"Extract entities" on a top-level message answers under that message', async () => {
      const triggerId = await shortcut('extract_entities', CHANNEL_MESSAGES[3]!);
      const requestId = requestJobId('entities', FAKE_TEAM.id, triggerId);
      const job = await jobOf(requestId);
      expect(job).toMatchObject({ task: 'entities', messages: [{ id: LATEST, author: 'Omar' }] });
      expect(await replyTo(requestId)).toMatchObject({ channel: CHANNEL, threadTs: LATEST });
    });
  });

  const mention = (text: string, eventTs: string, extra: Record<string, unknown> = {}) => ({
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM.id,
    api_app_id: 'A0PARLEY',
    type: 'event_callback',
    event_id: `Ev${randomUUID().slice(0, 8)}`,
    event_time: NOW,
    authorizations: [{ team_id: FAKE_TEAM.id, user_id: FAKE_BOT.userId, is_bot: true }],
    event: { type: 'app_mention', user: 'U0OMAR', text, ts: eventTs, channel: CHANNEL, thread_ts: PARENT, event_ts: eventTs, ...extra },
  });

  describe('private answers', () => {
    it('`private` on a command: only the requester gets the answer, by chat.postEphemeral; nothing is posted in the channel', async () => {
      const skip = fake.answers().length;
      const { requestId } = await command('/summarize', 'private last 2');
      const job = await jobOf(requestId);
      expect(job.target).toMatchObject({ channelId: CHANNEL, userId: 'U0MAYA', private: true });
      expect(job.target).not.toHaveProperty('placeholderTs');
      const answer = await ephemeralAnswer('U0MAYA', skip);
      expect(answer).toMatchObject({ channel: CHANNEL, threadTs: undefined, text: expect.stringContaining('summarize · 4 messages') });
      expect(publicAnswer(requestId)).toBeUndefined();
      const plain = await jobOf((await command('/ask', 'is the repo private')).requestId);
      expect(plain.target).not.toHaveProperty('private');
    });

    it('"@Parley summarize privately": only the requester gets the answer, in the thread', async () => {
      const skip = fake.answers().length;
      const eventTs = ts(-10);
      await postEvent(url, mention(`<@${FAKE_BOT.userId}> summarize privately`, eventTs), SIGNING_SECRET);
      const requestId = requestJobId('mention', FAKE_TEAM.id, CHANNEL, eventTs);
      const job = await jobOf(requestId);
      expect(job).toMatchObject({ task: 'summarize', target: { threadTs: PARENT, userId: 'U0OMAR', private: true } });
      const answer = await ephemeralAnswer('U0OMAR', skip);
      expect(answer).toMatchObject({ channel: CHANNEL, threadTs: PARENT, text: expect.stringContaining('summarize · ') });
      expect(publicAnswer(requestId)).toBeUndefined();
    });
  });

  describe('events that are not requests', () => {
    it('an edited mention makes no job; the same mention unedited does', async () => {
      const edited = ts(-20);
      await postEvent(url, mention(`<@${FAKE_BOT.userId}> summarize`, edited, { edited: { user: 'U0OMAR', ts: ts(-25) } }), SIGNING_SECRET);
      const control = ts(-30);
      await postEvent(url, mention(`<@${FAKE_BOT.userId}> summarize`, control), SIGNING_SECRET);
      await jobOf(requestJobId('mention', FAKE_TEAM.id, CHANNEL, control));
      await new Promise((r) => setTimeout(r, 300));
      expect(await inference.getJob(requestJobId('mention', FAKE_TEAM.id, CHANNEL, edited))).toBeUndefined();
    });

    it('a mention carried by message_changed makes no job', async () => {
      const changed = ts(-40);
      await postEvent(url, mention(`<@${FAKE_BOT.userId}> summarize`, changed, { subtype: 'message_changed' }), SIGNING_SECRET);
      await new Promise((r) => setTimeout(r, 500));
      expect(await inference.getJob(requestJobId('mention', FAKE_TEAM.id, CHANNEL, changed))).toBeUndefined();
    });
  });

  describe('Slack refusing to read', () => {
    it('not_in_channel: invite me, with a reference id', async () => {
      const { triggerId, requestId } = await command('/summarize', 'last 10', { channel: 'C0NOTIN' });
      const notice = await noticeFor(triggerId);
      expect(notice.body).toMatchObject({ response_type: 'ephemeral', text: `:warning: I'm not in this channel: invite me with \`/invite @Parley\`, then try again. (ref \`${requestId}\`)` });
      expect(await inference.getJob(requestId)).toBeUndefined();
    });

    it('missing_scope: names the scope and says an admin must reinstall, with a reference id', async () => {
      const { triggerId, requestId } = await command('/ask', 'what was decided?', { channel: 'G0SECRET' });
      const notice = await noticeFor(triggerId);
      expect(notice.body).toMatchObject({
        response_type: 'ephemeral',
        text: `:warning: Parley is missing the Slack permission \`groups:history\` for this. A workspace admin must reinstall the app to grant it. (ref \`${requestId}\`)`,
      });
      expect(await inference.getJob(requestId)).toBeUndefined();
    });
  });
});
