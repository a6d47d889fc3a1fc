import { replyQueueName, type DiscordTarget } from '@parley/jobs';
import { ensureTinySeq2Seq, ensureTinyTokenClassifier } from '@parley/tiny-models';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { startDiscordBot } from '../helpers/discord-bot.js';
import { FAKE_DISCORD, FakeDiscord, IS_COMPONENTS_V2, buttonIds, snowflake, visibleText, type FakeUser, type RestCall } from '../helpers/fake-discord.js';
import { injectDiscordReply } from '../helpers/reply-jobs.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/slack-request.js';

const MAYA: FakeUser = { id: '1300000000000000901', username: 'maya', nick: 'Maya' };
const OMAR: FakeUser = { id: '1300000000000000902', username: 'omar', nick: 'Omar' };
const LENA: FakeUser = { id: '1300000000000000903', username: 'lena' };
const MANAGE_CHANNELS = 1n << 4n;
const EDIT_INTERVAL_MS = 60;
const LONG = 'max_new_tokens=400';
const { guildId, channelId, threadId, applicationId } = FAKE_DISCORD;

const isOriginalEdit = (token: string) => (c: RestCall) => c.method === 'PATCH' && c.path === `/webhooks/${applicationId}/${token}/messages/@original`;
/** What a person sees of a message Parley sent: its content, or its Components V2 text displays. */
const content = (c: RestCall) => visibleText(c.body);
const streamed = (c: RestCall) => content(c).endsWith('✍️');
const isFinal = (c: RestCall) => /-# \w/.test(content(c)) || content(c).startsWith('⚠️');

