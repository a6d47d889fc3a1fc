import { INFERENCE_QUEUE, requestJobId, type RequestJob } from '@parley/jobs';
import { ensureTinySeq2Seq, ensureTinyTokenClassifier } from '@parley/tiny-models';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { startDiscordBot } from '../helpers/discord-bot.js';
import { FAKE_DISCORD, FakeDiscord, snowflake, visibleText, type FakeUser, type RestCall } from '../helpers/fake-discord.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/slack-request.js';

/**
 * The slash commands' inputs and errors through a bot and a worker of their own: channel windows
 * (`last`, `since`) over more than one page of history, threads, typed text, /ask, private
 * answers, /genconfig by a manager, and the errors a user sees.
 */

/** Nickname, global name and username all differ: only a member lookup finds "Maya (Release Lead)". */
const MAYA: FakeUser = { id: '1300000000000000911', username: 'maya.k', globalName: 'Maya', nick: 'Maya (Release Lead)' };
const OMAR: FakeUser = { id: '1300000000000000912', username: 'omar.f', globalName: 'Omar F' };
const LENA: FakeUser = { id: '1300000000000000913', username: 'lena' };
/** Not a member any more: the lookup is answered 404 and the account's own name is used. */
const GHOST: FakeUser = { id: '1300000000000000914', username: 'ghost', globalName: 'Ghost Writer' };
const NAME_OF: Record<string, string> = { [MAYA.id]: 'Maya (Release Lead)', [OMAR.id]: 'Omar F', [LENA.id]: 'lena', [GHOST.id]: 'Ghost Writer' };
const AUTHORS = [MAYA, OMAR, LENA, GHOST];
/** Typed into commands and written into history; must never appear in a log line. */
const CANARY = 'CANARY-d15c0rd';

const MAX_MESSAGES = 250;
const USER_PER_MINUTE = 2;
const MANAGE_CHANNELS = 1n << 4n;
const MEMBER = (1n << 10n) | (1n << 11n);
const { guildId, channelId, threadId, applicationId } = FAKE_DISCORD;
const BIG = '1300000000000000400';
const NO_ACCESS = '1300000000000000500';
const NO_PERMISSIONS = '1300000000000000600';
const SETTINGS = '1300000000000000700';
/** Only a feed bot has written here lately. */
const FEED = '1300000000000000800';
const FEED_BOT: FakeUser = { id: '1300000000000000920', username: 'release-feed', bot: true };

const isOriginalEdit = (token: string) => (c: RestCall) => c.method === 'PATCH' && c.path === `/webhooks/${applicationId}/${token}/messages/@original`;
/** What a person sees of a message Parley sent: its content, or its Components V2 text displays. */
const content = (c: RestCall) => visibleText(c.body);
const isFinal = (c: RestCall) => /-# \w/.test(content(c)) || content(c).startsWith('⚠️');
const REF = /\(ref `discord-[0-9a-f]{32}`\)$/;

