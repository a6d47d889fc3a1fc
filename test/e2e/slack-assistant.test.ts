import { INFERENCE_QUEUE, PARLEY_AUTHOR, requestJobId, type RequestJob } from '@parley/jobs';
import { renderChatTurn } from '@parley/prompts';
import { ensureTinySeq2Seq, ensureTinyTokenClassifier } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { channelActionOf } from '../../apps/bot/src/slack/assistant/suggested-prompts.js';
import { threadTitle } from '../../apps/bot/src/slack/assistant/thread-title.js';
import { answerText } from '../../apps/bot/src/slack/reading/read-chat.js';
import { AppProcess, type LogLine } from '../helpers/app-process.js';
import { FAKE_BOT, FAKE_TEAM, FakeSlack } from '../helpers/fake-slack.js';
import { FakeSlackSocket } from '../helpers/fake-slack-socket.js';
import { answersIn as finishedAnswersIn, laterTs, nthAnswer as nthAnswerIn, parleyIn as parleyMessagesIn, seen } from '../helpers/slack-answers.js';
import { startSlackBots } from '../helpers/slack-bot.js';
import { MODEL_CACHE, REPO_ROOT } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import type { AssistantThread, SlackDriver, Transport } from '../helpers/slack-driver.js';
import { waitFor } from '../helpers/slack-request.js';

/** In every user message; must never appear in any log line of the bots or the worker. */
const CANARY = 'CANARY-5d18e0';
const REPLY_MS = 30_000;
const PROMPT_TITLES = ['Summarize this channel', 'Translate the last message', 'Who is mentioned here?'];

const NOW = Math.floor(Date.now() / 1000);
/** Per transport: the DM with Parley, and the channel the user has open next to the assistant. */
const dmOf = (t: Transport) => `D0CHAT${t.toUpperCase()}`;
const viewedOf = (t: Transport) => `C0VIEW${t.toUpperCase()}`;

/**
 * The Assistant surface and DMs with Parley, over both transports, through the real queue to one
 * worker process running the tiny model: suggested prompts, a multi-turn chat whose later turns
 * carry the earlier ones, a title per thread, and a suggested prompt run on the viewed channel.
 */
