import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { FAKE_BOT, FAKE_TEAM, FakeSlack, isPlaceholderText, type FakeSlackMessage, type SlackApiCall } from '../helpers/fake-slack.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { postSlashCommand, waitFor } from '../helpers/slack-request.js';

const SIGNING_SECRET = 'test-signing-secret';
const CHANNEL = 'C0STREAM';
const THREAD_TS = '1790000000.000100';
/** Long enough for the tiny model to take several progress intervals. */
const LONG = 'max_new_tokens=500';

const THREAD: FakeSlackMessage[] = [
  { ts: THREAD_TS, user: 'U0MAYA', text: 'Release plan: <!channel> please read. Friday ship, <@U0OMAR> owns QA. <!here>' },
  { ts: '1790000001.000200', user: 'U0OMAR', text: 'Login fix lands Wednesday <!subteam^S123>.', thread_ts: THREAD_TS },
  { ts: '1790000002.000300', user: 'U0LENA', text: 'I will write the notes.', thread_ts: THREAD_TS },
];

const link = `https://parley-test.slack.invalid/archives/${CHANNEL}/p${THREAD_TS.replace('.', '')}`;

describe('Slack streaming: placeholder, streamed edits, final edit', () => {
  const fake = new FakeSlack();
  const prefix = uniquePrefix('stream');
  let bot: AppProcess;
  let worker: AppProcess;
  let url: string;

  beforeAll(async () => {
    const modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    await fake.start();
    fake.threads.set(`${CHANNEL}/${THREAD_TS}`, THREAD);
    for (const [id, name] of [['U0MAYA', 'Maya'], ['U0OMAR', 'Omar'], ['U0LENA', 'Lena']] as const) fake.users.set(id, name);
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    // One job at a time, so a burst of requests has some waiting in the queue.
    worker = new AppProcess('worker', { ...common, MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1', PROGRESS_INTERVAL_MS: '25', WORKER_CONCURRENCY: '1' });
    bot = new AppProcess('bot', {
      ...common,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: FAKE_BOT.token,
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      RATE_LIMIT_USER_PER_MINUTE: '100',
      // One edit per 20 ms, so that a short test sees several; production keeps Slack's ~50 a minute.
      SLACK_UPDATES_PER_MINUTE: '3000',
    });
    url = `http://127.0.0.1:${String((await bot.waitForLog('slack adapter listening'))['port'])}/slack/events`;
    await worker.waitForLog('worker ready');
  });

  afterAll(async () => {
    await Promise.all([bot?.stop(), worker?.stop()]);
    await fake.stop();
    await dropPrefix(prefix);
  });

  const command = (text: string, user = 'U0MAYA') =>
    postSlashCommand(
      url,
      {
        command: '/summarize',
        text,
        team_id: FAKE_TEAM.id,
        channel_id: CHANNEL,
        user_id: user,
        trigger_id: randomUUID(),
        response_url: fake.responseUrl(randomUUID()),
      },
      SIGNING_SECRET,
    );

  /** The placeholders posted after call index `from`, and every edit of each, in order. */
  const placeholders = (from: number) =>
    fake.calls
      .slice(from)
      .filter((c) => c.method === 'chat.postMessage' && c.status === 200 && isPlaceholderText(String(c.args['text'])))
      .map((post) => {
        const ts = String(post.answer?.['ts']);
        return { post, ts, edits: () => fake.calls.filter((c): c is SlackApiCall => c.method === 'chat.update' && c.status === 200 && c.args['ts'] === ts) };
      });

  it('posts a placeholder saying what it works on, streams the text into it, and freezes the answer with a final edit', async () => {
    const from = fake.calls.length;
    const started = performance.now();
    const ack = await command(`${LONG} ${link}`);
    expect(ack.elapsedMs).toBeLessThan(3000);
    const [placeholder] = await waitFor(() => (placeholders(from).length ? placeholders(from) : undefined), 10_000, 'the placeholder');
    expect(placeholder!.post.args).toMatchObject({ channel: CHANNEL, thread_ts: THREAD_TS, text: ':hourglass_flowing_sand: Summarizing 3 messages…' });
    const final = await waitFor(() => placeholder!.edits().find((e) => !isPlaceholderText(String(e.args['text']))), 60_000, 'the final edit');
    const finishedMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 500));

    const edits = placeholder!.edits();
    const streamed = edits.filter((e) => String(e.args['text']).endsWith(':writing_hand:'));
    expect(streamed.length).toBeGreaterThanOrEqual(2);
    // Each streamed edit shows more of the same text; the answer starts with what was streamed.
    const content = streamed.map((e) => String(e.args['text']).replace(/ :writing_hand:$/, '').replace(/…$/, '').trimEnd());
    for (let i = 1; i < content.length; i++) expect(content[i]!.slice(0, content[i - 1]!.length)).toBe(content[i - 1]);
    expect(String(final.args['text']).startsWith(content[0]!)).toBe(true);
    // The final edit is the last: nothing streamed overwrote it.
    expect(edits.at(-1)).toBe(final);
    expect(String(final.args['text'])).toMatch(/_summarize · 3 messages · .* max 500 tokens_$/);
    expect(final.args['blocks']).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'section' }), expect.objectContaining({ type: 'context' })]));
    expect(final.args['metadata']).toMatchObject({ event_type: 'parley_reply' });
    const firstStreamMs = streamed[0]!.at - placeholder!.post.at;
    console.info(`[streaming] ${streamed.length} streamed edits; first ${firstStreamMs} ms after the placeholder; answer frozen ${finishedMs.toFixed(0)} ms after the command`);
  });

  it('a request waiting behind others shows its place in the queue, then its answer', async () => {
    const from = fake.calls.length;
    await Promise.all([command(`${LONG} ${link}`, 'U0MAYA'), command(`${LONG} ${link}`, 'U0OMAR'), command(`${LONG} ${link}`, 'U0LENA')]);
    const all = await waitFor(() => (placeholders(from).length === 3 ? placeholders(from) : undefined), 10_000, 'three placeholders');
    const queued = await waitFor(
      () => all.flatMap((p) => p.edits()).find((e) => /you're #[23] in the queue\)$/.test(String(e.args['text']))),
      10_000,
      'a queue position',
    );
    expect(String(queued.args['text'])).toMatch(/^:hourglass_flowing_sand: Summarizing 3 messages… \(you're #[23] in the queue\)$/);
    for (const p of all) await waitFor(() => p.edits().find((e) => !isPlaceholderText(String(e.args['text']))), 60_000, 'every answer');
  });

  it("no message the bot sends can ping: mentions in the thread and the model's text arrive escaped", () => {
    const sent = fake.calls.filter((c) => c.method.startsWith('chat.') && c.method !== 'chat.getPermalink');
    expect(sent.length).toBeGreaterThan(5);
    for (const c of sent) {
      const everything = `${String(c.args['text'])} ${JSON.stringify(c.args['blocks'] ?? [])}`;
      expect(everything).not.toMatch(/<[!@#]/);
    }
  });
});
