import { Engine } from '@parley/engine';
import { INFERENCE_QUEUE, replyQueueName, requestJobId } from '@parley/jobs';
import { defangMentions } from '@parley/prompts';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { SettingsStore } from '../../apps/bot/src/core/settings-store.js';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { escapeSlackText } from '../../apps/bot/src/slack/replies/format-reply.js';
import { summaryPrompts } from '../../apps/worker/src/tasks/summary-prompts.js';
import { SIGNING_SECRET, startSlackBot } from '../helpers/slack-bot.js';
import { AppProcess } from '../helpers/app-process.js';
import { FAKE_BOT, FAKE_TEAM, FakeSlack, type FakeSlackMessage } from '../helpers/fake-slack.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { postEvent, postSlashCommand, waitFor } from '../helpers/slack-request.js';

const CHANNEL = 'C0GENERAL';
const THREAD_TS = '1790000000.000100';
const MAX_NEW_TOKENS = 24;

const NAMES: Record<string, string> = { U0MAYA: 'Maya', U0OMAR: 'Omar', U0LENA: 'Lena' };

/** Appears in a message; must never appear in any log line of the bot or the worker. */
const CANARY = 'CANARY-5e1f0b';

const THREAD: FakeSlackMessage[] = [
  { ts: THREAD_TS, user: 'U0MAYA', text: `Can we ship the release on Friday? QA signed off except the login bug. ${CANARY}` },
  { ts: '1790000001.000200', user: 'U0OMAR', text: 'Fix for the login bug is in review, it lands Wednesday.', thread_ts: THREAD_TS },
  { ts: '1790000002.000300', user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, text: 'An earlier Parley answer.', thread_ts: THREAD_TS },
  { ts: '1790000003.000400', user: 'U0LENA', text: 'I will write the release notes. Who owns rollback?', thread_ts: THREAD_TS },
];

function slashCommand(fake: FakeSlack, text: string, opts: { triggerId?: string; channel?: string } = {}): Record<string, string> {
  const triggerId = opts.triggerId ?? randomUUID();
  return {
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM.id,
    team_domain: FAKE_TEAM.name,
    channel_id: opts.channel ?? CHANNEL,
    channel_name: 'general',
    user_id: 'U0MAYA',
    user_name: 'maya',
    command: '/summarize',
    text,
    api_app_id: 'A0PARLEY',
    response_url: fake.responseUrl(triggerId),
    trigger_id: triggerId,
  };
}

const LONG_TS = '1790001000.000100';
const LONG_THREAD: FakeSlackMessage[] = Array.from({ length: 300 }, (_, i) => ({
  ts: `${1790001000 + i}.000100`,
  user: `U0P${i % 7}`,
  text: `Update ${i}: the deploy plan for the team is on track, we will review it on Friday.`,
  ...(i > 0 && { thread_ts: LONG_TS }),
}));
const HUGE_TS = '1790002000.000100';
const HUGE_THREAD: FakeSlackMessage[] = [{ ts: HUGE_TS, user: 'U0LENA', text: 'meeting notes '.repeat(1500) }];

const threadLink = (channel: string, ts: string) =>
  `https://parley-test.slack.invalid/archives/${channel}/p${ts.replace('.', '')}`;