describe('Slack assistant and DMs: a multi-turn chat over HTTP and Socket Mode', () => {
  const fake = new FakeSlack();
  const socket = new FakeSlackSocket(fake);
  const prefix = uniquePrefix('assistant');
  let bots: Record<Transport, AppProcess>;
  let drivers: Record<Transport, SlackDriver>;
  let worker: AppProcess;
  let inference: Queue;
  const newTs = laterTs(fake, NOW - 600);
  const eventId = () => `Ev${randomUUID().slice(0, 10)}`;

  beforeAll(async () => {
    const registry = join(await mkdtemp(join(tmpdir(), 'parley-registry-')), 'models.json');
    const [t5, ner] = await Promise.all([ensureTinySeq2Seq({ cacheDir: MODEL_CACHE }), ensureTinyTokenClassifier({ cacheDir: MODEL_CACHE, variant: 'bert' })]);
    await writeFile(registry, JSON.stringify({ models: { t5: { path: t5 }, ner: { path: ner } }, tasks: { summarize: 't5', ask: 't5', entities: 'ner', translate: { '*': 't5' } } }));
    await fake.start();
    await socket.start();
    for (const [id, name] of Object.entries({ U0MAYA: 'Maya', U0OMAR: 'Omar', U0LENA: 'Lena' })) fake.users.set(id, name);
    for (const t of ['http', 'socket'] as const) {
      fake.topLevel.set(viewedOf(t), [
        { ts: `${NOW - 3000}.000100`, user: 'U0OMAR', text: 'The login fix lands on Wednesday.' },
        { ts: `${NOW - 2000}.000100`, user: 'U0LENA', text: 'Angela Merkel meets Siemens in Berlin on Friday.' },
      ]);
    }
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_REGISTRY: registry, ORT_INTRA_OP_THREADS: '1' });
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

  const jobOf = (requestId: string) =>
    waitFor(async () => ((await inference.getJob(requestId))?.data as RequestJob | undefined) ?? undefined, 10_000, `the job ${requestId}`);
  const chatRequestId = (channel: string, ts: string) => requestJobId('chat', FAKE_TEAM.id, channel, ts);

  const parleyIn = (channel: string, threadTs: string | undefined) => parleyMessagesIn(fake, channel, threadTs);
  const answersIn = (channel: string, threadTs: string | undefined) => finishedAnswersIn(fake, channel, threadTs);
  const nthAnswer = (channel: string, threadTs: string | undefined, n: number) => nthAnswerIn(fake, channel, threadTs, n, REPLY_MS);

  async function jobsTo(channel: string, threadTs: string | undefined): Promise<RequestJob[]> {
    const jobs = await inference.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
    return jobs.map((j) => j.data as RequestJob).filter((d) => d.target.platform === 'slack' && d.target.channelId === channel && d.target.threadTs === threadTs);
  }

  const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

  describe.each(['http', 'socket'] as const)('over %s', (transport) => {
    const driver = () => drivers[transport];
    const bot = () => bots[transport];
    const dm = dmOf(transport);
    const viewed = viewedOf(transport);
    const newThread = (): AssistantThread => ({ channel: dm, threadTs: newTs() });
    const key = (t: AssistantThread) => `${t.channel}/${t.threadTs}`;
    const say = (t: AssistantThread, text: string, extra: Record<string, unknown> = {}) => {
      const ts = newTs();
      return driver()
        .sendDirectMessage({ channel: t.channel, threadTs: t.threadTs, ts, text }, eventId(), extra)
        .then((ack) => {
          expect(ack.status).toBe(200);
          return ts;
        });
    };

    it('a new thread gets the three suggested prompts; once the user opens a channel, prompts that name it', async () => {
      const thread = newThread();
      await driver().startAssistantThread(thread, eventId());
      const first = await waitFor(() => fake.suggestedPrompts.get(key(thread)), 5000, 'the suggested prompts');
      expect(first.prompts.map((p) => p.title)).toEqual(PROMPT_TITLES);
      expect(first.prompts.map((p) => p.message)).toEqual(PROMPT_TITLES);

      await driver().changeAssistantContext(thread, eventId(), viewed);
      const tied = await waitFor(() => (fake.suggestedPrompts.get(key(thread))?.prompts[0]?.message.includes(viewed) ? fake.suggestedPrompts.get(key(thread)) : undefined), 5000, 'prompts naming the channel');
      expect(tied.prompts).toEqual([
        { title: 'Summarize this channel', message: `Summarize <#${viewed}>` },
        { title: 'Translate the last message', message: `Translate the last message in <#${viewed}>` },
        { title: 'Who is mentioned here?', message: `Who is mentioned in <#${viewed}>?` },
      ]);
    });

    it('a thread opened beside a channel gets prompts naming it right away', async () => {
      const thread = newThread();
      await driver().startAssistantThread(thread, eventId(), viewed);
      const prompts = await waitFor(() => fake.suggestedPrompts.get(key(thread)), 5000, 'the suggested prompts');
      expect(prompts.prompts.map((p) => p.message)).toEqual([`Summarize <#${viewed}>`, `Translate the last message in <#${viewed}>`, `Who is mentioned in <#${viewed}>?`]);
    });

    it('three turns: the third request carries the first two questions and Parley\'s two answers, in order, as a chat; the title is set once, from the first', async () => {
      const thread = newThread();
      await driver().startAssistantThread(thread, eventId(), viewed);
      const questions = [`<@U0OMAR> what should we name the release? <!here> ${CANARY}`, `Why that name? ${CANARY}`, `And who announces it? ${CANARY}`];
      const asked: string[] = [];
      for (const [i, q] of questions.entries()) {
        asked.push(await say(thread, q));
        const answer = await nthAnswer(dm, thread.threadTs, i + 1);
        // The footer counts the chat's earlier turns, not messages of a thread.
        expect(seen(answer)).toContain(['_chat · no earlier turns · ', '_chat · 2 earlier turns · ', '_chat · 4 earlier turns · '][i]);
      }
      const jobs = await Promise.all(asked.map((ts) => jobOf(chatRequestId(dm, ts))));
      for (const [i, job] of jobs.entries()) {
        expect(job).toMatchObject({ task: 'ask', chat: true, question: questions[i], target: { platform: 'slack', channelId: dm, threadTs: thread.threadTs, userId: 'U0MAYA' } });
      }

      // The first turn has nothing before it: the question itself is what is read.
      expect(jobs[0]!.messages).toEqual([{ id: asked[0], author: 'Maya', text: questions[0], isBot: false }]);
      const answers = answersIn(dm, thread.threadTs);
      const third = jobs[2]!.messages;
      expect(third.map((m) => [m.author, m.isBot])).toEqual([
        ['Maya', false],
        ['Parley', false],
        ['Maya', false],
        ['Parley', false],
      ]);
      expect(third.map((m) => m.id)).toEqual([asked[0], expect.any(String), asked[1], expect.any(String)]);
      expect([third[0]!.text, third[2]!.text]).toEqual([questions[0], questions[1]]);
      for (const [turn, answer] of [third[1]!, third[3]!].entries()) {
        // Parley's answer as the user read it, without its footer.
        expect(answer.text).not.toBe('');
        expect(unescape(seen(answers[turn]!))).toContain(answer.text);
        expect(answer.text).not.toContain('chat · ');
      }
      // The second turn carried the first question and answer only; the third question is not in its own context.
      expect(jobs[1]!.messages.map((m) => m.text)).toEqual([third[0]!.text, third[1]!.text]);
      expect(third.map((m) => m.text)).not.toContain(questions[2]);

      // The chat prompt the worker builds for the third turn holds the earlier turns in order, each on its side, then the question.
      const prompt = renderChatTurn({ turns: third, question: questions[2]!, assistant: PARLEY_AUTHOR }, { family: 't5' }).text;
      const fold = (t: string) => t.replace(/\s+/g, ' ').trim();
      const at = [...third.map((m, i) => prompt.indexOf(`${i % 2 === 0 ? 'User' : 'Parley'}: ${fold(m.text)}`)), prompt.lastIndexOf(`User: ${questions[2]}`)];
      expect(at.every((i) => i >= 0)).toBe(true);
      expect(at).toEqual([...at].sort((a, b) => a - b));

      expect(fake.callsTo('assistant.threads.setTitle').filter((c) => c.args['thread_ts'] === thread.threadTs)).toHaveLength(1);
      expect(fake.titles.get(key(thread))).toBe('what should we name the release? CANARY-5d18e0');
    });

    it('a redelivered turn (a new event id for the same message) queues nothing new and is not answered twice', async () => {
      const thread = newThread();
      await driver().startAssistantThread(thread, eventId(), viewed);
      const ts = newTs();
      const message = { channel: dm, threadTs: thread.threadTs, ts, text: `What is due this week? ${CANARY}` };
      await driver().sendDirectMessage(message, eventId());
      await nthAnswer(dm, thread.threadTs, 1);
      const queued = (l: LogLine) => l.msg === 'ask queued' && l['requestId'] === chatRequestId(dm, ts);
      const before = bot().logs.filter(queued).length;
      // Sent again as Slack would after a lost ack, but under another event id, so only the request id can stop it.
      await driver().sendEvent({ type: 'message', channel: dm, channel_type: 'im', user: 'U0MAYA', text: message.text, ts, thread_ts: thread.threadTs, event_ts: ts }, eventId());
      await waitFor(() => (bot().logs.filter(queued).length > before ? true : undefined), 10_000, 'the second delivery to reach the queue');
      await new Promise((r) => setTimeout(r, 1000));
      expect(await jobsTo(dm, thread.threadTs)).toHaveLength(1);
      expect(parleyIn(dm, thread.threadTs)).toHaveLength(1);
    });

    it('the "Summarize this channel" prompt summarizes the channel the user has open, answered in the assistant thread', async () => {
      const thread = newThread();
      await driver().startAssistantThread(thread, eventId());
      await driver().changeAssistantContext(thread, eventId(), viewed);
      await waitFor(() => (fake.suggestedPrompts.get(key(thread))?.prompts[0]?.message.includes(viewed) ? true : undefined), 5000, 'prompts naming the channel');
      const prompt = fake.suggestedPrompts.get(key(thread))!.prompts[0]!;
      const ts = await say(thread, prompt.message);
      const job = await jobOf(chatRequestId(dm, ts));
      expect(job).toMatchObject({ task: 'summarize', target: { channelId: dm, threadTs: thread.threadTs } });
      expect(job.messages.map((m) => m.text)).toEqual(fake.topLevel.get(viewed)!.map((m) => m.text));
      const answer = await nthAnswer(dm, thread.threadTs, 1);
      expect(seen(answer)).toContain('summarize · 2 messages');
      expect(fake.callsTo('conversations.history').some((c) => c.args['channel'] === viewed)).toBe(true);
    });

    it('"Translate the last message" and "Who is mentioned here?" typed by hand work on the open channel too', async () => {
      const thread = newThread();
      await driver().startAssistantThread(thread, eventId(), viewed);
      const translate = await jobOf(chatRequestId(dm, await say(thread, 'Translate the last message')));
      expect(translate).toMatchObject({ task: 'translate', language: 'English', messages: [{ text: 'Angela Merkel meets Siemens in Berlin on Friday.' }] });
      const entities = await jobOf(chatRequestId(dm, await say(thread, 'Who is mentioned here?')));
      expect(entities).toMatchObject({ task: 'entities', target: { channelId: dm, threadTs: thread.threadTs } });
      expect(entities.messages).toHaveLength(2);
    });

    it('a prompt with no channel open is answered with one sentence saying to open one; nothing is queued', async () => {
      const thread = newThread();
      await driver().startAssistantThread(thread, eventId());
      await say(thread, 'Summarize this channel');
      const said = await waitFor(() => parleyIn(dm, thread.threadTs)[0], REPLY_MS, 'the reply');
      expect(said.text).toBe(':information_source: Open a channel next to me first, then ask again.');
      expect(await jobsTo(dm, thread.threadTs)).toEqual([]);
    });

    it('bots (Parley too), edits, deletions and empty messages ask nothing; the next real message is the only request', async () => {
      const thread = newThread();
      await driver().startAssistantThread(thread, eventId(), viewed);
      await say(thread, `I am another bot ${CANARY}`, { user: 'U0OTHERBOT', bot_id: 'B0OTHER' });
      // Slack echoes Parley's own posts back as message events.
      const own = newTs();
      await driver().sendEvent({ type: 'message', channel: dm, channel_type: 'im', user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, text: `I am Parley ${CANARY}`, ts: own, thread_ts: thread.threadTs, event_ts: own }, eventId());
      await say(thread, '   ');
      const edited = newTs();
      await driver().sendEvent(
        { type: 'message', subtype: 'message_changed', channel: dm, channel_type: 'im', ts: edited, event_ts: edited, message: { ts: newTs(), user: 'U0MAYA', text: `edited ${CANARY}`, thread_ts: thread.threadTs }, hidden: true },
        eventId(),
      );
      await driver().sendEvent({ type: 'message', subtype: 'message_deleted', channel: dm, channel_type: 'im', ts: newTs(), event_ts: newTs(), deleted_ts: edited, hidden: true }, eventId());
      const real = await say(thread, `Is the release on track? ${CANARY}`);
      await nthAnswer(dm, thread.threadTs, 1);
      expect((await jobsTo(dm, thread.threadTs)).map((j) => j.requestId)).toEqual([chatRequestId(dm, real)]);
      // The other bot's message is not a turn either.
      expect((await jobOf(chatRequestId(dm, real))).messages.map((m) => m.text)).toEqual([`Is the release on track? ${CANARY}`]);
      expect(parleyIn(dm, thread.threadTs)).toHaveLength(1);
      expect(fake.titles.get(key(thread))).toBe(`Is the release on track? ${CANARY}`);
    });

    it('a title Slack refused is tried again with the next message, then set once', async () => {
      const thread = newThread();
      await driver().startAssistantThread(thread, eventId());
      fake.failNext.set('assistant.threads.setTitle', ['internal_error']);
      await say(thread, 'first question, its title refused');
      await nthAnswer(dm, thread.threadTs, 1);
      expect(fake.titles.get(key(thread))).toBeUndefined();
      await say(thread, 'second question names the thread');
      await nthAnswer(dm, thread.threadTs, 2);
      expect(fake.titles.get(key(thread))).toBe('second question names the thread');
      await say(thread, 'third question changes nothing');
      await nthAnswer(dm, thread.threadTs, 3);
      expect(fake.titles.get(key(thread))).toBe('second question names the thread');
      expect(fake.callsTo('assistant.threads.setTitle').filter((c) => c.args['thread_ts'] === thread.threadTs)).toHaveLength(2);
    });

    it("a DM's top level (no assistant thread) is a chat over the DM's recent messages, answered there", async () => {
      const first = newTs();
      await driver().sendDirectMessage({ channel: dm, ts: first, text: `Hello, what can you do? ${CANARY}` }, eventId());
      await nthAnswer(dm, undefined, 1);
      const second = newTs();
      await driver().sendDirectMessage({ channel: dm, ts: second, text: `Tell me more. ${CANARY}` }, eventId());
      const job = await jobOf(chatRequestId(dm, second));
      expect(job).toMatchObject({ task: 'ask', chat: true, question: `Tell me more. ${CANARY}`, target: { channelId: dm } });
      expect(job.target).not.toHaveProperty('threadTs');
      expect(job.messages.map((m) => m.author)).toEqual(['Maya', 'Parley']);
      expect(job.messages[0]!.text).toBe(`Hello, what can you do? ${CANARY}`);
      await nthAnswer(dm, undefined, 2);
    });
  });

  it('the app manifest subscribes to the assistant events and asks for its scopes', () => {
    const manifest = parse(readFileSync(`${REPO_ROOT}deploy/slack/manifest.yml`, 'utf8')) as {
      features: { app_home: { messages_tab_enabled: boolean }; assistant_view?: { assistant_description?: string } };
      oauth_config: { scopes: { bot: string[] } };
      settings: { event_subscriptions: { bot_events: string[] } };
    };
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['assistant:write', 'chat:write', 'im:history']));
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['assistant_thread_started', 'assistant_thread_context_changed', 'message.im']));
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
    expect(manifest.features.assistant_view?.assistant_description).toBeTruthy();
  });
});

