import { INFERENCE_QUEUE, replyJobId, replyJobSchema, replyQueueName, requestJobId, type RequestJob, type ReplyJob } from '@parley/jobs';
import { ensureTinySeq2Seq, ensureTinyTokenClassifier } from '@parley/tiny-models';
import { ASK_BANK } from '@parley/prompts';
import { Queue, QueueEvents } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/slack-request.js';

const MESSAGES = [
  { id: '1790200000.000100', author: 'Maya', text: 'Angela Merkel and Omar meet Siemens in Berlin on Friday to sign the $300 deal.', isBot: false },
  { id: '1790200001.000200', author: 'Omar', text: 'Run `npm test` first, see https://ci.example.invalid/build/42 <@U0LENA> :rocket:', isBot: false },
];

/** Tasks other than summarize, through the real queue and a worker that reads a model registry. */
describe('translate, entities and ask through the queue and a worker with a model registry', () => {
  const prefix = uniquePrefix('tasks');
  let worker: AppProcess;
  let inference: Queue;
  let replies: Queue;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-registry-'));
    const registry = join(dir, 'models.json');
    await writeFile(
      registry,
      JSON.stringify({
        models: {
          t5: { path: await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE }) },
          ner: { path: await ensureTinyTokenClassifier({ cacheDir: MODEL_CACHE, variant: 'bert' }) },
          // A longer window, so that worked examples fit next to the thread.
          t5long: { path: await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE, shape: { maxPositions: 2048 } }) },
        },
        // No summarize model on purpose: the test checks the answer for a task nobody serves.
        tasks: { ask: 't5long', entities: 'ner', translate: { '*-de': 't5', '*-fr': 't5' } },
      }),
    );
    worker = new AppProcess('worker', { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, MODEL_REGISTRY: registry, ORT_INTRA_OP_THREADS: '1', LOG_LEVEL: 'info' });
    await worker.waitForLog('worker ready');
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    replies = new Queue(replyQueueName('demo'), { connection: { url: REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await worker?.stop();
    await Promise.all([inference?.close(), replies?.close()]);
    await dropPrefix(prefix);
  });

  async function run(job: Record<string, unknown> & { task: RequestJob['task'] }): Promise<ReplyJob['outcome']> {
    const runId = randomUUID();
    const requestId = requestJobId(job.task, 'demo', runId);
    await inference.add(job.task, { version: 1, requestId, target: { platform: 'demo', runId }, generation: { maxNewTokens: 16 }, messages: MESSAGES, ...job }, { jobId: requestId });
    const reply = await waitFor(async () => (await replies.getJob(replyJobId(requestId))) ?? undefined, 30_000, `the ${job.task} reply`);
    return replyJobSchema.parse(reply.data).outcome;
  }

  it('translate: the language is named as users write it, and code, links, mentions and emoji come back untouched', async () => {
    const outcome = await run({ task: 'translate', language: 'Deutsch' });
    expect(outcome).toMatchObject({ ok: true, task: 'translate', details: { kind: 'translation', language: { code: 'de', name: 'German' } }, messagesCovered: 2 });
    const text = outcome.ok ? outcome.text : '';
    for (const span of ['`npm test`', 'https://ci.example.invalid/build/42', ':rocket:']) expect(text).toContain(span);
    // Model output can never ping: the mention comes back defanged.
    expect(text).not.toMatch(/<@U0LENA>/);
    expect(text).toContain('@\u200b');
  });

  it('translate: an unknown language gets a clear answer with a suggestion, and no retry', async () => {
    const outcome = await run({ task: 'translate', language: 'Germna' });
    expect(outcome).toEqual({ ok: false, code: 'UNKNOWN_LANGUAGE', userMessage: expect.stringMatching(/"Germna".*German/) });
  });

  it('translate: a language no model serves names the missing pair', async () => {
    const outcome = await run({ task: 'translate', language: 'ja' });
    expect(outcome).toEqual({ ok: false, code: 'NO_MODEL', userMessage: 'No model is set up for translation into Japanese. Ask an admin to add one.' });
  });

  it('entities: grouped by type and counted, with the ids of the messages they came from', async () => {
    const outcome = await run({ task: 'entities' });
    expect(outcome.ok && outcome.details?.kind).toBe('entities');
    if (!outcome.ok || outcome.details?.kind !== 'entities') return;
    expect(outcome.details.method).toBe('token-classifier');
    const byType = new Map(outcome.details.groups.map((g) => [g.type, g.items]));
    expect(byType.get('DATE')).toEqual([{ text: 'Friday', count: 1, messageIds: [MESSAGES[0]!.id] }]);
    expect(byType.get('AMOUNT')).toEqual([{ text: '$300', count: 1, messageIds: [MESSAGES[0]!.id] }]);
    for (const g of outcome.details.groups) for (const item of g.items) for (const id of item.messageIds) expect(MESSAGES.map((m) => m.id)).toContain(id);
    expect(outcome.details.groups.length).toBeGreaterThan(2);
  });

  it('entities: with nothing to find (here only bot messages, which are skipped), the reply says so in words', async () => {
    const outcome = await run({ task: 'entities', messages: [{ id: 'b1', author: 'CI bot', text: 'Maya deployed to Berlin on Friday for $300', isBot: true }] });
    expect(outcome).toMatchObject({ ok: true, text: 'No people, organisations, places, dates or amounts found.', details: { kind: 'entities', groups: [] } });
  });

  it('ask: answers from the thread with the ask template, or says plainly the thread does not say', async () => {
    const outcome = await run({ task: 'ask', question: 'When is the meeting?' });
    expect(outcome).toMatchObject({ ok: true, task: 'ask', messagesCovered: 2, prompt: { template: 'ask/t5@1' } });
    if (!outcome.ok || outcome.details?.kind !== 'answer') throw new Error('no answer details');
    if (!outcome.details.answered) expect(outcome.text).toBe("The thread doesn't say.");
    else expect(outcome.text.length).toBeGreaterThan(0);
  });

  it('ask with shots: whole worked examples from the versioned bank, as many as fit, recorded in the reply', async () => {
    const outcome = await run({ task: 'ask', question: 'Who owns the rollback plan?', generation: { maxNewTokens: 16, shots: 3 } });
    if (!outcome.ok) throw new Error(outcome.userMessage);
    const bankIds = ASK_BANK.examples.map((e) => e.id);
    expect(outcome.prompt!.examples.length).toBeGreaterThan(0);
    expect(outcome.prompt!.examples.length).toBeLessThanOrEqual(3);
    // Whole examples from the start of the bank, in bank order.
    expect(outcome.prompt!.examples).toEqual(bankIds.slice(0, outcome.prompt!.examples.length));
    const zeroShot = await run({ task: 'ask', question: 'Who owns the rollback plan?' });
    expect(zeroShot.ok && zeroShot.prompt!.examples).toEqual([]);
  });

  it('partial text is published as job progress, at most every 500 ms, each a prefix of the reply', async () => {
    const events = new QueueEvents(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    await events.waitUntilReady();
    const seen: { text: string; at: number }[] = [];
    events.on('progress', ({ data }) => seen.push({ text: (data as { text: string }).text, at: Date.now() }));
    const started = Date.now();
    const outcome = await run({ task: 'ask', question: 'What was decided about the release?', generation: { maxNewTokens: 600 } });
    const took = Date.now() - started;
    await new Promise((r) => setTimeout(r, 300));
    await events.close();
    if (!outcome.ok) throw new Error(outcome.userMessage);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(took / 500) + 1);
    for (const p of seen) expect(outcome.text.startsWith(p.text) || outcome.text === "The thread doesn't say.").toBe(true);
    console.info(`[progress] ${seen.length} progress updates over a ${took} ms generation`);
  });

  it('a task no model serves is refused with its name', async () => {
    const outcome = await run({ task: 'summarize' });
    expect(outcome).toEqual({ ok: false, code: 'NO_MODEL', userMessage: 'No model is set up for summarize. Ask an admin to add one.' });
  });
});
