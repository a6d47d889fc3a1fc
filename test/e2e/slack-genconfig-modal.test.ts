import { INFERENCE_QUEUE, requestJobId } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsStore } from '../../apps/bot/src/core/settings-store.js';
import { SIGNING_SECRET, startSlackBot } from '../helpers/slack-bot.js';
import { AppProcess } from '../helpers/app-process.js';
import { FAKE_TEAM, FakeSlack, type FakeSlackMessage, type FakeSlackView } from '../helpers/fake-slack.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { appHomeOpened, postInteraction, viewSubmission, type FormEntries } from '../helpers/slack-interactions.js';
import { postEvent, postSlashCommand, waitFor } from '../helpers/slack-request.js';

const CHANNEL = 'C0GENERAL';
const THREAD_TS = '1790000000.000100';
const MAX_NEW_TOKENS = 24;
const ADMIN = 'U0BOSS';
const MEMBER = 'U0MAYA';
/** Appears in a message; must never appear in any log line of the bot or the worker. */
const CANARY = 'CANARY-9c41d2';

const THREAD: FakeSlackMessage[] = [
  { ts: THREAD_TS, user: 'U0MAYA', text: `Can we ship the release on Friday? ${CANARY}` },
  { ts: '1790000001.000200', user: 'U0OMAR', text: 'The login fix lands Wednesday.', thread_ts: THREAD_TS },
];

type Block = { type: string; block_id?: string; hint?: { text: string }; element?: Record<string, unknown>; elements?: { text: string }[] };

