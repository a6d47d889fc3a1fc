import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Redis } from 'ioredis';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../apps/bot/src/core/feedback.js';
import { AppProcess } from '../helpers/app-process.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { EventStream, postJson, queuedJob, type PlaygroundMessage } from '../helpers/playground.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';

/** A word of the sample thread that no log line may carry. */
const SAMPLE_WORD = 'billing_backfill_enabled';

describe('playground over HTTP: a command in, the streamed reply out of the event stream', () => {
  const prefix = uniquePrefix('playground');
  let bot: AppProcess;
  let worker: AppProcess;
  let base: string;
  let events: EventStream;
  const api = (path: string) => `${base}api/c/general/${path}`;

  beforeAll(async () => {
    const modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1', PROGRESS_INTERVAL_MS: '25' });
    // No Slack or Discord variables: the bot serves the playground.
    bot = new AppProcess('bot', { ...common, PLAYGROUND_PORT: '0', PLAYGROUND_RANDOM_TEST_MODEL: 'true', RATE_LIMIT_USER_PER_MINUTE: '100' });
    base = String((await bot.waitForLog('playground ready')).url);
    await worker.waitForLog('worker ready');
    events = await EventStream.open(api('events'));
  });

  afterAll(async () => {
    events?.close();
    await Promise.all([bot?.stop(), worker?.stop()]);
    await dropPrefix(prefix);
  });

  const post = async (text: string, threadId?: string) => {
    const res = await postJson(api('messages'), threadId ? { text, threadId } : { text });
    expect(res.status).toBe(200);
    return res.body as { message: PlaygroundMessage; reply?: PlaygroundMessage; requestId?: string };
  };
  const finalOf = (requestId: string) => events.waitFor((m) => m.requestId === requestId && (m.state === 'done' || m.state === 'failed'), 60_000, `the final reply to ${requestId}`);

  it('serves the page with its channels, the test-model notice and the settings panel, escaping what users typed', async () => {
    await post('<img src=x onerror="alert(1)"> & "quotes"');
    const html = await (await fetch(`${base}c/general`)).text();
    expect(html).toContain('random test model');
    expect(html).toContain('href="/c/random"');
    for (const key of ['temperature', 'topK', 'topP', 'maxNewTokens', 'shots']) expect(html).toContain(`name="${key}"`);
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toContain('<img src=x');
    expect((await fetch(`${base}static/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('answers only loopback host names, so a rebound DNS name cannot drive it from a browser', async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${base}c/general`, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    const port = new URL(base).port;
    expect(await status(`evil.example:${port}`)).toBe(421);
    const vote = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}api/feedback`, { method: 'POST', headers: { host: `evil.example:${port}`, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ requestId: 'summarize:playground:general:m0000', vote: 'up' }));
    });
    expect(vote).toBe(421);
    expect(await status(`localhost:${port}`)).toBe(200);
  });

  it('loads the sample thread, then /summarize streams into a placeholder and ends with the footer', async () => {
    const loaded = await postJson(api('sample'), {});
    expect(loaded.body['loaded']).toBeGreaterThanOrEqual(40);
    const from = events.events.length;
    const { reply, requestId } = await post('/summarize max_new_tokens=300');
    expect(reply).toMatchObject({ isBot: true, state: 'waiting', requestId });
    expect(reply!.text).toMatch(/^⏳ Summarizing \d+ messages…/);
    const final = await finalOf(requestId!);
    expect(final.state, final.text).toBe('done');
    expect(final.id).toBe(reply!.id);
    expect(final.footer).toMatch(/^summarize · \d+ messages · .*\(random test model, output is noise\) · greedy, max 300 tokens$/);
    const streamed = events.events.slice(from).filter((m) => m.requestId === requestId && m.state === 'streaming');
    expect(streamed.length).toBeGreaterThanOrEqual(1);
    // Nothing streamed after the final reply.
    expect(events.events.slice(from).filter((m) => m.requestId === requestId).at(-1)).toEqual(final);
    const job = await queuedJob(prefix, requestId!);
    expect(job).toMatchObject({ task: 'summarize', target: { platform: 'playground', channelId: 'general' }, generation: { maxNewTokens: 300 } });
    expect(job.generation).not.toHaveProperty('temperature');
    expect(job.messages.length).toBeGreaterThanOrEqual(40);
    // The command itself and earlier bot replies are not part of what the model reads.
    expect(job.messages.some((m) => m.text.startsWith('/summarize') || m.isBot)).toBe(false);
  });

  it('an answer carries its request id and 👍/👎; a vote counts once per answer, a bad one gets 400, an unknown answer is too old', async () => {
    const { requestId } = await post('/translate French see you at the standup');
    const final = await finalOf(requestId!);
    expect(final).toMatchObject({ state: 'done', requestId, votable: true });
    // The page as served marks the same answers votable, with the buttons' accessible names.
    const { messages } = (await (await fetch(api('messages'))).json()) as { messages: PlaygroundMessage[] };
    const html = await (await fetch(`${base}c/general`)).text();
    const votable = messages.filter((m) => m.votable);
    expect(votable.map((m) => m.requestId)).toContain(requestId);
    expect(html.split('aria-label="This answer was useful"')).toHaveLength(votable.length + 1);
    expect(html.split('aria-label="This answer was not useful"')).toHaveLength(votable.length + 1);
    expect(messages.filter((m) => m.votable && (m.state !== 'done' || !m.requestId))).toEqual([]);

    const redis = new Redis(REDIS_URL);
    try {
      const feedback = new FeedbackStore(redis, prefix);
      const translateTally = async () => (await feedback.tallies({ platform: 'playground', workspace: 'playground' })).filter((t) => t.task === 'translate');
      const vote = (body: unknown) => postJson(`${base}api/feedback`, body);

      expect(await vote({ requestId, vote: 'up' })).toEqual({ status: 200, body: { result: 'recorded', confirmation: 'Thanks: your 👍 on this answer is counted.' } });
      expect(await vote({ requestId, vote: 'up' })).toEqual({ status: 200, body: { result: 'unchanged', confirmation: 'You already gave this answer 👍; it is counted once.' } });
      expect(await translateTally()).toEqual([expect.objectContaining({ platform: 'playground', workspace: 'playground', channel: 'general', task: 'translate', up: 1, down: 0 })]);
      expect(await feedback.voteOf(requestId!, 'you')).toBe('up');

      // A double click on 👎: both requests at once, one changed vote.
      const both = await Promise.all([vote({ requestId, vote: 'down' }), vote({ requestId, vote: 'down' })]);
      expect(both.map((r) => r.body['result']).sort()).toEqual(['changed', 'unchanged']);
      expect(await translateTally()).toEqual([expect.objectContaining({ up: 0, down: 1 })]);

      for (const bad of [{ requestId, vote: 'sideways' }, { vote: 'up' }, { requestId: '', vote: 'up' }, { requestId: 'x'.repeat(201), vote: 'down' }]) {
        expect(await vote(bad)).toEqual({ status: 400, body: { error: 'expected {requestId, vote: "up" or "down"}' } });
      }
      const notJson = await fetch(`${base}api/feedback`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ requestId, vote: 'up' }) });
      expect(notJson.status).toBe(415);
      const broken = await fetch(`${base}api/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"requestId":' });
      expect([broken.status, await broken.json()]).toEqual([400, { error: 'invalid JSON' }]);
      expect(await translateTally()).toEqual([expect.objectContaining({ up: 0, down: 1 })]);

      expect(await vote({ requestId: 'summarize:playground:general:m0000', vote: 'up' })).toEqual({ status: 200, body: { result: 'unknown-answer', confirmation: 'This answer is too old to vote on.' } });
    } finally {
      redis.disconnect();
    }
    await expect.poll(() => bot.logs.filter((l) => l.msg === 'feedback vote' && l['requestId'] === requestId).length).toBe(4);
  });

  it('settings saved for the channel reach the next job, and an @mention in a thread answers in that thread', async () => {
    const saved = await postJson(api('settings'), { changes: { doSample: true, temperature: 1.5 } }, 'PUT');
    expect(saved.body['summary']).toBe('sampling, temperature 1.5, max 128 tokens');
    const messages = (await (await fetch(api('messages'))).json()) as { messages: PlaygroundMessage[] };
    const thread = messages.messages.find((m) => !m.threadId && m.text.startsWith('Release 3.2 planning thread'))!;
    const { reply, requestId } = await post('@Parley summarize', thread.id);
    expect(reply!.threadId).toBe(thread.id);
    const final = await finalOf(requestId!);
    expect(final.footer).toContain('sampling, temperature 1.5, max 128 tokens');
    const job = await queuedJob(prefix, requestId!);
    expect(job.generation).toEqual({ doSample: true, temperature: 1.5, maxNewTokens: 128 });
    expect(job.target).toEqual({ platform: 'playground', channelId: 'general', threadId: thread.id, userId: 'you' });
    expect(job.messages.length).toBe(45);

    const bad = await postJson(api('settings'), { changes: { temperature: 0 } }, 'PUT');
    expect(bad.status).toBe(400);
    expect(String(bad.body['error'])).toMatch(/temperature must be a number above 0/);
  });

  it('answers /genconfig, /ask, /translate with text, and usage problems, in the channel', async () => {
    const show = await post('/genconfig');
    expect(show.reply).toMatchObject({ state: 'done' });
    expect(show.reply!.text).toContain('Settings here: sampling, temperature 1.5');
    const set = await post('/genconfig set temperature=0.4');
    expect(set.reply!.text).toContain('temperature 0.4');

    const ask = await post('/ask who owns the backfill?');
    const askJob = await queuedJob(prefix, ask.requestId!);
    expect(askJob).toMatchObject({ task: 'ask', question: 'who owns the backfill?', generation: { temperature: 0.4, doSample: true } });
    expect((await finalOf(ask.requestId!)).footer).toMatch(/^ask · /);

    const translate = await post('/translate German Good morning, everyone');
    expect(await queuedJob(prefix, translate.requestId!)).toMatchObject({ task: 'translate', language: 'German', messages: [{ text: 'Good morning, everyone' }] });
    await finalOf(translate.requestId!);

    const unknown = await post('/summarize banana');
    expect(unknown.reply).toMatchObject({ state: 'failed' });
    expect(unknown.reply!.text).toMatch(/I don't understand `banana`/);
    expect(unknown.requestId).toBeUndefined();
    expect(unknown.reply).not.toHaveProperty('votable');
    expect(show.reply).not.toHaveProperty('votable');
  });

  it('a question in a thread Parley answered is a follow-up: the thread and its answers are the turns of a chat; a summary stays a summary', async () => {
    const root = (await post('Lighthouse tour planning: we meet at the pier.')).message;
    // Parley has not answered in this thread yet: a plain line is only a message.
    const plain = await post('The ferry leaves at nine.', root.id);
    expect(plain.reply).toBeUndefined();
    expect(plain.requestId).toBeUndefined();
    const turns = (job: { messages: { author: string; text: string; isBot: boolean }[] }) => job.messages.map(({ author, text, isBot }) => ({ author, text, isBot }));
    const you = (text: string) => ({ author: 'You', text, isBot: false });
    const parley = (text: string) => ({ author: 'Parley', text, isBot: false });
    const before = [you(root.text), you('The ferry leaves at nine.')];

    const q1 = await post('@Parley when does the lighthouse open?', root.id);
    expect(q1.reply).toMatchObject({ threadId: root.id, state: 'waiting' });
    const job1 = await queuedJob(prefix, q1.requestId!);
    expect(job1).toMatchObject({ task: 'ask', question: 'when does the lighthouse open?' });
    expect(job1).not.toHaveProperty('chat');
    expect(turns(job1)).toEqual(before);
    const a1 = await finalOf(q1.requestId!);
    expect(a1).toMatchObject({ state: 'done', votable: true, threadId: root.id });
    expect(a1.footer).toMatch(/^ask · /);

    // No mention: in a thread Parley answered, a plain question is for Parley.
    const q2 = await post('and who brings the tickets?', root.id);
    expect(q2.reply).toMatchObject({ threadId: root.id, state: 'waiting' });
    const job2 = await queuedJob(prefix, q2.requestId!);
    expect(job2).toMatchObject({ task: 'ask', question: 'and who brings the tickets?', chat: true, target: { threadId: root.id } });
    expect(turns(job2)).toEqual([...before, you('when does the lighthouse open?'), parley(a1.text)]);
    const a2 = await finalOf(q2.requestId!);
    expect(a2.state, a2.text).toBe('done');
    expect(a2.footer).toMatch(/^chat · (4 earlier turns|last \d+ of 4 turns) · /);

    const q3 = await post('@Parley what time should we leave?', root.id);
    const job3 = await queuedJob(prefix, q3.requestId!);
    expect(job3).toMatchObject({ task: 'ask', question: 'what time should we leave?', chat: true });
    expect(turns(job3)).toEqual([...before, you('when does the lighthouse open?'), parley(a1.text), you('and who brings the tickets?'), parley(a2.text)]);
    const a3 = await finalOf(q3.requestId!);
    expect(a3).toMatchObject({ state: 'done', threadId: root.id });
    expect(a3.footer).toMatch(/^chat · /);

    // A summary of the same thread reads its messages, not Parley's answers nor the requests.
    const summary = await post('@Parley summarize', root.id);
    const summaryJob = await queuedJob(prefix, summary.requestId!);
    expect(summaryJob).toMatchObject({ task: 'summarize' });
    expect(summaryJob).not.toHaveProperty('chat');
    expect(turns(summaryJob)).toEqual([...before, you('and who brings the tickets?')]);
    expect((await finalOf(summary.requestId!)).footer).toMatch(/^summarize · 3 messages · /);
  });

  it('a page open on another bot instance sees the reply too (events go through Redis pub/sub)', async () => {
    const other = new AppProcess('bot', { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info', PLAYGROUND_PORT: '0', RATE_LIMIT_USER_PER_MINUTE: '100' });
    try {
      const otherBase = String((await other.waitForLog('playground ready')).url);
      const otherEvents = await EventStream.open(`${otherBase}api/c/general/events`);
      try {
        const { requestId } = await post('/summarize');
        const final = await otherEvents.waitFor((m) => m.requestId === requestId && (m.state === 'done' || m.state === 'failed'), 30_000, 'the reply on the other bot');
        expect(final.state, final.text).toBe('done');
        expect(final.footer).toMatch(/^summarize · \d+ messages · /);
        // Both bots may deliver replies, but each reply is delivered once: one final event on each page.
        await new Promise((r) => setTimeout(r, 300));
        expect(events.events.filter((m) => m.requestId === requestId && m.state === 'done')).toHaveLength(1);
      } finally {
        otherEvents.close();
      }
    } finally {
      await other.stop();
    }
  });

  it('never logs message text', () => {
    const everything = JSON.stringify([...bot.logs, ...worker.logs]) + bot.stderr + worker.stderr;
    expect(bot.logs.some((l) => l.msg === 'summarize queued')).toBe(true);
    expect(everything).not.toContain(SAMPLE_WORD);
    expect(everything).not.toContain('Good morning, everyone');
    expect(everything).not.toContain('who owns the backfill');
    expect(everything).not.toContain('see you at the standup');
    expect(everything).not.toContain('who brings the tickets');
    expect(everything).not.toContain('what time should we leave');
  });
});
