import { INFERENCE_QUEUE, PARLEY_AUTHOR, requestJobId, type RequestJob } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { FAKE_BOT, FAKE_TEAM, FakeSlack } from '../helpers/fake-slack.js';
import { FakeSlackSocket } from '../helpers/fake-slack-socket.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { laterTs, nthAnswer as nthAnswerIn, seen } from '../helpers/slack-answers.js';
import { startSlackBots } from '../helpers/slack-bot.js';
import type { SlackDriver, Transport } from '../helpers/slack-driver.js';
import { waitFor } from '../helpers/slack-request.js';

/** In every user message; must never appear in any log line of the bots or the worker. */
const CANARY = 'CANARY-7f30c2';
const CHANNEL = 'C0FOLLOW';
const REPLY_MS = 30_000;
const NOW = Math.floor(Date.now() / 1000);

/**
 * Follow-ups by @mention in a channel thread, over both transports, through the real queue to a
 * worker running the tiny model: the first question is an ordinary ask; once Parley has answered
 * in the thread, the next questions are chat turns carrying the earlier questions and answers;
 * a summary asked there stays a summary.
 */
describe('Slack follow-ups: a question in a thread Parley answered is the next chat turn', () => {
  const fake = new FakeSlack();
  const socket = new FakeSlackSocket(fake);
  const prefix = uniquePrefix('follow');
  let bots: Record<Transport, AppProcess>;
  let drivers: Record<Transport, SlackDriver>;
  let worker: AppProcess;
  let inference: Queue;
  const newTs = laterTs(fake, NOW - 600);

  beforeAll(async () => {
    const modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    await fake.start();
    await socket.start();
    for (const [id, name] of Object.entries({ U0MAYA: 'Maya', U0OMAR: 'Omar' })) fake.users.set(id, name);
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1' });
    ({ bots, drivers } = await startSlackBots(fake, socket, { ...common, MAX_NEW_TOKENS: '12', RATE_LIMIT_USER_PER_MINUTE: '500', RATE_LIMIT_CHANNEL_PER_MINUTE: '500' }));
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

  const mentionId = (ts: string) => requestJobId('mention', FAKE_TEAM.id, CHANNEL, ts);
  const jobOf = (requestId: string) =>
    waitFor(async () => ((await inference.getJob(requestId))?.data as RequestJob | undefined) ?? undefined, 10_000, `the job ${requestId}`);

  const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const nthAnswer = (threadTs: string, n: number) => nthAnswerIn(fake, CHANNEL, threadTs, n, REPLY_MS);

  describe.each(['http', 'socket'] as const)('over %s', (transport) => {
    const driver = () => drivers[transport];

    /** A channel thread: Maya's plan and Omar's reply, no word from Parley yet. */
    const newThread = () => {
      const ts = newTs();
      fake.threads.set(`${CHANNEL}/${ts}`, [
        { ts, user: 'U0MAYA', text: `Release plan: we ship on Friday. ${CANARY}` },
        { ts: `${ts.split('.')[0]}.900000`, user: 'U0OMAR', text: 'The login fix lands on Wednesday.', thread_ts: ts },
      ]);
      return ts;
    };

    /** Omar's @mention in the thread: a message of it, as Slack keeps it, and the event. Resolves its ts. */
    const mention = async (threadTs: string, words: string) => {
      const ts = newTs();
      const text = `<@${FAKE_BOT.userId}> ${words}`;
      fake.threads.get(`${CHANNEL}/${threadTs}`)!.push({ ts, user: 'U0OMAR', text, thread_ts: threadTs });
      const ack = await driver().sendEvent({ type: 'app_mention', user: 'U0OMAR', text, ts, channel: CHANNEL, thread_ts: threadTs, event_ts: ts }, `Ev${randomUUID().slice(0, 10)}`);
      expect(ack.status).toBe(200);
      return ts;
    };

    it("three turns: the first an ordinary ask, the later ones chats whose turns hold the earlier questions and Parley's answers in order", async () => {
      const thread = newThread();
      const questions = [`When does the login fix land? ${CANARY}`, `Why Wednesday? ${CANARY}`, `Who tests it? ${CANARY}`];

      const ts1 = await mention(thread, questions[0]!);
      const first = await jobOf(mentionId(ts1));
      // No answer of Parley's in the thread yet: the thread is the context, the question is not in it.
      expect(first).toMatchObject({ task: 'ask', question: questions[0], target: { channelId: CHANNEL, threadTs: thread } });
      expect(first).not.toHaveProperty('chat');
      expect(first.messages.map((m) => m.text)).toEqual([`Release plan: we ship on Friday. ${CANARY}`, 'The login fix lands on Wednesday.']);
      const answer1 = await nthAnswer(thread, 1);

      const ts2 = await mention(thread, questions[1]!);
      const second = await jobOf(mentionId(ts2));
      expect(second).toMatchObject({ task: 'ask', chat: true, question: questions[1] });
      const parley2 = second.messages.filter((m) => m.author === PARLEY_AUTHOR);
      expect(parley2).toHaveLength(1);
      expect(parley2[0]).toMatchObject({ id: answer1.ts, isBot: false });
      expect(parley2[0]!.text).not.toBe('');
      expect(unescape(seen(answer1))).toContain(parley2[0]!.text);
      expect(second.messages.map((m) => m.text)).toContain(questions[0]);
      expect(second.messages.map((m) => m.text)).not.toContain(questions[1]);
      const answer2 = await nthAnswer(thread, 2);

      const ts3 = await mention(thread, questions[2]!);
      await jobOf(mentionId(ts3));
      // Read back from BullMQ itself: what the worker ran for the third turn.
      const third = (await inference.getJob(mentionId(ts3)))!.data as RequestJob;
      expect(third).toMatchObject({ task: 'ask', chat: true, question: questions[2], target: { channelId: CHANNEL, threadTs: thread, userId: 'U0OMAR' } });
      const turns = third.messages.filter((m) => m.author === PARLEY_AUTHOR || m.author === 'Omar');
      expect(turns.map((m) => [m.id, m.author, m.isBot])).toEqual([
        [expect.any(String), 'Omar', false], // "The login fix lands on Wednesday."
        [ts1, 'Omar', false],
        [answer1.ts, PARLEY_AUTHOR, false],
        [ts2, 'Omar', false],
        [answer2.ts, PARLEY_AUTHOR, false],
      ]);
      // The earlier mentions are turns by their words, without the ping.
      expect(turns.slice(1).map((m) => m.text)).toEqual([questions[0], parley2[0]!.text, questions[1], expect.any(String)]);
      expect(unescape(seen(answer2))).toContain(turns[4]!.text);
      expect(turns[4]!.text).not.toContain('· ');
      expect(third.messages.map((m) => m.text)).not.toContain(questions[2]);

      const answer3 = await nthAnswer(thread, 3);
      expect(seen(answer3)).toMatch(/_chat · \d+ earlier turns · /);
      expect(seen(answer1)).toContain('_ask · ');

      // A summary asked in the same thread stays a summary of the thread, Parley's answers left out.
      const ts4 = await mention(thread, 'summarize');
      const summary = await jobOf(mentionId(ts4));
      expect(summary).toMatchObject({ task: 'summarize', target: { channelId: CHANNEL, threadTs: thread } });
      expect(summary).not.toHaveProperty('chat');
      expect(summary.messages.map((m) => m.author)).not.toContain(PARLEY_AUTHOR);
      expect(summary.messages.map((m) => m.id)).not.toContain(answer1.ts);
      await nthAnswer(thread, 4).then((a) => expect(seen(a)).toContain('summarize · '));
    });
  });
});