describe('Slack /genconfig form and App Home end to end: Bolt → Redis settings → ONNX worker', () => {
  const fake = new FakeSlack();
  const prefix = uniquePrefix('genconfig-form');
  const channelScope = { platform: 'slack' as const, workspace: FAKE_TEAM.id, channel: CHANNEL };
  const workspaceScope = { platform: 'slack' as const, workspace: FAKE_TEAM.id };
  let bot: AppProcess;
  let worker: AppProcess;
  let url: string;
  let inference: Queue;
  let redis: Redis;
  let store: SettingsStore;

  beforeAll(async () => {
    const modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    await fake.start();
    fake.threads.set(`${CHANNEL}/${THREAD_TS}`, THREAD);
    for (const [id, name] of Object.entries({ U0MAYA: 'Maya', U0OMAR: 'Omar' })) fake.users.set(id, name);
    fake.admins.add(ADMIN);
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1' });
    ({ bot, url } = await startSlackBot(fake, prefix, {
      MAX_NEW_TOKENS: String(MAX_NEW_TOKENS),
    }));
    await worker.waitForLog('worker ready');
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    redis = new Redis(REDIS_URL);
    store = new SettingsStore(redis, prefix);
  });

  afterAll(async () => {
    await Promise.all([bot?.stop(), worker?.stop()]);
    for (const proc of [bot, worker]) {
      expect(proc.logs.length).toBeGreaterThan(2);
      expect(JSON.stringify(proc.logs) + proc.stderr).not.toContain(CANARY);
    }
    await inference?.close();
    redis?.disconnect();
    await fake.stop();
    await dropPrefix(prefix);
  });

  const command = (user: string, text: string, name = '/genconfig', triggerId: string = randomUUID()) =>
    postSlashCommand(
      url,
      {
        token: 'legacy-verification-token',
        team_id: FAKE_TEAM.id,
        team_domain: FAKE_TEAM.name,
        channel_id: CHANNEL,
        channel_name: 'general',
        user_id: user,
        user_name: user.toLowerCase(),
        command: name,
        text,
        api_app_id: 'A0PARLEY',
        response_url: fake.responseUrl(triggerId),
        trigger_id: triggerId,
      },
      SIGNING_SECRET,
    );

  /** Runs `/genconfig` as an admin and returns the form Slack was asked to open with that trigger. */
  const openForm = async (): Promise<FakeSlackView> => {
    const triggerId = randomUUID();
    const ack = await command(ADMIN, '', '/genconfig', triggerId);
    expect(ack.status).toBe(200);
    expect(ack.body).toBe('');
    return waitFor(() => fake.views.find((v) => v.triggerId === triggerId), 5000, 'views.open with the trigger');
  };
  const submit = (form: FakeSlackView, user: string, entries: FormEntries, team?: string) =>
    postInteraction(url, viewSubmission(form, user, entries, team), SIGNING_SECRET);
  const inputs = (form: FakeSlackView) => (form.view['blocks'] as Block[]).filter((b) => b.type === 'input');

  it("an admin's /genconfig with no arguments opens a form: an input and a hint per setting, the channel's values, the last author", async () => {
    await store.set(channelScope, { doSample: true, temperature: 0.4 }, 'U0PREV');
    await store.set(workspaceScope, { topP: 0.8 }, 'U0PREV');
    const form = await openForm();
    expect(form.method).toBe('views.open');
    expect(form.view).toMatchObject({ type: 'modal', callback_id: 'genconfig_form' });
    expect(JSON.parse(String(form.view['private_metadata']))).toEqual({ team: FAKE_TEAM.id, channel: CHANNEL });
    const byId = new Map(inputs(form).map((b) => [b.block_id, b]));
    expect([...byId.keys()]).toEqual(['decoding', 'temperature', 'top_k', 'top_p', 'max_new_tokens', 'repetition_penalty', 'seed', 'shots', 'preset']);
    for (const b of byId.values()) expect(b.hint?.text).toBeTruthy();
    expect(byId.get('temperature')!.hint!.text).toMatch(/below 1 sharpens/i);
    expect(byId.get('temperature')!.element).toMatchObject({ type: 'number_input', initial_value: '0.4' });
    expect(byId.get('decoding')!.element!['initial_option']).toMatchObject({ value: 'sample' });
    expect(byId.get('top_p')!.element).toMatchObject({ placeholder: { text: 'Empty: inherit 0.8' } });
    expect(byId.get('max_new_tokens')!.element).toMatchObject({ placeholder: { text: `Empty: inherit ${MAX_NEW_TOKENS}` } });
    const context = (form.view['blocks'] as Block[]).find((b) => b.type === 'context')!;
    expect(context.elements![0]!.text).toMatch(/^Last changed by <@U0PREV> <!date\^\d+\^/);
  });

  it('an admin submission changes what the next /summarize job runs with, audited to the submitter and confirmed privately', async () => {
    const form = await openForm();
    const ephemerals = fake.callsTo('chat.postEphemeral').length;
    const res = await submit(form, ADMIN, { decoding: 'sample', temperature: '0.3', top_k: '40', seed: '11', max_new_tokens: '6', shots: '1' });
    expect(res.status).toBe(200);
    expect(res.json).toBeUndefined(); // an empty ack closes the form
    const note = await waitFor(() => fake.callsTo('chat.postEphemeral')[ephemerals], 5000, 'the confirmation');
    expect(note.args).toMatchObject({ channel: CHANNEL, user: ADMIN });
    expect(String(note.args['text'])).toBe(`Saved 5 changes. Settings in <#${CHANNEL}> now: sampling, temperature 0.3, top-p 0.8, top-k 40, max 6 tokens, 1-shot, seed 11.`);
    const audit = await store.audit(channelScope, 5);
    expect(audit.map((e) => [e.actor, e.field, e.new, e.via])).toEqual(
      expect.arrayContaining([[ADMIN, 'topK', 40, 'form'], [ADMIN, 'seed', 11, 'form'], [ADMIN, 'temperature', 0.3, 'form']]),
    );

    const triggerId = randomUUID();
    const posted = fake.answers().length;
    await command(MEMBER, `https://parley-test.slack.invalid/archives/${CHANNEL}/p${THREAD_TS.replace('.', '')}`, '/summarize', triggerId);
    const job = await waitFor(async () => (await inference.getJob(requestJobId('summarize', FAKE_TEAM.id, triggerId))) ?? undefined, 10_000, 'the job');
    // top_p was left empty, so the workspace's 0.8 shows through.
    expect(job.data.generation).toEqual({ doSample: true, temperature: 0.3, topK: 40, topP: 0.8, seed: 11, maxNewTokens: 6, shots: 1 });
    const reply = await waitFor(() => fake.answers()[posted], 30_000, 'the summary');
    expect(reply.text).toContain('sampling, temperature 0.3, top-p 0.8, top-k 40, max 6 tokens');
  });

  it('invalid values are answered under their inputs, and change nothing', async () => {
    const form = await openForm();
    const before = { settings: await store.get(channelScope), audit: await store.audit(channelScope, 50), ephemerals: fake.callsTo('chat.postEphemeral').length };
    const res = await submit(form, ADMIN, { temperature: '0', top_p: '1.5', max_new_tokens: '5000', seed: '-1' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: {
        temperature: 'temperature must be a number above 0 and at most 100 (got 0)',
        top_p: 'top_p must be a number above 0 and at most 1 (got 1.5)',
        max_new_tokens: 'max_new_tokens must be an integer from 1 to 4096 (got 5000)',
        seed: 'seed must be an integer from 0 to 4294967295 (got -1)',
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await store.get(channelScope)).toEqual(before.settings);
    expect(await store.audit(channelScope, 50)).toEqual(before.audit);
    expect(fake.callsTo('chat.postEphemeral')).toHaveLength(before.ephemerals);
  });

  it('a non-admin gets a denial instead of the form, and a replayed or forged submission changes nothing', async () => {
    const opened = fake.views.length;
    const ack = await command(MEMBER, '');
    expect(JSON.parse(ack.body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^Only workspace admins can change Parley's settings\. Settings here: sampling, temperature 0\.3.*Last changed by <@U0BOSS>/),
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.views).toHaveLength(opened);

    const form = await openForm();
    const before = { settings: await store.get(channelScope), audit: await store.audit(channelScope, 50) };
    const byMember = await submit(form, MEMBER, { decoding: 'greedy', temperature: '0.9' });
    expect(byMember.json).toMatchObject({ response_action: 'update', view: { type: 'modal' } });
    expect(JSON.stringify(byMember.json)).toContain("Only workspace admins can change Parley's settings. Nothing was changed.");
    // An admin's form replayed into another workspace is refused too.
    const foreign = await submit(form, ADMIN, { temperature: '0.9' }, 'T0OTHER');
    expect(JSON.stringify(foreign.json)).toContain('This form is not valid here');
    expect(await store.get(channelScope)).toEqual(before.settings);
    expect(await store.audit(channelScope, 50)).toEqual(before.audit);
    expect(await store.get({ platform: 'slack', workspace: 'T0OTHER', channel: CHANNEL })).toEqual({ settings: {}, corrupted: [] });
  });

  it("opening the Home tab publishes how to use Parley, the workspace defaults, and each configured channel's settings and last author", async () => {
    const published = fake.views.length;
    await postEvent(url, appHomeOpened(MEMBER, `Ev${randomUUID().slice(0, 8)}`), SIGNING_SECRET);
    const home = await waitFor(() => fake.views.slice(published).find((v) => v.method === 'views.publish'), 5000, 'views.publish');
    expect(home.userId).toBe(MEMBER);
    expect(home.view['type']).toBe('home');
    const text = JSON.stringify(home.view['blocks']);
    for (const word of ['/summarize', '/genconfig', 'Summarize thread', '@Parley', '`private`']) expect(text).toContain(word);
    expect(text).toContain(`<#${CHANNEL}>: sampling, temperature 0.3, top-p 0.8, top-k 40, max 6 tokens, 1-shot, seed 11\\nLast changed by <@${ADMIN}>`);
    expect(text).toContain(`greedy, max ${MAX_NEW_TOKENS} tokens`);
  });

  it('with many configured channels the Home tab lists the 20 most recent and counts the rest, within Slack limits', async () => {
    for (let i = 0; i < 24; i++) await store.set({ ...workspaceScope, channel: `C0MANY${i}` }, { shots: i % 3 }, ADMIN);
    const published = fake.views.length;
    await postEvent(url, appHomeOpened(ADMIN, `Ev${randomUUID().slice(0, 8)}`), SIGNING_SECRET);
    const home = await waitFor(() => fake.views.slice(published).find((v) => v.method === 'views.publish'), 5000, 'views.publish');
    const text = JSON.stringify(home.view['blocks']);
    expect(text.match(/<#C0[A-Z0-9]+>:/g)).toHaveLength(20);
    expect(text).toContain('<#C0MANY23>');
    expect(text).not.toContain(`<#${CHANNEL}>`);
    expect(text).toContain('…and 5 more channels');
    // The Messages tab publishes nothing.
    const envelope = appHomeOpened(ADMIN, `Ev${randomUUID().slice(0, 8)}`);
    (envelope['event'] as Record<string, unknown>)['tab'] = 'messages';
    const count = fake.views.length;
    await postEvent(url, envelope, SIGNING_SECRET);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.views).toHaveLength(count);
  });
});
