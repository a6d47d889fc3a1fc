import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { FAKE_BOT, FAKE_TEAM, FakeSlack, isPlaceholderText, type FakeSlackMessage, type SlackApiCall } from '../helpers/fake-slack.js';
import { FakeSlackSocket } from '../helpers/fake-slack-socket.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { driverFor, slackBotProcess, startSlackBots } from '../helpers/slack-bot.js';
import type { SlackDriver, Transport } from '../helpers/slack-driver.js';
import { waitFor } from '../helpers/slack-request.js';

const CHANNEL = 'C0STREAM';
/** Long enough for the tiny model to take several progress intervals. */
const LONG = 'max_new_tokens=4000';
const ANSWER_MS = 60_000;

/**
 * Answers in a thread through Slack's stream methods, over both transports: the thread's status
 * while the request waits, chat.startStream when the first text arrives, appends as it grows,
 * chat.stopStream with the footer and the feedback buttons; and the placeholder + chat.update
 * path when Slack refuses the stream methods. Every case ends with exactly one visible answer.
 */
describe('Slack streaming: status, start → appends → stop, and the placeholder fallback', () => {
  const fake = new FakeSlack();
  const socket = new FakeSlackSocket(fake);
  const prefix = uniquePrefix('stream');
  let bots: Record<Transport, AppProcess>;
  let drivers: Record<Transport, SlackDriver>;
  let worker: AppProcess;
  let nextThread = 0;
  const env = {
    REDIS_URL,
    PARLEY_QUEUE_PREFIX: prefix,
    RATE_LIMIT_USER_PER_MINUTE: '500',
    RATE_LIMIT_CHANNEL_PER_MINUTE: '500',
    // Short tests see many appends and edits; production keeps Slack's tiers.
    SLACK_APPENDS_PER_MINUTE: '3000',
    SLACK_UPDATES_PER_MINUTE: '3000',
  };

  beforeAll(async () => {
    const modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    await fake.start();
    await socket.start();
    for (const [id, name] of [['U0MAYA', 'Maya'], ['U0OMAR', 'Omar'], ['U0LENA', 'Lena']] as const) fake.users.set(id, name);
    // One job at a time, so that requests queue behind each other.
    worker = new AppProcess('worker', { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info', MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1', PROGRESS_INTERVAL_MS: '25', WORKER_CONCURRENCY: '1' });
    ({ bots, drivers } = await startSlackBots(fake, socket, env));
    await worker.waitForLog('worker ready');
  });

  afterAll(async () => {
    await Promise.all([bots?.http.stop(), bots?.socket.stop(), worker?.stop()]);
    await socket.stop();
    await fake.stop();
    await dropPrefix(prefix);
  });

  /** A fresh thread whose text holds mentions, so each test's reads, status and answer are its own. */
  function newThread(): { ts: string; link: string } {
    const base = 1792000000 + ++nextThread * 10;
    const ts = `${base}.000100`;
    const thread: FakeSlackMessage[] = [
      { ts, user: 'U0MAYA', text: 'Release plan: <!channel> please read. Friday ship, <@U0OMAR> owns QA. <!here>' },
      { ts: `${base + 1}.000100`, user: 'U0OMAR', text: 'Login fix lands Wednesday <!subteam^S123>.', thread_ts: ts },
      { ts: `${base + 2}.000100`, user: 'U0LENA', text: 'I will write the notes.', thread_ts: ts },
    ];
    fake.threads.set(`${CHANNEL}/${ts}`, thread);
    return { ts, link: `https://parley-test.slack.invalid/archives/${CHANNEL}/p${ts.replace('.', '')}` };
  }

  const callsIn = (method: string, threadTs: string, streamTs?: string): SlackApiCall[] =>
    fake.callsTo(method).filter((c) => c.args['thread_ts'] === threadTs || (streamTs !== undefined && c.args['ts'] === streamTs));
  const botMessages = (threadTs: string) => (fake.threads.get(`${CHANNEL}/${threadTs}`) ?? []).filter((m) => m.bot_id === FAKE_BOT.botId);
  /** Everything the message shows: its text and its blocks. */
  const shown = (m: FakeSlackMessage) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`;

  /** The one bot message of the thread once it carries the answer's footer and feedback buttons. */
  const answerIn = (threadTs: string) =>
    waitFor(
      () => {
        const mine = botMessages(threadTs);
        const done = mine.find((m) => !m.streaming && (m.blocks ?? []).some((b) => (b as { type?: string }).type === 'context_actions'));
        return done && { message: done, all: mine };
      },
      ANSWER_MS,
      'the answer',
    );

  const feedbackValues = (m: FakeSlackMessage) =>
    (m.blocks as { type: string; elements?: { type: string; positive_button?: { value: string }; negative_button?: { value: string } }[] }[])
      .filter((b) => b.type === 'context_actions')
      .flatMap((b) => b.elements ?? [])
      .flatMap((e) => (e.type === 'feedback_buttons' ? [e.positive_button!.value, e.negative_button!.value] : []));

  for (const transport of ['http', 'socket'] as const) {
    it(`${transport}: the status says what it waits for, the text streams (start → appends → stop), and the answer closes the stream with its footer and 👍/👎`, async () => {
      const { ts, link } = newThread();
      const ack = await drivers[transport].sendCommand('/summarize', `${LONG} ${link}`, { channel: CHANNEL, user: 'U0MAYA' });
      expect(ack.latencyMs).toBeLessThan(3000);
      const { message, all } = await answerIn(ts);

      // Status lines: what the worker reads (after what it waits to do, if the worker had not begun yet), cleared by the answer.
      const statuses = fake.statuses.get(`${CHANNEL}/${ts}`) ?? [];
      // (Which of them shows depends on how soon the worker begins; the queue test below pins the order.)
      const lines = statuses.map((s) => s.loadingMessages.join(' | '));
      expect(lines.length).toBeGreaterThanOrEqual(1);
      for (const l of lines) expect(l).toMatch(/^((You're #\d+ in the queue… \| )?Summarizing 3 messages…|Reading 3 messages…)$/);
      expect(fake.currentStatus.has(`${CHANNEL}/${ts}`)).toBe(false);

      // One stream: started in the thread for the requester, appended to, stopped last.
      const [start, ...moreStarts] = callsIn('chat.startStream', ts);
      expect(moreStarts).toEqual([]);
      expect(start!.args).toMatchObject({ channel: CHANNEL, thread_ts: ts, recipient_user_id: 'U0MAYA', recipient_team_id: FAKE_TEAM.id });
      const streamTs = String(start!.answer?.['ts']);
      const appends = callsIn('chat.appendStream', ts, streamTs);
      // The tiny model finishes in a few hundred ms: with calls 50 ms apart, then 300 ms, that is one append or more.
      expect(appends.length).toBeGreaterThanOrEqual(1);
      for (const [i, a] of appends.entries()) expect(a.at - (i === 0 ? start!.at : appends[i - 1]!.at)).toBeGreaterThanOrEqual(25);
      const stops = callsIn('chat.stopStream', ts, streamTs);
      expect(stops).toHaveLength(1);
      expect(stops[0]!.at).toBeGreaterThanOrEqual(appends.at(-1)!.at);
      expect(fake.calls.some((c) => c.method === 'chat.postMessage' && c.args['thread_ts'] === ts && isPlaceholderText(String(c.args['text'])))).toBe(false);

      // Exactly one visible answer: the streamed message, with the footer and the feedback buttons.
      expect(all).toHaveLength(1);
      expect(message.ts).toBe(streamTs);
      expect(shown(message)).toMatch(/_summarize · 3 messages · .* max 4000 tokens_/);
      const [up, down] = feedbackValues(message);
      expect(up).toMatch(/^up:summarize-/);
      expect(down).toBe(up!.replace(/^up:/, 'down:'));
      expect(message.metadata).toMatchObject({ event_type: 'parley_reply' });
      const firstStatus = fake.callsTo('assistant.threads.setStatus').find((c) => c.args['thread_ts'] === ts)!;
      console.info(`[streaming ${transport}] ${statuses.length} status lines, 1 start, ${appends.length} appends, 1 stop; first text ${start!.at - firstStatus.at} ms after the first status`);
    });
  }

  it('requests waiting behind others say their place in the queue in the status, then each gets one streamed answer', async () => {
    const threads = [newThread(), newThread(), newThread()];
    await Promise.all(threads.map(({ link }, i) => drivers.http.sendCommand('/summarize', `${LONG} ${link}`, { channel: CHANNEL, user: ['U0MAYA', 'U0OMAR', 'U0LENA'][i]! })));
    const firstLines = await waitFor(() => {
      const lines = threads.map(({ ts }) => fake.statuses.get(`${CHANNEL}/${ts}`)?.[0]?.loadingMessages);
      return lines.every(Boolean) ? lines : undefined;
    }, 10_000, 'three statuses');
    expect(firstLines.flat().filter((l) => /^You're #[23] in the queue…$/.test(l!)).length).toBeGreaterThanOrEqual(1);
    for (const { ts } of threads) expect((await answerIn(ts)).all).toHaveLength(1);
    // A request that waited: its place and what it waits to do, then what the worker reads, in that order.
    const waited = threads.map(({ ts }) => (fake.statuses.get(`${CHANNEL}/${ts}`) ?? []).map((s) => s.loadingMessages)).find((l) => l[0]!.some((m) => m.includes('in the queue')))!;
    expect(waited[0]).toEqual([expect.stringMatching(/^You're #[23] in the queue…$/), 'Summarizing 3 messages…']);
    expect(waited.at(-1)).toEqual(['Reading 3 messages…']);
  });

  it('Slack ends a stream by itself mid-answer: later appends are refused (message_not_in_streaming_state) and the answer still replaces it, once', async () => {
    const { ts, link } = newThread();
    await drivers.http.sendCommand('/summarize', `max_new_tokens=1500 ${link}`, { channel: CHANNEL, user: 'U0MAYA' });
    const start = await waitFor(() => callsIn('chat.startStream', ts)[0], ANSWER_MS, 'the stream');
    fake.endStream(CHANNEL, String(start.answer?.['ts']));
    const { message, all } = await answerIn(ts);
    expect(all).toHaveLength(1);
    const refused = fake.calls.filter((c) => c.args['ts'] === message.ts && c.answer?.['error'] === 'message_not_in_streaming_state');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(message.ts).toBe(start.answer?.['ts']);
    expect(fake.callsTo('chat.update').some((c) => c.args['ts'] === message.ts)).toBe(true);
    expect(shown(message)).toMatch(/_summarize · 3 messages/);
  });

  it('a stop whose answer is lost is retried: the retry finds the stream stopped and edits the same message, so one answer shows', async () => {
    const { ts, link } = newThread();
    fake.dropResponses.set('chat.stopStream', 1);
    await drivers.socket.sendCommand('/summarize', `${LONG} ${link}`, { channel: CHANNEL, user: 'U0OMAR' });
    const { all } = await answerIn(ts);
    await waitFor(() => fake.callsTo('chat.update').find((c) => c.args['ts'] === all[0]!.ts), ANSWER_MS, 'the retried delivery');
    expect(botMessages(ts)).toHaveLength(1);
    expect(callsIn('chat.startStream', ts)).toHaveLength(1);
  });

  it('the bot is killed mid-stream: the restarted bot leaves the stream alone and the answer replaces it, once', async () => {
    const { ts, link } = newThread();
    await drivers.http.sendCommand('/summarize', `max_new_tokens=1500 ${link}`, { channel: CHANNEL, user: 'U0LENA' });
    const start = await waitFor(() => callsIn('chat.startStream', ts)[0], ANSWER_MS, 'the stream');
    bots.http.kill('SIGKILL');
    bots.http = slackBotProcess('http', fake, env);
    drivers.http = await driverFor('http', bots.http, fake, socket);
    const { message, all } = await answerIn(ts);
    expect(all).toHaveLength(1);
    expect(message.ts).toBe(start.answer?.['ts']);
    expect(callsIn('chat.startStream', ts)).toHaveLength(1);
    expect(shown(message)).toMatch(/max 1500 tokens/);
  });

  it('a 429 on chat.stopStream: the retry replaces the whole message, so the end of the answer shows once', async () => {
    const { ts, link } = newThread();
    fake.rateLimits.set('chat.stopStream', { remaining: 1, retryAfterSec: 1 });
    await drivers.http.sendCommand('/summarize', `${LONG} ${link}`, { channel: CHANNEL, user: 'U0MAYA' });
    const { message, all } = await answerIn(ts);
    fake.rateLimits.delete('chat.stopStream');
    expect(all).toHaveLength(1);
    const stops = fake.calls.filter((c) => c.method === 'chat.stopStream' && c.args['ts'] === message.ts);
    expect(stops.map((c) => c.status)).toEqual([429, 200]);
    // The retried stop carries no text; the whole answer comes with the edit that follows it.
    expect(stops[1]!.args['chunks'] ?? stops[1]!.args['markdown_text']).toBeUndefined();
    const update = fake.callsTo('chat.update').filter((c) => c.args['ts'] === message.ts).at(-1)!;
    expect(message.text).toBe(update.args['text']);
  });

  it('a chat.startStream whose answer is lost: no placeholder beside it, and the answer finds that stream and finishes it', async () => {
    const { ts, link } = newThread();
    fake.dropResponses.set('chat.startStream', 1);
    await drivers.http.sendCommand('/summarize', `${LONG} ${link}`, { channel: CHANNEL, user: 'U0OMAR' });
    const { message, all } = await answerIn(ts);
    expect(all).toHaveLength(1);
    // Slack carried the start out but its answer never came (the fake records it with status 0).
    const starts = fake.calls.filter((c) => c.method === 'chat.startStream' && c.args['thread_ts'] === ts);
    expect(starts.map((c) => c.status)).toEqual([0]);
    expect(message.ts).toBe(starts[0]!.answer?.['ts']);
    expect(fake.callsTo('chat.stopStream').filter((c) => c.args['ts'] === message.ts)).toHaveLength(1);
    expect(fake.calls.some((c) => c.method === 'chat.postMessage' && c.args['thread_ts'] === ts)).toBe(false);
  });

  it('the streamed message is deleted mid-answer: the answer is posted anew, once', async () => {
    const { ts, link } = newThread();
    await drivers.socket.sendCommand('/summarize', `${LONG} ${link}`, { channel: CHANNEL, user: 'U0LENA' });
    const start = await waitFor(() => callsIn('chat.startStream', ts)[0], ANSWER_MS, 'the stream');
    const thread = fake.threads.get(`${CHANNEL}/${ts}`)!;
    thread.splice(thread.findIndex((m) => m.ts === start.answer?.['ts']), 1);
    const { message, all } = await answerIn(ts);
    expect(all).toHaveLength(1);
    expect(message.ts).not.toBe(start.answer?.['ts']);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.args['thread_ts'] === ts)).toHaveLength(1);
  });

  it('a workspace that refuses the status line (missing_scope) still streams; only the status is left out', async () => {
    fake.statusRefusal = 'missing_scope';
    const first = newThread();
    await drivers.http.sendCommand('/summarize', `${LONG} ${first.link}`, { channel: CHANNEL, user: 'U0MAYA' });
    expect((await answerIn(first.ts)).all).toHaveLength(1);
    const second = newThread();
    await drivers.socket.sendCommand('/summarize', `${LONG} ${second.link}`, { channel: CHANNEL, user: 'U0OMAR' });
    expect((await answerIn(second.ts)).all).toHaveLength(1);
    for (const { ts } of [first, second]) expect(callsIn('chat.startStream', ts)).toHaveLength(1);
    // The first refusal is remembered: the second request does not ask again.
    expect(fake.calls.filter((c) => c.method === 'assistant.threads.setStatus' && c.args['thread_ts'] === second.ts)).toEqual([]);
    fake.statusRefusal = undefined;
  });

  // Last: a refusal is remembered for the workspace.
  it('a workspace that refuses the stream methods gets the placeholder and chat.update instead, chosen from Slack’s error and then remembered', async () => {
    fake.streamRefusal = 'not_allowed_token_type';
    const first = newThread();
    await drivers.http.sendCommand('/summarize', `${LONG} ${first.link}`, { channel: CHANNEL, user: 'U0MAYA' });
    const { message, all } = await answerIn(first.ts);
    expect(all).toHaveLength(1);
    expect(fake.calls.filter((c) => c.method === 'chat.startStream' && c.args['thread_ts'] === first.ts).map((c) => c.answer?.['error'])).toEqual(['not_allowed_token_type']);
    // The streamed text went into a placeholder, edited until the answer replaced it.
    const edits = fake.callsTo('chat.update').filter((c) => c.args['ts'] === message.ts);
    expect(edits.some((e) => String(e.args['text']).endsWith(':writing_hand:'))).toBe(true);
    expect(isPlaceholderText(String(edits.at(-1)!.args['text']))).toBe(false);
    expect(feedbackValues(message)[0]).toMatch(/^up:/);

    // The next request in that workspace does not try again: a placeholder from the start, no status.
    const second = newThread();
    await drivers.socket.sendCommand('/summarize', `${LONG} ${second.link}`, { channel: CHANNEL, user: 'U0OMAR' });
    expect((await answerIn(second.ts)).all).toHaveLength(1);
    expect(fake.calls.filter((c) => c.method === 'chat.startStream' && c.args['thread_ts'] === second.ts)).toEqual([]);
    expect(fake.statuses.get(`${CHANNEL}/${second.ts}`)).toBeUndefined();
    const placeholder = fake.callsTo('chat.postMessage').find((c) => c.args['thread_ts'] === second.ts)!;
    expect(String(placeholder.args['text'])).toMatch(/^:hourglass_flowing_sand: Summarizing 3 messages…/);
  });

  it("nothing the bot sends can ping: the thread's mentions and the model's text arrive escaped in streams, blocks and statuses", () => {
    const sent = fake.calls.filter((c) => c.method.startsWith('chat.') || c.method.startsWith('assistant.'));
    expect(sent.filter((c) => c.method === 'chat.appendStream').length).toBeGreaterThan(5);
    for (const c of sent) expect(JSON.stringify(c.args)).not.toMatch(/<[!@#]/);
  });
});