describe('Discord: real discord.js against a fake Discord, through the real queue and worker', () => {
  const fake = new FakeDiscord();
  const prefix = uniquePrefix('discord');
  let bot: AppProcess;
  let worker: AppProcess;
  let replies: Queue;

  beforeAll(async () => {
    const registry = join(await mkdtemp(join(tmpdir(), 'parley-registry-')), 'models.json');
    const t5 = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    const ner = await ensureTinyTokenClassifier({ cacheDir: MODEL_CACHE, variant: 'bert' });
    await writeFile(registry, JSON.stringify({ models: { t5: { path: t5 }, ner: { path: ner } }, tasks: { summarize: 't5', ask: 't5', entities: 'ner', translate: { '*': 't5' } } }));
    await fake.start();
    for (const u of [MAYA, OMAR, LENA]) fake.users.set(u.id, u);
    fake.addMessage(threadId, MAYA, 'Release plan: Friday ship. @everyone please read.');
    fake.addMessage(threadId, OMAR, 'Login fix lands Wednesday, I own QA.');
    fake.addMessage(threadId, LENA, 'I will write the notes.');
    fake.addMessage(channelId, MAYA, 'Good morning team, the offsite is in Lisbon on 12 May.');
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_REGISTRY: registry, ORT_INTRA_OP_THREADS: '1', PROGRESS_INTERVAL_MS: '25' });
    const started = startDiscordBot(fake, prefix, applicationId, {
      DISCORD_EDIT_INTERVAL_MS: String(EDIT_INTERVAL_MS),
      RATE_LIMIT_USER_PER_MINUTE: '100',
    });
    replies = new Queue(replyQueueName('discord'), { connection: { url: REDIS_URL }, prefix });
    [bot] = await Promise.all([started, worker.waitForLog('worker ready')]);
  });

  afterAll(async () => {
    await replies?.close();
    await Promise.all([bot?.stop(), worker?.stop()]);
    await fake.stop();
    await dropPrefix(prefix);
  });

  const injectReply = (target: DiscordTarget, text: string) => injectDiscordReply(replies, target, text);

  it('logs in: IDENTIFY with the token and the fewest intents, READY and GUILD_CREATE', async () => {
    expect(fake.identifies).toHaveLength(1);
    // Guilds | GuildMessages | MessageContent
    expect(fake.identifies[0]).toMatchObject({ token: FAKE_DISCORD.token, intents: 1 | (1 << 9) | (1 << 15) });
    const ready = await bot.waitForLog('discord adapter ready');
    expect(ready).toMatchObject({ botUserId: FAKE_DISCORD.botUser.id, guilds: 1 });
    expect(fake.calls.find((c) => c.path === '/gateway/bot')).toBeDefined();
  });

  it('a mention in a thread gets a reply to that message: a placeholder, streamed edits, then the answer', async () => {
    const from = fake.calls.length;
    const mention = fake.mention(threadId, OMAR, `summarize this ${''}`);
    const placeholder = await waitFor(() => fake.calls.slice(from).find((c) => c.method === 'POST' && c.path === `/channels/${threadId}/messages`), 10_000, 'the placeholder');
    expect(placeholder.body).toMatchObject({ content: '⏳ Summarizing 3 messages…', message_reference: { message_id: mention['id'] } });
    // History was read page by page, 100 at most, and names resolved from members.
    const reads = fake.calls.slice(from).filter((c) => c.method === 'GET' && c.path === `/channels/${threadId}/messages`);
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(Number(reads[0]!.query.get('limit'))).toBeLessThanOrEqual(100);
    expect(fake.calls.slice(from).some((c) => c.path === `/guilds/${guildId}/members/${LENA.id}`)).toBe(true);
    const posted = fake.messages.get(threadId)!.find((m) => m['content'] === placeholder.body?.['content'] || m['id'] === (placeholder as unknown as { id?: string }).id);
    expect(posted).toBeDefined();
    const final = await waitFor(
      () => fake.calls.slice(from).find((c) => c.method === 'PATCH' && c.path.startsWith(`/channels/${threadId}/messages/`) && isFinal(c)),
      60_000,
      'the final edit',
    );
    expect(content(final)).toMatch(/-# summarize · 3 messages · /);
    // The placeholder's text was cleared as the answer opted it into Components V2; Discord took the edit.
    expect(final.status).toBe(200);
    expect(final.body).toMatchObject({ content: null, flags: 1 << 15 });
  });

  it('/summarize is deferred within 3 s, streams edits of the reply no faster than the interval, and ends with the final edit', async () => {
    const from = fake.calls.length;
    const { token, sentAt } = fake.interact(
      { name: 'summarize', type: 1, options: [{ name: 'settings', type: 3, value: LONG }] },
      { user: MAYA, channelId: threadId },
    );
    const defer = await waitFor(() => fake.calls.slice(from).find((c) => c.method === 'POST' && c.path.endsWith(`/${token}/callback`)), 3000, 'the defer');
    expect(defer.body).toMatchObject({ type: 5 });
    expect(defer.at - sentAt).toBeLessThan(3000);
    const final = await waitFor(() => fake.calls.slice(from).find((c) => isOriginalEdit(token)(c) && isFinal(c)), 60_000, 'the final edit');
    await new Promise((r) => setTimeout(r, 400));
    const edits = fake.calls.slice(from).filter(isOriginalEdit(token));
    const stream = edits.filter(streamed);
    expect(stream.length).toBeGreaterThanOrEqual(2);
    // Throttled in the bot: no more edits than one per interval over the time they span.
    expect(stream.length).toBeLessThanOrEqual((stream.at(-1)!.at - stream[0]!.at) / EDIT_INTERVAL_MS + 2);
    expect(edits.at(-1)).toBe(final);
    // After streamed text, the V2 answer clears the content; a refused edit would leave the reply at the stream.
    expect(final.status).toBe(200);
    expect(fake.shownFor(token)[0]).toMatchObject({ content: '', flags: 1 << 15 });
    expect(content(final)).toMatch(/-# summarize · \d+ messages · .* max 400 tokens$/);
    console.info(`[discord] defer ${defer.at - sentAt} ms; first streamed edit ${stream[0]!.at - sentAt} ms; ${stream.length} streamed edits`);
  });

  const contextMenu = (name: string, target: Record<string, unknown>) =>
    fake.interact({ name, type: 3, target_id: target['id'], resolved: { messages: { [target['id'] as string]: target } } }, { user: LENA });

  it.each([
    ['Summarize thread', /-# summarize · 1 message · /],
    ['Translate message', /-# translated to English · 1 message · /],
    ['Extract entities', /-# entities \(named-entity model \+ date\/amount patterns\) · 1 message · /],
  ])('the "%s" context menu works on its target message', async (name, footer) => {
    const target = { ...fake.messages.get(channelId)![0]!, guild_id: guildId };
    const from = fake.calls.length;
    const { token } = contextMenu(name, target);
    await waitFor(() => fake.calls.slice(from).find((c) => c.path.endsWith(`/${token}/callback`)), 3000, 'the defer');
    const final = await waitFor(() => fake.calls.slice(from).find((c) => isOriginalEdit(token)(c) && isFinal(c)), 60_000, 'the answer');
    expect(content(final)).toMatch(footer);
    // The target came with the interaction: the channel's history was not read.
    expect(fake.calls.slice(from).some((c) => c.path === `/channels/${channelId}/messages`)).toBe(false);
  });

  it('a long answer is Components V2 messages of at most 4,000 characters, split at paragraphs with code blocks intact; only the last has the footer and the buttons', async () => {
    const code = ['```ts', ...Array.from({ length: 80 }, (_, i) => `const line${i} = ${i}; // a line of code`), '```'].join('\n');
    const prose = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}: ${'words '.repeat(40).trim()}.`);
    const text = [...prose.slice(0, 15), code, ...prose.slice(15), code].join('\n\n');
    const token = fake.issueToken();
    const from = fake.calls.length;
    const requestId = await injectReply({ platform: 'discord', guildId, channelId, userId: MAYA.id, interaction: { applicationId, token, createdAt: Date.now() } }, text);
    const shown = await waitFor(() => {
      const messages = fake.shownFor(token);
      return messages.length >= 4 && buttonIds(messages.at(-1)).length ? messages : undefined;
    }, 10_000, 'the follow-ups');
    const sent = fake.calls.slice(from).filter((c) => c.path.startsWith(`/webhooks/${applicationId}/${token}`));
    expect(sent.every((c) => c.status === 200)).toBe(true);
    expect(sent.filter((c) => c.method === 'POST').every((c) => c.query.get('wait') === 'true')).toBe(true);
    for (const [i, message] of shown.entries()) {
      expect(Number(message['flags']) & IS_COMPONENTS_V2).toBeTruthy();
      expect(message['content']).toBe('');
      const last = i === shown.length - 1;
      const shape = (message['components'] as { type: number; components?: { type: number }[] }[]).map((c) => [c.type, ...(c.components ?? []).map((n) => n.type)]);
      // A Container of text displays (body, and the footer on the last), then the last's row of two buttons.
      expect(shape).toEqual(last ? [[17, 10, 10], [1, 2, 2]] : [[17, 10]]);
      const body = visibleText(message);
      expect(body.length).toBeLessThanOrEqual(4000);
      expect((body.match(/```/g) ?? []).length % 2).toBe(0);
      expect(/-# ask · /.test(body)).toBe(last);
    }
    expect(buttonIds(shown.at(-1))).toEqual([`parley:vote:up:${requestId}`, `parley:vote:down:${requestId}`]);
    expect(shown.slice(0, -1).flatMap(buttonIds)).toEqual([]);
    expect(shown.map(visibleText).join('\n\n')).toContain(code);
  });

  it('model output with @everyone, @here, roles and users pings nobody: allowed_mentions parses nothing in every payload', async () => {
    const token = fake.issueToken();
    const from = fake.calls.length;
    await injectReply(
      { platform: 'discord', guildId, channelId, userId: MAYA.id, interaction: { applicationId, token, createdAt: Date.now() } },
      `Hey @everyone and @here, ask <@&${snowflake()}> or <@${OMAR.id}>.`,
    );
    const final = await waitFor(() => fake.calls.slice(from).find((c) => isOriginalEdit(token)(c) && isFinal(c)), 10_000, 'the answer');
    expect(content(final)).toContain('@everyone');
    const payloads = fake.calls.filter((c) => c.body && ('content' in c.body || 'components' in c.body));
    expect(payloads.length).toBeGreaterThan(10);
    for (const c of payloads) expect(c.body!['allowed_mentions'], `${c.method} ${c.path}`).toEqual({ parse: [], replied_user: false });
  });

  it("a job that finishes after the interaction token's 15 minutes posts a channel message referencing the request", async () => {
    const target = fake.messages.get(channelId)![0]!;
    const token = fake.issueToken();
    // The clock moves 16 minutes on: Discord now refuses the token, and the job says it was made then.
    const created = fake.tokens.get(token)! - 16 * 60_000;
    fake.tokens.set(token, created);
    const from = fake.calls.length;
    const requestId = await injectReply(
      { platform: 'discord', guildId, channelId, userId: LENA.id, messageId: target['id'] as string, interaction: { applicationId, token, createdAt: created } },
      'Guten Morgen',
    );
    const post = await waitFor(
      () => fake.calls.slice(from).find((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages` && content(c).includes(requestId)),
      10_000,
      'the channel message',
    );
    expect(content(post)).toContain(`<@${LENA.id}>, your request (ref \`${requestId}\`) finished after Discord's 15-minute limit`);
    expect(content(post)).toContain('Guten Morgen');
    expect(post.body).toMatchObject({ message_reference: { message_id: target['id'] }, enforce_nonce: true });
    expect(fake.calls.slice(from).some((c) => c.path.includes(token))).toBe(false);
  });

  it('when Discord refuses an interaction token the reply falls back to the channel instead of failing silently', async () => {
    const token = fake.issueToken();
    fake.tokens.delete(token);
    const from = fake.calls.length;
    const requestId = await injectReply({ platform: 'discord', guildId, channelId, userId: OMAR.id, interaction: { applicationId, token, createdAt: Date.now() } }, 'Late answer');
    const post = await waitFor(
      () => fake.calls.slice(from).find((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages` && content(c).includes(`(ref \`${requestId}\`)`)),
      15_000,
      'the channel message',
    );
    expect(content(post)).toContain('Late answer');
    expect(fake.calls.slice(from).filter((c) => c.path.includes(token)).every((c) => c.status === 401)).toBe(true);
  });

  it('after op 7 RECONNECT the client RESUMEs, and a dispatch sent while it was away is not lost', async () => {
    const seqBefore = fake.lastSeq;
    fake.requestReconnect();
    await waitFor(() => (fake.connected ? undefined : true), 5000, 'the client to close');
    const from = fake.calls.length;
    const mention = fake.mention(channelId, MAYA, 'translate to German');
    await waitFor(() => (fake.resumes.length ? true : undefined), 10_000, 'RESUME');
    expect(fake.resumes[0]).toMatchObject({ token: FAKE_DISCORD.token, session_id: 'fake-session-1', seq: seqBefore });
    expect(fake.identifies).toHaveLength(1);
    const placeholder = await waitFor(
      () => fake.calls.slice(from).find((c) => c.method === 'POST' && (c.body?.['message_reference'] as { message_id?: string } | undefined)?.message_id === mention['id']),
      10_000,
      'the replayed mention',
    );
    expect(content(placeholder)).toMatch(/^⏳ Translating \d+ messages?…$/);
    await bot.waitForLog('discord session resumed');
  });

  it('/genconfig set is refused to a member without Manage Channels, and works for one with it', async () => {
    const set = (permissions: bigint, user: FakeUser) =>
      fake.interact({ name: 'genconfig', type: 1, options: [{ name: 'set', type: 1, options: [{ name: 'settings', type: 3, value: 'temperature=0.3' }] }] }, { user, permissions });
    const answer = (token: string) => waitFor(() => fake.calls.find((c) => isOriginalEdit(token)(c)), 10_000, 'the answer');
    const denied = set((1n << 10n) | (1n << 11n), OMAR);
    expect(content(await answer(denied.token))).toMatch(/Manage Channels/);
    expect(fake.calls.find((c) => c.path.endsWith(`/${denied.token}/callback`))!.body).toMatchObject({ type: 5, data: { flags: 64 } });
    const show = fake.interact({ name: 'genconfig', type: 1, options: [{ name: 'show', type: 1 }] }, { user: OMAR });
    expect(content(await answer(show.token))).toContain('Nothing set for this channel yet');
    const allowed = set((1n << 10n) | (1n << 11n) | MANAGE_CHANNELS, MAYA);
    expect(content(await answer(allowed.token))).toMatch(/^Saved: temperature unset → 0\.3/);
  });

  it('an unknown language is answered with suggestions and a reference, and nothing is queued', async () => {
    const { token } = fake.interact({ name: 'translate', type: 1, options: [{ name: 'language', type: 3, value: 'Germn' }, { name: 'text', type: 3, value: 'Hello' }] }, { user: LENA });
    const answer = await waitFor(() => fake.calls.find((c) => isOriginalEdit(token)(c)), 10_000, 'the answer');
    expect(content(answer)).toMatch(/^⚠️ .*German.*\(ref `discord-[0-9a-f]+`\)$/);
    expect(content(answer)).not.toMatch(/\n\s+at /);
  });

  it("the bot's /metrics counts the Discord replies it delivered", async () => {
    const ops = await bot.waitForLog('ops server listening');
    const text = await (await fetch(`http://127.0.0.1:${String(ops['port'])}/metrics`)).text();
    const discord = [...text.matchAll(/^parley_bot_requests_total\{[^}]*platform="discord"[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    // The mention, /summarize, the context menus and the rest above all ended in a delivered reply.
    expect(discord).toBeGreaterThanOrEqual(5);
  });
});
