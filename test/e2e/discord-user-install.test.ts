import { INFERENCE_QUEUE, replyQueueName, requestJobId, type DiscordTarget, type RequestJob } from '@parley/jobs';
import { ensureTinySeq2Seq, ensureTinyTokenClassifier } from '@parley/tiny-models';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../apps/bot/src/core/feedback.js';
import { AppProcess } from '../helpers/app-process.js';
import { startDiscordBot } from '../helpers/discord-bot.js';
import { FAKE_DISCORD, FakeDiscord, IS_COMPONENTS_V2, buttonIds, visibleText, type FakeUser, type RestCall } from '../helpers/fake-discord.js';
import { injectDiscordReply } from '../helpers/reply-jobs.js';
import { LOOPBACK_GUARD, MODEL_CACHE, REPO_ROOT } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/slack-request.js';

/**
 * Parley used where its bot is not: a server where only the user installed the app, and a
 * private channel. What the interaction carries works; reading history is refused with what to
 * do; answers come as Components V2 messages through the interaction alone, within Discord's 5
 * follow-ups, with 👍/👎 buttons whose clicks count once.
 */

const PRIYA: FakeUser = { id: '1300000000000003001', username: 'priya', globalName: 'Priya' };
const THEO: FakeUser = { id: '1300000000000003002', username: 'theo', nick: 'Theo (Ops)' };
const { applicationId, foreignGuildId, foreignChannelId, privateChannelId } = FAKE_DISCORD;
const NOT_IN_SERVER = /^⚠️ I can only read channels in servers Parley was added to; a server admin can add it from Parley's profile \(Add App\)\. .* \(ref `discord-[0-9a-f]{32}`\)$/;

/** Calls the bot made with its own token to a channel (reads or posts); none can work where it is not a member. */
const channelCalls = (calls: RestCall[]) => calls.filter((c) => c.path.startsWith('/channels/'));

