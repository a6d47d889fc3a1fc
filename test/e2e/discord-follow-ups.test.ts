import { INFERENCE_QUEUE, PARLEY_AUTHOR, requestJobId, type ConversationMessage } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { startDiscordBot } from '../helpers/discord-bot.js';
import { FAKE_DISCORD, FakeDiscord, buttonIds, visibleText, type FakeUser } from '../helpers/fake-discord.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/slack-request.js';

const MAYA: FakeUser = { id: '1300000000000000901', username: 'maya', nick: 'Maya' };
const OMAR: FakeUser = { id: '1300000000000000902', username: 'omar', nick: 'Omar' };
const { guildId, threadId, applicationId, botUser } = FAKE_DISCORD;

interface Component {
  type: number;
  content?: string;
  components?: Component[];
}
const flat = (list: readonly Component[] | undefined): Component[] => (list ?? []).flatMap((c) => [c, ...flat(c.components)]);

/** An answer's text as a person reads it, without the `-# ` footer. */
const answerBody = (m: Record<string, unknown>) =>
  flat(m['components'] as Component[])
    .filter((c) => c.type === 10 && !c.content!.startsWith('-# '))
    .map((c) => c.content)
    .join('\n\n');
const footerOf = (m: Record<string, unknown>) => visibleText(m).split('\n').at(-1)!;

describe('Discord follow-ups: a question after one of Parley\'s answers in a thread is the next chat turn', () => {
  const fake = new FakeDiscord();
  const prefix = uniquePrefix('discord-follow-ups');
  let bot: AppProcess;
  let worker: AppProcess;
  let inference: Queue;

  beforeAll(async () => {
    const registry = join(await mkdtemp(join(tmpdir(), 'parley-registry-')), 'models.json');
    const t5 = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    await writeFile(registry, JSON.stringify({ models: { t5: { path: t5 } }, tasks: { summarize: 't5', ask: 't5', translate: { '*': 't5' } } }));
    await fake.start();
    for (const u of [MAYA, OMAR]) fake.users.set(u.id, u);
    fake.addMessage(threadId, MAYA, 'Release plan: Friday ship.');
    fake.addMessage(threadId, OMAR, 'Login fix lands Wednesday, I own QA.');
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_REGISTRY: registry, ORT_INTRA_OP_THREADS: '1' });
    const started = startDiscordBot(fake, prefix, applicationId, { DISCORD_EDIT_INTERVAL_MS: '60', RATE_LIMIT_USER_PER_MINUTE: '100' });
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    [bot] = await Promise.all([started, worker.waitForLog('worker ready')]);
  });

  afterAll(async () => {
    await inference?.close();
    await Promise.all([bot?.stop(), worker?.stop()]);
    await fake.stop();
    await dropPrefix(prefix);
  });

  /** The inference job a message's mention queued (its id is the mention's request id). */
  const jobOf = (message: Record<string, unknown>) =>
    waitFor(async () => (await inference.getJob(requestJobId('discord', guildId, message['id'] as string))) ?? undefined, 10_000, 'the inference job');

  /** Parley's answer to `message`: its placeholder, once edited into the V2 answer with the vote buttons. */
  const answerTo = (message: Record<string, unknown>) =>
    waitFor(
      () =>
        fake.messages
          .get(threadId)!
          .find((m) => (m['author'] as { id: string }).id === botUser.id && (m['message_reference'] as { message_id?: string } | undefined)?.message_id === message['id'] && buttonIds(m).length === 2),
      60_000,
      'the answer',
    );

  const turns = (messages: ConversationMessage[]) => messages.map((m) => ({ author: m.author, text: m.text, isBot: m.isBot }));

  it('three mentions in a thread: an ask, then two chat turns over the earlier questions and Parley\'s answers; a summary stays a summary', async () => {
    const q1 = fake.mention(threadId, MAYA, 'When does the release ship?');
    const job1 = await jobOf(q1);
    expect(job1.data).toMatchObject({ task: 'ask', question: 'When does the release ship?' });
    expect(job1.data.chat).toBeUndefined();
    const answer1 = await answerTo(q1);
    expect(footerOf(answer1)).toMatch(/^-# ask · /);

    const q2 = fake.mention(threadId, OMAR, 'And who owns QA?');
    const job2 = await jobOf(q2);
    expect(job2.data).toMatchObject({ task: 'ask', question: 'And who owns QA?', chat: true });
    const body1 = answerBody(answer1);
    expect(body1.length).toBeGreaterThan(0);
    expect(turns(job2.data.messages)).toEqual([
      { author: 'Maya', text: 'Release plan: Friday ship.', isBot: false },
      { author: 'Omar', text: 'Login fix lands Wednesday, I own QA.', isBot: false },
      { author: 'Maya', text: 'When does the release ship?', isBot: false },
      { author: PARLEY_AUTHOR, text: body1, isBot: false },
    ]);
    const answer2 = await answerTo(q2);
    expect(footerOf(answer2)).toMatch(/^-# chat · /);

    const q3 = fake.mention(threadId, MAYA, 'Anything else before Friday?');
    const job3 = await jobOf(q3);
    expect(job3.data).toMatchObject({ task: 'ask', question: 'Anything else before Friday?', chat: true });
    // The earlier questions and answers in order; the current question is not among them, and no placeholder or streamed text is.
    expect(turns(job3.data.messages).slice(2)).toEqual([
      { author: 'Maya', text: 'When does the release ship?', isBot: false },
      { author: PARLEY_AUTHOR, text: body1, isBot: false },
      { author: 'Omar', text: 'And who owns QA?', isBot: false },
      { author: PARLEY_AUTHOR, text: answerBody(answer2), isBot: false },
    ]);
    const answer3 = await answerTo(q3);
    expect(footerOf(answer3)).toMatch(/^-# chat · /);

    const summary = fake.mention(threadId, OMAR, 'summarize');
    const job4 = await jobOf(summary);
    expect(job4.data.task).toBe('summarize');
    expect(job4.data.chat).toBeUndefined();
    expect(job4.data.messages.some((m: ConversationMessage) => m.author === PARLEY_AUTHOR)).toBe(false);
    const summaryAnswer = await answerTo(summary);
    expect(footerOf(summaryAnswer)).toMatch(/^-# summarize · /);

    // A reply to Parley's answer that pings no one is a mention too (the bot has the Message Content intent) and a follow-up.
    const q5 = fake.replyTo(answer3, MAYA, 'Thanks, and the notes?');
    const job5 = await jobOf(q5);
    expect(job5.data).toMatchObject({ task: 'ask', question: 'Thanks, and the notes?', chat: true });
    expect(turns(job5.data.messages).slice(-4)).toEqual([
      { author: 'Maya', text: 'Anything else before Friday?', isBot: false },
      { author: PARLEY_AUTHOR, text: answerBody(answer3), isBot: false },
      { author: 'Omar', text: 'summarize', isBot: false },
      { author: PARLEY_AUTHOR, text: answerBody(summaryAnswer), isBot: false },
    ]);
    expect(footerOf(await answerTo(q5))).toMatch(/^-# chat · /);

    // "translate" as a reply to Parley's answer works on that answer's words (a V2 message has no content of its own).
    const q6 = fake.replyTo(answer3, OMAR, 'translate to German');
    const job6 = await jobOf(q6);
    expect(job6.data).toMatchObject({ task: 'translate', language: 'German' });
    expect(turns(job6.data.messages)).toEqual([{ author: expect.any(String), text: answerBody(answer3), isBot: false }]);
  });
});