describe('assistant words: titles, prompts sent back, earlier answers read back', () => {
  it('a title is one plain line of at most 60 characters: mentions, @here and links cannot ping or link', () => {
    expect(threadTitle('<@U0OMAR> and <!subteam^S0DEVS|@devs>: see <https://example.com/x|the doc> <!channel>')).toBe('and @devs: see the doc');
    expect(threadTitle('  ship\n\nit  ')).toBe('ship it');
    const long = threadTitle('word '.repeat(30))!;
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long.endsWith('…')).toBe(true);
    expect(threadTitle('<@U0OMAR> <!here>')).toBeUndefined();
    expect(threadTitle('@here look')).not.toContain('@here');
  });

  it('the prompts as Slack sends them back, or typed, name their action and channel; anything else is a question', () => {
    expect(channelActionOf('Summarize <#C0VIEW>')).toEqual({ action: 'summarize', channelId: 'C0VIEW' });
    expect(channelActionOf('summarise this channel.')).toEqual({ action: 'summarize' });
    expect(channelActionOf('Translate the last message in <#C0VIEW|general>')).toEqual({ action: 'translate', channelId: 'C0VIEW' });
    expect(channelActionOf('Translate the last message')).toEqual({ action: 'translate' });
    expect(channelActionOf('Who is mentioned here?')).toEqual({ action: 'entities' });
    expect(channelActionOf('Who is mentioned in <#G0PRIV>?')).toEqual({ action: 'entities', channelId: 'G0PRIV' });
    expect(channelActionOf('Summarize the plan for Friday')).toBeNull();
    expect(channelActionOf('who is mentioned most, Maya or Omar?')).toBeNull();
  });

  it("Parley's earlier answer is read without its footer, continuation marker or feedback buttons; waiting and failure messages are no turn", () => {
    const footer = { type: 'context', elements: [{ type: 'mrkdwn', text: '_ask · 3 messages · t5 · greedy_' }] };
    expect(answerText({ text: 'Friday &amp; Monday\n\n_ask · 3 messages · t5 · greedy_', blocks: [{ type: 'markdown', text: 'Friday &amp; Monday' }, footer] })).toBe('Friday & Monday');
    expect(answerText({ text: 'Friday &lt;3\n\n_ask · 3 messages · t5 · greedy_' })).toBe('Friday <3');
    expect(answerText({ text: '_continued (2 of 2)_\n\nthe rest' })).toBe('the rest');
    expect(answerText({ text: 'Streamed words', blocks: [footer, { type: 'context_actions' }] })).toBe('Streamed words');
    for (const text of [':hourglass_flowing_sand: Reading 3 messages…', 'half an answer :writing_hand:', ':warning: Something went wrong. (ref `chat-1`)', ':hourglass: Slow down', '']) {
      expect(answerText({ text })).toBeUndefined();
    }
  });
});