describe('Discord where only a user installed Parley: interaction-only answers in Components V2, feedback buttons', () => {
  const fake = new FakeDiscord();
  const prefix = uniquePrefix('discord-user');
  let bot: AppProcess;
  let worker: AppProcess;
  let inference: Queue;
  let replies: Queue;
  let redis: Redis;

  beforeAll(async () => {
    const registry = join(await mkdtemp(join(tmpdir(), 'parley-registry-')), 'models.json');
    const t5 = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    const ner = await ensureTinyTokenClassifier({ cacheDir: MODEL_CACHE, variant: 'bert' });
    await writeFile(registry, JSON.stringify({ models: { t5: { path: t5 }, ner: { path: ner } }, tasks: { summarize: 't5', ask: 't5', entities: 'ner', translate: { '*': 't5' } } }));
    await fake.start();
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_REGISTRY: registry, ORT_INTRA_OP_THREADS: '1', PROGRESS_INTERVAL_MS: '25' });
    const started = startDiscordBot(fake, prefix, applicationId, { DISCORD_EDIT_INTERVAL_MS: '60', MAX_NEW_TOKENS: '24', RATE_LIMIT_USER_PER_MINUTE: '100' });
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    replies = new Queue(replyQueueName('discord'), { connection: { url: REDIS_URL }, prefix });
    redis = new Redis(REDIS_URL);
    [bot] = await Promise.all([started, worker.waitForLog('worker ready')]);
  });

  afterAll(async () => {
    await inference?.close();
    await replies?.close();
    redis?.disconnect();
    await Promise.all([bot?.stop(), worker?.stop()]);
    await fake.stop();
    await dropPrefix(prefix);
  });

  const jobOf = (requestId: string) => waitFor(async () => ((await inference.getJob(requestId))?.data as RequestJob | undefined) ?? undefined, 10_000, `the job ${requestId}`);
  /** The interaction's messages once the last one carries the feedback buttons. */
  const answerOf = (token: string) =>
    waitFor(() => {
      const shown = fake.shownFor(token);
      return buttonIds(shown.at(-1)).length ? shown : undefined;
    }, 60_000, 'the answer');
  const refusalOf = (token: string) => waitFor(() => fake.calls.find((c) => c.method === 'PATCH' && c.path === `/webhooks/${applicationId}/${token}/messages/@original`), 10_000, 'the refusal');

  it('npm run discord:register PUTs the task commands and message menus for guild and user installs in every context, /genconfig for servers only', async () => {
    const from = fake.calls.length;
    const child = spawn(process.execPath, [`${REPO_ROOT}apps/bot/dist/discord/register-commands.js`], {
      env: { PATH: process.env['PATH'] ?? '', NODE_OPTIONS: `--require ${LOOPBACK_GUARD}`, DISCORD_TOKEN: FAKE_DISCORD.token, DISCORD_APPLICATION_ID: applicationId, DISCORD_API_URL: fake.apiUrl },
      stdio: 'ignore',
    });
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    const put = fake.calls.slice(from).find((c) => c.method === 'PUT' && c.path === `/applications/${applicationId}/commands`);
    const commands = put!.body as unknown as { name: string; type?: number; integration_types: number[]; contexts: number[] }[];
    const where = Object.fromEntries(commands.map((c) => [c.name, { integration_types: c.integration_types, contexts: c.contexts }]));
    const anywhere = { integration_types: [0, 1], contexts: [0, 1, 2] };
    expect(where).toEqual({
      summarize: anywhere,
      translate: anywhere,
      entities: anywhere,
      ask: anywhere,
      'Summarize thread': anywhere,
      'Translate message': anywhere,
      'Extract entities': anywhere,
      genconfig: { integration_types: [0], contexts: [0] },
    });
  });

  let answered: { token: string; requestId: string; shown: Record<string, unknown>[] };

  it('"Translate message" in a server without the bot is answered as a V2 message through the interaction, with no channel read or post', async () => {
    const from = fake.calls.length;
    const target = fake.messageElsewhere(foreignChannelId, THEO, 'Good morning, the offsite is in Lisbon on 12 May.', { guild_id: foreignGuildId });
    const id = String(target['id']);
    const { id: interactionId, token } = fake.interact({ name: 'Translate message', type: 3, target_id: id, resolved: { messages: { [id]: target } } }, { user: PRIYA, install: 'user-in-guild' });
    const requestId = requestJobId('discord', foreignGuildId, interactionId);
    const job = await jobOf(requestId);
    expect(job.target).toMatchObject({ platform: 'discord', guildId: foreignGuildId, channelId: foreignChannelId, userInstallOnly: true });
    // The target's author has no member here: the account's name is used, looked up nowhere.
    expect(job.messages).toEqual([{ id, author: 'theo', text: 'Good morning, the offsite is in Lisbon on 12 May.', isBot: false }]);
    const shown = await answerOf(token);
    expect(shown).toHaveLength(1);
    expect(Number(shown[0]!['flags']) & IS_COMPONENTS_V2).toBeTruthy();
    expect(visibleText(shown[0])).toMatch(/\n-# translated to English · 1 message · /);
    expect(buttonIds(shown[0])).toEqual([`parley:vote:up:${requestId}`, `parley:vote:down:${requestId}`]);
    // Every message call went through the interaction's webhook, and the fake refused none of them.
    expect(fake.calls.slice(from).filter((c) => c.path.startsWith('/webhooks/')).every((c) => c.status === 200)).toBe(true);
    expect(channelCalls(fake.calls.slice(from))).toEqual([]);
    answered = { token, requestId, shown };
  });

  it('two 👍 clicks by the same user are both answered privately within 3 s, and counted once', async () => {
    const feedback = new FeedbackStore(redis, prefix);
    const upId = buttonIds(answered.shown[0]).find((c) => c.startsWith('parley:vote:up:'))!;
    const click = async () => {
      const { id, token, sentAt } = fake.click(answered.shown[0]!, upId, { user: PRIYA, install: 'user-in-guild' });
      const callback = await waitFor(() => fake.calls.find((c) => c.path === `/interactions/${id}/${token}/callback`), 3000, 'the answer to the click');
      expect(callback.at - sentAt).toBeLessThan(3000);
      expect(callback.status).toBe(204);
      return callback.body as { type: number; data: { content: string; flags: number } };
    };
    const first = await click();
    expect(first).toMatchObject({ type: 4, data: { content: 'Thanks: your 👍 on this answer is counted.', flags: 64 } });
    const second = await click();
    expect(second).toMatchObject({ type: 4, data: { content: 'You already gave this answer 👍; it is counted once.', flags: 64 } });
    expect(await feedback.tallies({ platform: 'discord', workspace: foreignGuildId })).toEqual([
      expect.objectContaining({ platform: 'discord', workspace: foreignGuildId, channel: foreignChannelId, task: 'translate', up: 1, down: 0 }),
    ]);
    expect(await feedback.voteOf(answered.requestId, PRIYA.id)).toBe('up');
  });

  it('/summarize in a server without the bot says what to do instead, reads nothing and queues nothing', async () => {
    const from = fake.calls.length;
    const { id, token } = fake.interact({ name: 'summarize', type: 1, options: [] }, { user: PRIYA, install: 'user-in-guild' });
    const answer = visibleText((await refusalOf(token)).body);
    expect(answer).toMatch(NOT_IN_SERVER);
    expect(answer).not.toMatch(/\n\s+at |DiscordAPIError|50001/);
    expect(channelCalls(fake.calls.slice(from))).toEqual([]);
    expect(await inference.getJob(requestJobId('discord', foreignGuildId, id))).toBeUndefined();
  });

  it('/ask with only a question in a server without the bot answers the question, reading nothing', async () => {
    const from = fake.calls.length;
    const question = 'What is a good name for a release checklist?';
    const { id, token } = fake.interact({ name: 'ask', type: 1, options: [{ name: 'question', type: 3, value: question }] }, { user: THEO, install: 'user-in-guild' });
    const job = await jobOf(requestJobId('discord', foreignGuildId, id));
    expect(job).toMatchObject({ task: 'ask', question, messages: [{ id: 'typed-text', author: 'Theo (Ops)', text: question }] });
    expect(visibleText((await answerOf(token)).at(-1))).toMatch(/-# ask · 1 message · /);
    expect(channelCalls(fake.calls.slice(from))).toEqual([]);
  });

  it('in a private channel (no server) /translate with text works, scoped to the user, and /entities without text says it cannot read there', async () => {
    const from = fake.calls.length;
    const translate = fake.interact(
      { name: 'translate', type: 1, options: [{ name: 'language', type: 3, value: 'German' }, { name: 'text', type: 3, value: 'See you on Friday.' }] },
      { user: PRIYA, install: 'private-channel' },
    );
    const requestId = requestJobId('discord', `dm-${PRIYA.id}`, translate.id);
    const job = await jobOf(requestId);
    expect(job.target).toEqual(expect.objectContaining({ channelId: privateChannelId, userId: PRIYA.id, userInstallOnly: true }));
    expect(job.target).not.toHaveProperty('guildId');
    expect(visibleText((await answerOf(translate.token)).at(-1))).toMatch(/-# translated to German · 1 message · /);

    const entities = fake.interact({ name: 'entities', type: 1, options: [] }, { user: PRIYA, install: 'private-channel' });
    expect(visibleText((await refusalOf(entities.token)).body)).toMatch(/^⚠️ I can't read direct messages or private channels\. /);
    expect(channelCalls(fake.calls.slice(from))).toEqual([]);
  });

  const injectReply = (target: DiscordTarget, text: string) => injectDiscordReply(replies, target, text);

  it('an answer worth more than 6 messages is cut to the reply and 5 follow-ups with a visible note: no 6th follow-up is tried', async () => {
    const paragraphs = Array.from({ length: 100 }, (_, i) => `Point ${i}: ${'detail '.repeat(50).trim()}.`);
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThan(7 * 4000);
    const token = fake.issueToken({ userInstallOnly: true });
    const from = fake.calls.length;
    const requestId = await injectReply(
      { platform: 'discord', guildId: foreignGuildId, channelId: foreignChannelId, userId: PRIYA.id, userInstallOnly: true, interaction: { applicationId, token, createdAt: Date.now() } },
      text,
    );
    const shown = await answerOf(token);
    await new Promise((r) => setTimeout(r, 300));
    const followUps = fake.calls.slice(from).filter((c) => c.method === 'POST' && c.path === `/webhooks/${applicationId}/${token}`);
    expect(followUps).toHaveLength(5);
    expect(followUps.every((c) => c.status === 200)).toBe(true);
    expect(shown).toHaveLength(6);
    for (const message of shown) expect(visibleText(message).length).toBeLessThanOrEqual(4000);
    const last = visibleText(shown.at(-1));
    expect(last).toMatch(/-# ✂️ Cut short: Discord lets Parley send only a few messages here\.\n-# ask · /);
    expect(buttonIds(shown.at(-1))).toEqual([`parley:vote:up:${requestId}`, `parley:vote:down:${requestId}`]);
    expect(channelCalls(fake.calls.slice(from))).toEqual([]);
  });

  it("an answer after the token's 15 minutes where only a user installed Parley fails visibly instead of posting in the channel", async () => {
    const token = fake.issueToken({ userInstallOnly: true });
    const created = fake.tokens.get(token)! - 16 * 60_000;
    fake.tokens.set(token, created);
    const from = fake.calls.length;
    const requestId = await injectReply(
      { platform: 'discord', guildId: foreignGuildId, channelId: foreignChannelId, userId: PRIYA.id, userInstallOnly: true, interaction: { applicationId, token, createdAt: created } },
      'Too late',
    );
    await bot.waitForLog('user-installed interaction expired before its answer', 10_000);
    await waitFor(async () => ((await replies.getJobState(`reply-${requestId}`)) === 'failed' ? true : undefined), 10_000, 'the reply to fail');
    expect(fake.calls.slice(from).filter((c) => c.path.includes(token)).every((c) => c.status === 401)).toBe(true);
    expect(channelCalls(fake.calls.slice(from))).toEqual([]);
  });
});