describe('Discord commands end to end: windows, threads, typed text, private, settings and errors', () => {
  const fake = new FakeDiscord();
  const prefix = uniquePrefix('discord-cmd');
  let bot: AppProcess;
  let worker: AppProcess;
  let inference: Queue;
  /** The big channel's messages, oldest first: 130 from 5 h to about 3 h ago, then 130 in the last hour. */
  const big: Record<string, unknown>[] = [];

  let askers = 0;
  /** A member nobody else uses, so the per-user rate limit of one test never touches another. */
  const asker = (): FakeUser => {
    askers += 1;
    return { id: String(1300000000000020000n + BigInt(askers)), username: `asker${askers}`, nick: `Asker ${askers}` };
  };

  const command = (name: string, options: Record<string, unknown>[], opts: { user?: FakeUser; channelId?: string; permissions?: bigint } = {}) => {
    const sent = fake.interact({ name, type: 1, options }, { user: opts.user ?? asker(), ...(opts.channelId && { channelId: opts.channelId }), ...(opts.permissions && { permissions: opts.permissions }) });
    return { ...sent, requestId: requestJobId('discord', guildId, sent.id) };
  };
  const deferOf = (token: string) => waitFor(() => fake.calls.find((c) => c.method === 'POST' && c.path.endsWith(`/${token}/callback`)), 3000, 'the defer');
  const finalOf = (token: string, timeoutMs = 60_000) => waitFor(() => fake.calls.find((c) => isOriginalEdit(token)(c) && isFinal(c)), timeoutMs, 'the final edit');
  const answerOf = (token: string) => waitFor(() => fake.calls.find(isOriginalEdit(token)), 10_000, 'the answer');
  const jobOf = (requestId: string) => waitFor(async () => ((await inference.getJob(requestId))?.data as RequestJob | undefined) ?? undefined, 10_000, `the job ${requestId}`);
  const historyReads = (from: number, channel: string) => fake.calls.slice(from).filter((c) => c.method === 'GET' && c.path === `/channels/${channel}/messages`);
  const page = (c: RestCall) => ({ limit: c.query.get('limit'), before: c.query.get('before') });
  /** What the job should carry for these fake messages: ids, display names and text, oldest first. */
  const expected = (messages: Record<string, unknown>[]) =>
    messages.map((m) => ({ id: m['id'], author: NAME_OF[(m['author'] as { id: string }).id], text: m['content'], isBot: false }));

  beforeAll(async () => {
    const registry = join(await mkdtemp(join(tmpdir(), 'parley-registry-')), 'models.json');
    const t5 = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    const ner = await ensureTinyTokenClassifier({ cacheDir: MODEL_CACHE, variant: 'bert' });
    // Translation only into German and English: a request for Japanese fails in the worker.
    await writeFile(
      registry,
      JSON.stringify({ models: { t5: { path: t5 }, ner: { path: ner } }, tasks: { summarize: 't5', ask: 't5', entities: 'ner', translate: { '*-de': 't5', '*-en': 't5' } } }),
    );
    await fake.start();
    for (const u of [MAYA, OMAR, LENA]) fake.users.set(u.id, u);
    fake.addChannel(BIG, { name: 'busy' });
    fake.addChannel(NO_ACCESS, { name: 'hidden' });
    fake.addChannel(NO_PERMISSIONS, { name: 'read-only' });
    fake.addChannel(SETTINGS, { name: 'tuned' });
    fake.addChannel(FEED, { name: 'feed' });
    fake.historyErrors.set(NO_ACCESS, { status: 403, code: 50001, message: 'Missing Access' });
    fake.historyErrors.set(NO_PERMISSIONS, { status: 403, code: 50013, message: 'Missing Permissions' });

    const now = Date.now();
    const at = (ms: number) => ({ id: snowflake(ms), timestamp: new Date(ms).toISOString() });
    for (let i = 0; i < 260; i++) {
      const ms = i < 130 ? now - 5 * 3_600_000 + i * 60_000 : now - 65 * 60_000 + (i - 130) * 30_000;
      const text = i === 200 ? `Message ${i}: the launch code is ${CANARY}.` : `Message ${i}: step ${i % 7} of the release is done.`;
      big.push(fake.addMessage(BIG, AUTHORS[i % AUTHORS.length]!, text, at(ms)));
    }
    // A thread's first message lives in its parent channel, under the thread's id.
    fake.addMessage(channelId, MAYA, 'Release plan for Friday: who owns what?', { id: threadId });
    fake.addMessage(channelId, OMAR, 'The offsite is in Lisbon on 12 May.');
    fake.addMessage(threadId, OMAR, 'Login fix lands Wednesday, I own QA.');
    fake.addMessage(threadId, LENA, 'I will write the release notes.');
    fake.addMessage(threadId, GHOST, 'Docs are updated.');
    fake.addMessage(SETTINGS, LENA, 'Which venue did we pick for the party?');
    fake.addMessage(FEED, MAYA, 'Anything new on the release?', at(now - 3 * 3_600_000));
    fake.addMessage(FEED, FEED_BOT, 'Version 2.4 was released today.', at(now - 10 * 60_000));

    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_REGISTRY: registry, ORT_INTRA_OP_THREADS: '1', PROGRESS_INTERVAL_MS: '25' });
    const started = startDiscordBot(fake, prefix, applicationId, {
      DISCORD_EDIT_INTERVAL_MS: '60',
      SUMMARIZE_MAX_MESSAGES: String(MAX_MESSAGES),
      MAX_NEW_TOKENS: '16',
      RATE_LIMIT_USER_PER_MINUTE: String(USER_PER_MINUTE),
    });
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    [bot] = await Promise.all([started, worker.waitForLog('worker ready')]);
  });

  afterAll(async () => {
    await inference?.close();
    await Promise.all([bot?.stop(), worker?.stop()]);
    await fake.stop();
    await dropPrefix(prefix);
    for (const proc of [bot, worker]) expect(JSON.stringify(proc.logs) + proc.stderr).not.toContain(CANARY);
  });

  it('/summarize last:120 over 260 messages reads a page of 100, then 20 before the oldest of it, and queues those with display names', async () => {
    const from = fake.calls.length;
    const { token, requestId } = command('summarize', [{ name: 'last', type: 4, value: 120 }], { channelId: BIG });
    const job = await jobOf(requestId);
    const newest = big.slice(-120);
    expect(historyReads(from, BIG).map(page)).toEqual([
      { limit: '100', before: null },
      { limit: '20', before: newest[20]!['id'] },
    ]);
    expect(job).toMatchObject({ task: 'summarize', target: { platform: 'discord', guildId, channelId: BIG } });
    expect(job.messages).toEqual(expected(newest));
    // Nicknames came from member lookups; a member who left falls back to the account's name.
    expect(fake.calls.some((c) => c.path === `/guilds/${guildId}/members/${MAYA.id}`)).toBe(true);
    expect(fake.calls.find((c) => c.path === `/guilds/${guildId}/members/${GHOST.id}`)?.status).toBe(404);
    expect(content(await finalOf(token))).toMatch(/-# summarize · /);
  });

  it('/summarize since:2h reads back until the first older message and queues the last hour only', async () => {
    const from = fake.calls.length;
    const { token, requestId } = command('summarize', [{ name: 'since', type: 3, value: '2h' }], { channelId: BIG });
    const job = await jobOf(requestId);
    const recent = big.slice(130);
    expect(historyReads(from, BIG).map(page)).toEqual([
      { limit: '100', before: null },
      { limit: '100', before: recent[30]!['id'] },
    ]);
    expect(job.messages).toEqual(expected(recent));
    expect(content(await finalOf(token))).toMatch(/-# summarize · /);
  });

  it.each([
    ['since:1d', [{ name: 'since', type: 3, value: '1d' }]],
    // Discord enforces the registered max_value, but commands registered with another limit outlive a config change.
    ['last:300', [{ name: 'last', type: 4, value: 300 }]],
  ])('/summarize %s stops at SUMMARIZE_MAX_MESSAGES (250): pages of 100, 100 and 50, never a fourth', async (_, options) => {
    const from = fake.calls.length;
    const { token, requestId } = command('summarize', options, { channelId: BIG });
    const job = await jobOf(requestId);
    const newest = big.slice(-MAX_MESSAGES);
    expect(historyReads(from, BIG).map(page)).toEqual([
      { limit: '100', before: null },
      { limit: '100', before: newest[150]!['id'] },
      { limit: '50', before: newest[50]!['id'] },
    ]);
    expect(job.messages).toEqual(expected(newest));
    expect(content(await finalOf(token))).toMatch(/-# summarize · /);
  });

  it('/summarize in a thread reads the thread whole, with its starter message from the parent channel', async () => {
    const from = fake.calls.length;
    const { token, requestId } = command('summarize', [], { channelId: threadId });
    const job = await jobOf(requestId);
    expect(historyReads(from, threadId).map(page)).toEqual([{ limit: '100', before: null }]);
    expect(fake.calls.slice(from).some((c) => c.method === 'GET' && c.path === `/channels/${channelId}/messages/${threadId}`)).toBe(true);
    expect(historyReads(from, channelId)).toHaveLength(0);
    expect(job.target).toMatchObject({ channelId: threadId });
    expect(job.messages.map((m) => [m.author, m.text])).toEqual([
      ['Maya (Release Lead)', 'Release plan for Friday: who owns what?'],
      ['Omar F', 'Login fix lands Wednesday, I own QA.'],
      ['lena', 'I will write the release notes.'],
      ['Ghost Writer', 'Docs are updated.'],
    ]);
    expect(content(await finalOf(token))).toMatch(/^(?!⚠️)[\s\S]*-# summarize · 4 messages · /);
  });

  it('/translate with text translates what was typed, under the requester\'s display name, without reading the channel', async () => {
    const from = fake.calls.length;
    const user = asker();
    const text = `Good morning, the offsite is in Lisbon. ${CANARY}`;
    const { token, requestId } = command('translate', [{ name: 'language', type: 3, value: 'German' }, { name: 'text', type: 3, value: text }], { user });
    const job = await jobOf(requestId);
    expect(job).toMatchObject({ task: 'translate', language: 'German', messages: [{ id: 'typed-text', author: user.nick, text, isBot: false }] });
    expect(content(await finalOf(token))).toMatch(/-# translated to German · 1 message · /);
    expect(fake.calls.slice(from).some((c) => c.path.startsWith(`/channels/${channelId}/messages`))).toBe(false);
  });

  it('/entities with text runs the token classifier on what was typed', async () => {
    const from = fake.calls.length;
    const text = `Angela Merkel met Siemens in Berlin on Friday. ${CANARY}`;
    const { token, requestId } = command('entities', [{ name: 'text', type: 3, value: text }]);
    const job = await jobOf(requestId);
    expect(job).toMatchObject({ task: 'entities', messages: [{ id: 'typed-text', text }] });
    const final = content(await finalOf(token));
    expect(final).toMatch(/-# entities \(named-entity model \+ date\/amount patterns\) · 1 message · /);
    expect(final).not.toMatch(/^⚠️/);
    expect(fake.calls.slice(from).some((c) => c.path.startsWith(`/channels/${channelId}/messages`))).toBe(false);
  });

  it('/ask answers a question about the recent messages of the channel', async () => {
    const question = `Where is the offsite? ${CANARY}`;
    const from = fake.calls.length;
    const { token, requestId } = command('ask', [{ name: 'question', type: 3, value: question }]);
    const job = await jobOf(requestId);
    expect(historyReads(from, channelId).map(page)).toEqual([{ limit: '50', before: null }]);
    expect(job).toMatchObject({ task: 'ask', question });
    expect(job.messages.map((m) => m.text)).toEqual(['Release plan for Friday: who owns what?', 'The offsite is in Lisbon on 12 May.']);
    expect(content(await finalOf(token))).toMatch(/-# ask · 2 messages · /);
  });

  it('private:true defers ephemerally (flags 64), ends with an ephemeral edit, and posts nothing in the channel', async () => {
    const from = fake.calls.length;
    const { token } = command('summarize', [{ name: 'private', type: 5, value: true }, { name: 'settings', type: 3, value: 'max_new_tokens=200' }], { channelId: threadId });
    expect((await deferOf(token)).body).toEqual({ type: 5, data: { flags: 64 } });
    const final = await finalOf(token);
    expect(content(final)).toMatch(/-# summarize · 4 messages · /);
    // Ephemeral (64) and Components V2 (1 << 15) together.
    expect(final.body).toMatchObject({ flags: 64 | (1 << 15) });
    await new Promise((r) => setTimeout(r, 300));
    const mine = fake.calls.slice(from);
    expect(mine.filter((c) => c.method === 'POST' && c.path.startsWith('/channels/'))).toEqual([]);
    expect(mine.filter((c) => c.method === 'POST' && c.path === `/webhooks/${applicationId}/${token}`).every((c) => (Number(c.body?.['flags']) & 64) === 64)).toBe(true);
    // The streamed edits went to the same ephemeral reply.
    expect(mine.filter(isOriginalEdit(token)).length).toBeGreaterThan(1);
  });

  it('/genconfig show, preset and reset by a manager, privately; the preset reaches the next job in that channel', async () => {
    const manager: FakeUser = { id: '1300000000000000950', username: 'mgr', nick: 'Manager' };
    const genconfig = (verb: string, options: Record<string, unknown>[] = []) =>
      command('genconfig', [{ name: verb, type: 1, options }], { user: manager, channelId: SETTINGS, permissions: MEMBER | MANAGE_CHANNELS });
    const answer = async (verb: string, options: Record<string, unknown>[] = []) => {
      const { token } = genconfig(verb, options);
      expect((await deferOf(token)).body).toEqual({ type: 5, data: { flags: 64 } });
      return content(await answerOf(token));
    };

    expect(await answer('show')).toBe('Settings here: greedy. Nothing set for this channel yet.');
    expect(await answer('preset', [{ name: 'name', type: 3, value: 'creative' }])).toMatch(/^Saved: .*temperature unset → 1\.1/);
    expect(await answer('show')).toMatch(new RegExp(`^Settings here: sampling, temperature 1\\.1, top-p 0\\.95, top-k off\\. Last changed by <@${manager.id}> at `));

    const { requestId } = command('ask', [{ name: 'question', type: 3, value: 'Which venue?' }], { channelId: SETTINGS });
    expect((await jobOf(requestId)).generation).toMatchObject({ doSample: true, temperature: 1.1, topP: 0.95 });

    expect(await answer('reset')).toMatch(/^Saved: .*temperature 1\.1 → unset/);
    expect(await answer('show')).toMatch(/^Settings here: greedy\. Last changed by /);
    // The settings were for that channel only.
    const elsewhere = command('genconfig', [{ name: 'show', type: 1 }], { user: manager });
    expect(content(await answerOf(elsewhere.token))).toBe('Settings here: greedy. Nothing set for this channel yet.');
  });

  it.each([
    ['50001 Missing Access', NO_ACCESS],
    ['50013 Missing Permissions', NO_PERMISSIONS],
  ])('a channel whose history Discord refuses (403 %s) is answered with the permissions to grant and a reference; nothing is queued', async (_, channel) => {
    const { token, requestId } = command('summarize', [], { channelId: channel });
    const answer = content(await answerOf(token));
    expect(answer).toMatch(/^⚠️ I'm missing permissions in this channel\. I need View Channel, Read Message History and Send Messages/);
    expect(answer).toMatch(REF);
    expect(answer).toContain(requestId);
    expect(answer).not.toMatch(/\n\s+at |DiscordAPIError|50001|50013/);
    expect(fake.calls.some((c) => c.path === `/channels/${channel}/messages` && c.status === 403)).toBe(true);
    expect(await inference.getJob(requestId)).toBeUndefined();
  });

  it('a member over the per-user rate is told how long to wait, with a reference, and the request is not queued', async () => {
    const rush = asker();
    const entities = () => command('entities', [{ name: 'text', type: 3, value: 'Lisbon in May.' }], { user: rush });
    for (let i = 0; i < USER_PER_MINUTE; i++) {
      const { token } = entities();
      await finalOf(token);
    }
    const { token, requestId } = entities();
    const answer = content(await answerOf(token));
    const wait = Number(/^⚠️ You're sending requests a bit fast\. Try again in (\d+) s\. /.exec(answer)?.[1]);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(answer).toMatch(REF);
    expect(answer).toContain(requestId);
    expect(await inference.getJob(requestId)).toBeUndefined();
  });

  it('a job the worker cannot run (no model for the language) ends in the failure message with its reference', async () => {
    const { token, requestId } = command('translate', [{ name: 'language', type: 3, value: 'Japanese' }, { name: 'text', type: 3, value: 'Good morning' }]);
    const final = content(await finalOf(token));
    expect(final).toBe(`⚠️ No model is set up for translation into Japanese. Ask an admin to add one. (ref \`${requestId}\`)`);
    await waitFor(async () => ((await inference.getJobState(requestId)) === 'failed' ? true : undefined), 10_000, 'the job to fail');
    // The worker's stdout can reach this process after its reply reached the fake Discord.
    const logged = await waitFor(() => worker.logs.find((l) => l.msg === 'job failed' && l['requestId'] === requestId), 5000, 'the worker to log the failure');
    expect(logged).toMatchObject({ code: 'NO_MODEL', permanent: true });
  });

  const contextMenu = (name: string, target: Record<string, unknown>) =>
    fake.interact({ name, type: 3, target_id: target['id'], resolved: { messages: { [target['id'] as string]: target } } }, { user: asker(), channelId: target['channel_id'] as string });

  it("a message picked by hand counts as content even when a bot wrote it: another bot's post is translated", async () => {
    const post: Record<string, unknown> = { ...fake.messages.get(FEED)!.at(-1)!, guild_id: guildId };
    const { id, token } = contextMenu('Translate message', post);
    const job = await jobOf(requestJobId('discord', guildId, id));
    expect(job.messages).toEqual([{ id: post['id'], author: 'release-feed', text: 'Version 2.4 was released today.', isBot: false }]);
    expect(content(await finalOf(token))).toMatch(/-# translated to English · 1 message · /);
  });

  it("a message picked by hand counts as content even when Parley wrote it: entities of Parley's own answer", async () => {
    const answer = fake.addMessage(channelId, { id: FAKE_DISCORD.botUser.id, username: 'Parley', bot: true }, 'Angela Merkel visits Lisbon on Friday.');
    const { id, token } = contextMenu('Extract entities', { ...answer, guild_id: guildId });
    const job = await jobOf(requestJobId('discord', guildId, id));
    expect(job.messages).toMatchObject([{ id: answer['id'], text: 'Angela Merkel visits Lisbon on Friday.', isBot: false }]);
    expect(content(await finalOf(token))).toMatch(/-# entities \(named-entity model \+ date\/amount patterns\) · 1 message · /);
  });

  it('a window with nothing but bot posts is answered with what was looked at, and nothing is queued', async () => {
    const { token, requestId } = command('summarize', [{ name: 'since', type: 3, value: '1h' }], { channelId: FEED });
    const answer = content(await answerOf(token));
    expect(answer).toMatch(/^⚠️ I found no messages I can work on since <t:\d+:R> in this channel\. /);
    expect(answer).toMatch(REF);
    expect(await inference.getJob(requestId)).toBeUndefined();
  });
});