describe('Slack /summarize end to end: Bolt → Redis → ONNX worker → thread reply', () => {
  const fake = new FakeSlack();
  const prefix = uniquePrefix('e2e');
  let modelDir: string;
  let bot: AppProcess;
  let worker: AppProcess;
  let commandUrl: string;
  let inference: Queue;
  let replies: Queue;

  beforeAll(async () => {
    modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    await fake.start();
    fake.threads.set(`${CHANNEL}/${THREAD_TS}`, THREAD);
    for (const [id, name] of Object.entries(NAMES)) fake.users.set(id, name);
    fake.channelErrors.set('C0PRIVATE', 'not_in_channel');
    // This file covers the placeholder + chat.update path, for a workspace that refuses Slack's
    // stream methods (slack-streaming.test.ts covers the streams): the first start is refused, and remembered.
    fake.streamRefusal = 'not_allowed_token_type';
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1' });
    fake.threads.set(`${CHANNEL}/${LONG_TS}`, LONG_THREAD);
    fake.threads.set(`${CHANNEL}/${HUGE_TS}`, HUGE_THREAD);
    ({ bot, url: commandUrl } = await startSlackBot(fake, prefix, {
      MAX_NEW_TOKENS: String(MAX_NEW_TOKENS),
      // Limits have their own test (apps/bot/test/intake.test.ts); these tests send many commands.
      RATE_LIMIT_USER_PER_MINUTE: '100',
    }));
    await worker.waitForLog('worker ready');
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    replies = new Queue(replyQueueName('slack'), { connection: { url: REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await Promise.all([bot?.stop(), worker?.stop()]);
    for (const proc of [bot, worker]) {
      const everything = JSON.stringify(proc.logs) + proc.stderr;
      expect(proc.logs.length).toBeGreaterThan(2);
      expect(everything).not.toContain(CANARY);
    }
    await Promise.all([inference?.close(), replies?.close()]);
    await fake.stop();
    await dropPrefix(prefix);
  });

  // A test that does not wait for its own reply must not leave it to arrive during the next test.
  afterEach(async () => {
    const busy = async (q: Queue) => Object.values(await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')).some((n) => n > 0);
    await waitFor(async () => ((await busy(inference)) || (await busy(replies)) ? undefined : true), 30_000, 'the queues to drain');
  });

  const jobCount = async (q: Queue) =>
    Object.values(await q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized')).reduce((a, b) => a + b, 0);

  it('acks within 3 s, queues one job for a request delivered 4 times at once, and replies once in the thread with model text', async () => {
    const fields = slashCommand(fake, `<${threadLink(CHANNEL, '1790000001000200')}?thread_ts=${THREAD_TS}&cid=${CHANNEL}>`);
    const started = performance.now();
    const acks = await Promise.all(Array.from({ length: 4 }, () => postSlashCommand(commandUrl, fields, SIGNING_SECRET)));
    for (const ack of acks) {
      expect(ack.status).toBe(200);
      expect(ack.elapsedMs).toBeLessThan(3000);
      expect(JSON.parse(ack.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Working on it') });
    }

    const post = await waitFor(() => fake.answers()[0], 30_000, 'the reply in the thread');
    const replyMs = performance.now() - started;
    expect(post).toMatchObject({ channel: CHANNEL, threadTs: THREAD_TS });

    // What the model should have said: the same prompt, run here through the engine directly.
    const seen = THREAD.filter((m) => m.user !== FAKE_BOT.userId).map((m) => ({ id: m.ts, author: NAMES[m.user!]!, text: m.text, isBot: false }));
    const engine = await Engine.start(modelDir, { intraOpThreads: 1 });
    const expected = await engine.generate(summaryPrompts.thread(engine, seen).text, { maxNewTokens: MAX_NEW_TOKENS });
    await engine.close();
    expect(expected.text.length).toBeGreaterThan(0);
    expect(post.text.startsWith(escapeSlackText(defangMentions(expected.text)))).toBe(true);
    expect(post.text).toContain(`${seen.length} messages`);

    await new Promise((r) => setTimeout(r, 1000));
    // Both deliveries got all the way to the queue; the second add was the no-op.
    expect(fake.callsTo('conversations.replies').filter((c) => c.args['ts'] === THREAD_TS)).toHaveLength(4);
    expect(bot.logs.filter((l) => l.msg === 'summarize queued')).toHaveLength(4);
    // Authors are looked up once each, then served from the bot's cache.
    expect(fake.callsTo('users.info').map((c) => c.args['user']).sort()).toEqual(['U0LENA', 'U0MAYA', 'U0OMAR']);
    // One post for the four deliveries: the placeholder that the answer replaced, or the answer
    // itself when it was ready before the placeholder.
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.answers()).toHaveLength(1);
    expect(await jobCount(inference)).toBe(1);
    expect(await jobCount(replies)).toBe(1);
    console.info(
      `[latency] acks ${acks.map((a) => a.elapsedMs.toFixed(0)).join(' / ')} ms; command to reply posted ${replyMs.toFixed(0)} ms`,
    );
  });

  it('rejects a request with a bad signature with 401 and queues nothing', async () => {
    const before = { jobs: await jobCount(inference), reads: fake.callsTo('conversations.replies').length };
    const res = await postSlashCommand(commandUrl, slashCommand(fake, threadLink(CHANNEL, THREAD_TS)), 'not-the-secret');
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(await jobCount(inference)).toBe(before.jobs);
    expect(fake.callsTo('conversations.replies')).toHaveLength(before.reads);
  });

  it('answers a command it cannot read with how to use it, and queues nothing', async () => {
    const before = await jobCount(inference);
    const res = await postSlashCommand(commandUrl, slashCommand(fake, 'this thread please'), SIGNING_SECRET);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/summarize <thread link>') });
    expect(await jobCount(inference)).toBe(before);
  });

  it('tells the user to invite the bot when Slack says not_in_channel, with a reference id', async () => {
    const before = await jobCount(inference);
    const triggerId = randomUUID();
    const res = await postSlashCommand(
      commandUrl,
      slashCommand(fake, threadLink('C0PRIVATE', THREAD_TS), { triggerId, channel: 'C0PRIVATE' }),
      SIGNING_SECRET,
    );
    expect(res.status).toBe(200);
    const notice = await waitFor(() => fake.responseUrlPosts.find((p) => p.path.endsWith(triggerId)), 5000, 'the private error notice');
    expect(notice.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/invite me with `\/invite @Parley`.*ref `summarize-[0-9a-f]{32}`/i) });
    expect(await jobCount(inference)).toBe(before);
  });

  it('refuses a thread of another channel, so nobody summarizes a channel they are not in', async () => {
    const before = { jobs: await jobCount(inference), reads: fake.callsTo('conversations.replies').length };
    const res = await postSlashCommand(commandUrl, slashCommand(fake, threadLink('C0OTHER', THREAD_TS)), SIGNING_SECRET);
    expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('in the channel where that thread is') });
    expect(fake.callsTo('conversations.replies')).toHaveLength(before.reads);
    expect(await jobCount(inference)).toBe(before.jobs);
  });

  it('summarizes a thread longer than the model window through the map-reduce flow, covering every message', async () => {
    const posted = fake.answers().length;
    await postSlashCommand(commandUrl, slashCommand(fake, threadLink(CHANNEL, LONG_TS)), SIGNING_SECRET);
    const post = await waitFor(() => fake.answers()[posted], 30_000, 'the long-thread reply');
    expect(post).toMatchObject({ channel: CHANNEL, threadTs: LONG_TS });
    // Slack pages the thread: 300 messages take two conversations.replies calls of at most 200.
    expect(fake.callsTo('conversations.replies').filter((c) => c.args['ts'] === LONG_TS)).toHaveLength(2);
    expect(post.text).toContain('· 300 messages ·');
    // Only this thread is too long for one prompt, so every chunk job belongs to it.
    expect((await inference.getJobs(['completed'])).filter((j) => j.name === 'summarize-chunk').length).toBeGreaterThan(1);
  });

  it('splits a single message too long for the model on sentence boundaries, and still replies with a summary', async () => {
    const posted = fake.answers().length;
    await postSlashCommand(commandUrl, slashCommand(fake, threadLink(CHANNEL, HUGE_TS)), SIGNING_SECRET);
    const post = await waitFor(() => fake.answers()[posted], 60_000, 'the summary of one huge message');
    expect(post).toMatchObject({ channel: CHANNEL, threadTs: HUGE_TS });
    expect(post.text).toContain('· 1 message ·');
    expect(await inference.getJobs(['failed'])).toHaveLength(0);
  });

  it("a 429 from Slack on the reply: the delivery waits the Retry-After, then answers exactly once", async () => {
    // Only this thread's answers: a late part of an earlier test's reply (another thread) may still land.
    const inThread = () => fake.answers().filter((a) => a.threadTs === THREAD_TS);
    const posted = inThread().length;
    const from = fake.calls.length;
    // Slack limits posting: the placeholder (if it is posted before the answer) and the answer both get a 429.
    fake.rateLimits.set('chat.postMessage', { remaining: 2, retryAfterSec: 2 });
    await postSlashCommand(commandUrl, slashCommand(fake, threadLink(CHANNEL, THREAD_TS)), SIGNING_SECRET);
    const post = await waitFor(() => inThread()[posted], 30_000, 'the reply after the 429');
    fake.rateLimits.delete('chat.postMessage');
    const limited = fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(post.method).toBe('chat.postMessage');
    expect(post.at - limited.at(-1)!.at).toBeGreaterThanOrEqual(2000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(inThread()).toHaveLength(posted + 1);
    expect(bot.logs.some((l) => l.msg === 'slack rate-limited a reply' && l['retryAfterMs'] === 2000)).toBe(true);
  });

  describe('generation settings', () => {
    const jobOf = async (triggerId: string) =>
      waitFor(async () => (await inference.getJob(requestJobId('summarize', FAKE_TEAM.id, triggerId))) ?? undefined, 10_000, 'the queued job');

    it('per-command overrides travel with the job and the reply footer names them', async () => {
      const triggerId = randomUUID();
      const posted = fake.answers().length;
      await postSlashCommand(commandUrl, slashCommand(fake, `sample temperature=0.3 seed=7 ${threadLink(CHANNEL, THREAD_TS)}`, { triggerId }), SIGNING_SECRET);
      const job = await jobOf(triggerId);
      expect(job.data.generation).toEqual({ maxNewTokens: MAX_NEW_TOKENS, doSample: true, temperature: 0.3, seed: 7 });
      const post = await waitFor(() => fake.answers()[posted], 30_000, 'the reply');
      expect(post.text).toContain('sampling, temperature 0.3');
      expect(post.text).toContain('seed 7');
    });

    it('a channel setting applies to the next job, and a command override beats it', async () => {
      const redis = new Redis(REDIS_URL);
      const store = new SettingsStore(redis, prefix);
      await store.set({ platform: 'slack', workspace: FAKE_TEAM.id, channel: CHANNEL }, { maxNewTokens: 5, shots: 1 }, 'U0ADMIN');
      const plain = randomUUID();
      await postSlashCommand(commandUrl, slashCommand(fake, threadLink(CHANNEL, THREAD_TS), { triggerId: plain }), SIGNING_SECRET);
      expect((await jobOf(plain)).data.generation).toEqual({ maxNewTokens: 5, shots: 1 });
      const overridden = randomUUID();
      await postSlashCommand(commandUrl, slashCommand(fake, `max_new_tokens=7 ${threadLink(CHANNEL, THREAD_TS)}`, { triggerId: overridden }), SIGNING_SECRET);
      expect((await jobOf(overridden)).data.generation).toEqual({ maxNewTokens: 7, shots: 1 });
      const [audit] = await store.audit({ platform: 'slack', workspace: FAKE_TEAM.id, channel: CHANNEL }, 1);
      expect(audit).toMatchObject({ actor: 'U0ADMIN', field: 'shots', old: null, new: 1 });
      await store.reset({ platform: 'slack', workspace: FAKE_TEAM.id, channel: CHANNEL }, 'U0ADMIN');
      redis.disconnect();
    });

    it('a bad setting is refused with the setting, the value and the range, and queues nothing', async () => {
      const before = await jobCount(inference);
      const res = await postSlashCommand(commandUrl, slashCommand(fake, `top_p=1.5 ${threadLink(CHANNEL, THREAD_TS)}`), SIGNING_SECRET);
      expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('top_p must be a number above 0 and at most 1 (got 1.5)') });
      expect(await jobCount(inference)).toBe(before);
    });
  });

  it('a reply whose post answer was lost is edited on the retry, never posted twice', async () => {
    // Earlier tests that did not wait for their replies: theirs must land before the count, or a
    // slow worker makes them look like double posts.
    const pending = async (q: Queue) => Object.values(await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).reduce((a, b) => a + b, 0);
    await waitFor(async () => ((await pending(inference)) + (await pending(replies)) === 0 ? true : undefined), 30_000, 'earlier replies to be posted');
    const thread = fake.threads.get(`${CHANNEL}/${THREAD_TS}`)!;
    const mineBefore = thread.filter((m) => m.bot_id === FAKE_BOT.botId).length;
    const updates = fake.callsTo('chat.update').length;
    // No placeholder (Slack refuses the first post), so the answer is a new post; its answer is lost.
    fake.rateLimits.set('chat.postMessage', { remaining: 1, retryAfterSec: 0 });
    fake.dropResponses.set('chat.postMessage', 1);
    await postSlashCommand(commandUrl, slashCommand(fake, threadLink(CHANNEL, THREAD_TS)), SIGNING_SECRET);
    const update = await waitFor(() => fake.callsTo('chat.update')[updates], 30_000, 'the retry to edit the reply');
    const mine = thread.filter((m) => m.bot_id === FAKE_BOT.botId);
    expect(mine).toHaveLength(mineBefore + 1);
    expect(mine.at(-1)!.ts).toBe(update.args['ts']);
    expect(mine.at(-1)!.text).toBe(update.args['text']);
    await new Promise((r) => setTimeout(r, 1000));
    expect(thread.filter((m) => m.bot_id === FAKE_BOT.botId)).toHaveLength(mineBefore + 1);
    expect(bot.logs.some((l) => l.msg === 'reply posted' && l['edited'] === true)).toBe(true);
  });

  it('the "Summarize thread" message shortcut, used on a reply inside the thread, summarizes that thread', async () => {
    const posted = fake.answers().length;
    const triggerId = randomUUID();
    const payload = {
      type: 'message_action',
      callback_id: 'summarize_thread',
      trigger_id: triggerId,
      action_ts: '1790000099.000000',
      team: { id: FAKE_TEAM.id, domain: FAKE_TEAM.name },
      channel: { id: CHANNEL, name: 'general' },
      user: { id: 'U0LENA', name: 'lena' },
      message: { type: 'message', ts: '1790000003.000400', thread_ts: THREAD_TS, user: 'U0LENA', text: 'I will write the release notes.' },
      message_ts: '1790000003.000400',
      response_url: fake.responseUrl(triggerId),
      token: 'legacy-verification-token',
      api_app_id: 'A0PARLEY',
    };
    const ack = await postSlashCommand(commandUrl, { payload: JSON.stringify(payload) }, SIGNING_SECRET);
    expect(ack.status).toBe(200);
    expect(ack.elapsedMs).toBeLessThan(3000);
    const post = await waitFor(() => fake.answers()[posted], 30_000, 'the shortcut reply');
    expect(post).toMatchObject({ channel: CHANNEL, threadTs: THREAD_TS });
    const notice = await waitFor(() => fake.responseUrlPosts.find((p) => p.path.endsWith(triggerId)), 5000, 'the private notice');
    expect(notice.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Working on it') });
  });

  describe('@mentions', () => {
    const mention = (text: string, ts: string, eventId = `Ev${randomUUID().slice(0, 8)}`) => ({
      token: 'legacy-verification-token',
      team_id: FAKE_TEAM.id,
      api_app_id: 'A0PARLEY',
      type: 'event_callback',
      event_id: eventId,
      event_time: 1790000100,
      authorizations: [{ team_id: FAKE_TEAM.id, user_id: FAKE_BOT.userId, is_bot: true }],
      event: { type: 'app_mention', user: 'U0OMAR', text, ts, channel: CHANNEL, thread_ts: THREAD_TS, event_ts: ts },
    });

    it('"@Parley translate to French" translates the thread into French, in the thread; a redelivered event makes no second job', async () => {
      const posted = fake.answers().length;
      const body = mention(`<@${FAKE_BOT.userId}> translate to French`, '1790000100.000100');
      const ack = await postEvent(commandUrl, body, SIGNING_SECRET);
      expect(ack.status).toBe(200);
      expect(ack.elapsedMs).toBeLessThan(3000);
      await postEvent(commandUrl, body, SIGNING_SECRET, 1);
      const post = await waitFor(() => fake.answers()[posted], 30_000, 'the translation');
      expect(post).toMatchObject({ channel: CHANNEL, threadTs: THREAD_TS });
      expect(post.text).toContain('translated to French');
      const requestId = requestJobId('mention', FAKE_TEAM.id, CHANNEL, '1790000100.000100');
      const job = (await inference.getJob(requestId))!;
      expect(job.data).toMatchObject({ task: 'translate', language: 'French' });
      // The mention itself is not translated.
      expect((job.data as { messages: { id: string }[] }).messages.map((m) => m.id)).not.toContain('1790000100.000100');
      await new Promise((r) => setTimeout(r, 1000));
      expect(fake.answers()).toHaveLength(posted + 1);
    });

    it('a question in a thread Parley already answered is a follow-up: a chat ask with its answers as turns, answered in the thread', async () => {
      const posted = fake.answers().length;
      await postEvent(commandUrl, mention(`<@${FAKE_BOT.userId}> who owns the rollback plan?`, '1790000101.000100'), SIGNING_SECRET);
      const post = await waitFor(() => fake.answers()[posted], 30_000, 'the answer');
      expect(post).toMatchObject({ channel: CHANNEL, threadTs: THREAD_TS });
      // Earlier tests of this file answered in this thread.
      expect(post.text).toMatch(/_chat · (\d+ earlier turns?|last \d+ of \d+ turns) /);
      const job = (await inference.getJob(requestJobId('mention', FAKE_TEAM.id, CHANNEL, '1790000101.000100')))!;
      expect(job.data).toMatchObject({ task: 'ask', question: 'who owns the rollback plan?', chat: true });
    });

    it("another bot's mention is ignored", async () => {
      const before = await jobCount(inference);
      const body = mention(`<@${FAKE_BOT.userId}> summarize`, '1790000103.000100');
      await postEvent(commandUrl, { ...body, event: { ...body.event, bot_id: 'B0OTHER' } }, SIGNING_SECRET);
      await new Promise((r) => setTimeout(r, 500));
      expect(await jobCount(inference)).toBe(before);
      expect(await inference.getJob(requestJobId('mention', FAKE_TEAM.id, CHANNEL, '1790000103.000100'))).toBeUndefined();
    });

    it('a bare mention gets private help, and queues nothing', async () => {
      const before = await jobCount(inference);
      const ephemerals = fake.callsTo('chat.postEphemeral').length;
      await postEvent(commandUrl, mention(`<@${FAKE_BOT.userId}>`, '1790000102.000100'), SIGNING_SECRET);
      const help = await waitFor(() => fake.callsTo('chat.postEphemeral')[ephemerals], 5000, 'the help');
      expect(help.args).toMatchObject({ channel: CHANNEL, user: 'U0OMAR', text: expect.stringContaining('summarize') });
      expect(await jobCount(inference)).toBe(before);
    });
  });

  describe('/genconfig', () => {
    const genconfig = async (user: string, text: string) => {
      const fields = { ...slashCommand(fake, text), command: '/genconfig', user_id: user };
      const res = await postSlashCommand(commandUrl, fields, SIGNING_SECRET);
      return String((JSON.parse(res.body) as { text: string }).text);
    };

    it('anyone sees the settings; only admins change them, and the next job uses the change', async () => {
      fake.admins.add('U0BOSS');
      expect(await genconfig('U0MAYA', 'set temperature=0.7 sample')).toBe("Only workspace admins can change Parley's settings. `/genconfig` shows them.");
      expect(await genconfig('U0BOSS', 'set temperature=0.7 sample max_new_tokens=9')).toMatch(/^Saved: .*temperature unset → 0\.7/);
      const shown = await genconfig('U0MAYA', '');
      expect(shown).toContain('sampling, temperature 0.7');
      expect(shown).toContain('Last changed by <@U0BOSS>');
      const triggerId = randomUUID();
      await postSlashCommand(commandUrl, slashCommand(fake, threadLink(CHANNEL, THREAD_TS), { triggerId }), SIGNING_SECRET);
      const job = await waitFor(async () => (await inference.getJob(requestJobId('summarize', FAKE_TEAM.id, triggerId))) ?? undefined, 10_000, 'the job');
      expect(job.data.generation).toMatchObject({ doSample: true, temperature: 0.7, maxNewTokens: 9 });
      expect(await genconfig('U0BOSS', 'preset precise')).toMatch(/^Saved: /);
      expect(await genconfig('U0MAYA', 'show')).toContain('greedy');
      expect(await genconfig('U0BOSS', 'reset')).toMatch(/^Saved: /);
    });

    it('a sampling-only value saved under greedy is echoed, and the admin is told it changes nothing until `sample`', async () => {
      fake.admins.add('U0BOSS');
      await genconfig('U0BOSS', 'reset');
      expect(await genconfig('U0BOSS', 'set temperature=2.5')).toBe(
        'Saved: temperature unset → 2.5. Settings here now: greedy. This channel decodes greedily, so temperature changes nothing until you add `sample`.',
      );
      expect(await genconfig('U0BOSS', 'set sample')).not.toContain('decodes greedily');
      await genconfig('U0BOSS', 'reset');
    });

    it('a bad value names the setting and its range', async () => {
      fake.admins.add('U0BOSS');
      expect(await genconfig('U0BOSS', 'set top_k=-1')).toContain('top_k');
      expect(await genconfig('U0BOSS', 'set temprature=0.5')).toContain('Did you mean temperature');
    });
  });

  describe('/translate, /entities and /ask on a thread link', () => {
    const run = async (command: string, text: string) => {
      const triggerId = randomUUID();
      const posted = fake.answers().length;
      const res = await postSlashCommand(commandUrl, { ...slashCommand(fake, text, { triggerId }), command }, SIGNING_SECRET);
      expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Working on it') });
      const post = await waitFor(() => fake.answers()[posted], 30_000, `the ${command} reply`);
      expect(post).toMatchObject({ channel: CHANNEL, threadTs: THREAD_TS });
      return { text: post.text, triggerId };
    };

    it('/translate German <link> translates the thread', async () => {
      const { text, triggerId } = await run('/translate', `German ${threadLink(CHANNEL, THREAD_TS)}`);
      expect(text).toContain('translated to German');
      const job = (await inference.getJob(requestJobId('translate', FAKE_TEAM.id, triggerId)))!;
      expect(job.data).toMatchObject({ task: 'translate', language: 'German' });
    });

    it('/entities <link> on the one-model set-up prompts that model and says so in the footer', async () => {
      const { text } = await run('/entities', threadLink(CHANNEL, THREAD_TS));
      expect(text).not.toContain(':warning:');
      expect(text).toContain('entities (generative prompt + date/amount patterns)');
    });

    it('/ask <link> <question> asks about the thread', async () => {
      const { triggerId } = await run('/ask', `${threadLink(CHANNEL, THREAD_TS)} who owns the rollback plan?`);
      const job = (await inference.getJob(requestJobId('ask', FAKE_TEAM.id, triggerId)))!;
      expect(job.data).toMatchObject({ task: 'ask', question: 'who owns the rollback plan?' });
    });

    it('with nothing to go on, a command says how to use it', async () => {
      const res = await postSlashCommand(commandUrl, { ...slashCommand(fake, ''), command: '/translate' }, SIGNING_SECRET);
      expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/translate <language> <thread link>') });
    });
  });
});
