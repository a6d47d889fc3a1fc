import { INFERENCE_QUEUE, type RequestJob } from '@parley/jobs';
import { ensureTinySeq2Seq, ensureTinyTokenClassifier } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { DiscordAdapterDriver } from '../helpers/conformance/discord-adapter.js';
import { PlaygroundAdapterDriver } from '../helpers/conformance/playground-adapter.js';
import { SlackAdapterDriver } from '../helpers/conformance/slack-adapter.js';
import { LIMITS, outcomeAfter, TABLE, type AdapterDriver, type Outcome } from '../helpers/conformance/table.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';

/**
 * The conformance suite: one table of requests, asked through each chat adapter's real entry
 * point (Bolt over signed HTTP, discord.js over the gateway, the playground's HTTP API) against
 * its fake platform, with one real worker behind the real queue. Every adapter must give the same
 * neutral outcome: the same job (task, source kind, message count, privacy, language, question)
 * or the same refusal code, and the same words to the requester. A new platform passes this
 * table before it ships.
 */
const ADAPTERS: AdapterDriver[] = [new SlackAdapterDriver(), new DiscordAdapterDriver(), new PlaygroundAdapterDriver()];

const BOT_ENV = {
  MAX_NEW_TOKENS: '8',
  RATE_LIMIT_USER_PER_MINUTE: '1000',
  RATE_LIMIT_CHANNEL_PER_MINUTE: String(LIMITS.perChannelPerMinute),
  MAX_QUEUED_REQUESTS: String(LIMITS.maxQueued),
};

describe('chat adapter conformance: one table through Slack, Discord and the playground', () => {
  const prefix = uniquePrefix('conformance');
  let worker: AppProcess;
  let inference: Queue;

  beforeAll(async () => {
    const registry = join(await mkdtemp(join(tmpdir(), 'parley-conformance-')), 'models.json');
    const [t5, ner] = await Promise.all([ensureTinySeq2Seq({ cacheDir: MODEL_CACHE }), ensureTinyTokenClassifier({ cacheDir: MODEL_CACHE, variant: 'bert' })]);
    // No model translates into Japanese: that row's job fails in the worker.
    const tasks = { summarize: 't5', ask: 't5', entities: 'ner', translate: { '*-de': 't5', '*-en': 't5' } };
    await writeFile(registry, JSON.stringify({ models: { t5: { path: t5 }, ner: { path: ner } }, tasks }));
    worker = new AppProcess('worker', { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, MODEL_REGISTRY: registry, ORT_INTRA_OP_THREADS: '1', LOG_LEVEL: 'info' });
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    await worker.waitForLog('worker ready');
  });

  afterAll(async () => {
    await worker?.stop();
    await inference?.close();
    await dropPrefix(prefix);
  });

  /** Other requests waiting for a worker, as many as the bot accepts: delayed, so the worker leaves them be. */
  async function fillQueue(): Promise<() => Promise<void>> {
    const fillers = await Promise.all(
      Array.from({ length: LIMITS.maxQueued }, (_, i) =>
        inference.add('summarize', { filler: i }, { jobId: `conformance-filler-${i}`, delay: 10 * 60_000 }),
      ),
    );
    return async () => void (await Promise.all(fillers.map((j) => j.remove())));
  }

  const jobOf = async (outcome: Outcome) => (await inference.getJob(outcome.requestId))?.data as RequestJob | undefined;

  describe.each(ADAPTERS.map((a) => [a.platform, a] as const))('%s', (platform, adapter) => {
    beforeAll(() => adapter.start(prefix, BOT_ENV));
    afterAll(() => adapter.stop());

    it.each(TABLE)('$name', async (row) => {
      const empty = row.fullQueue ? await fillQueue() : undefined;
      try {
        const from = adapter.bot.logs.length;
        const asked = await adapter.ask(row.ask);
        const outcome = await outcomeAfter(adapter.bot, from);
        if (row.refused) {
          expect(outcome).toMatchObject({ kind: 'refused', code: row.refused });
          expect(await jobOf(outcome)).toBeUndefined();
        } else {
          const q = row.queued!;
          expect(outcome).toMatchObject({ kind: 'queued', task: q.task, source: q.source, messages: q.messages, private: q.private ?? false });
          const job = await jobOf(outcome);
          expect(job).toMatchObject({ task: q.task, target: { platform, ...(q.private && { private: true }) } });
          expect(job!.messages).toHaveLength(q.messages);
          if (q.language) expect(job).toMatchObject({ language: q.language });
          if (q.question) expect(job).toMatchObject({ question: q.question });
          if (!q.private) expect(job!.target).not.toHaveProperty('private');
        }
        const seen = await asked.seen();
        expect(seen.text).toMatch(row.seen);
        // A refusal is shown where each platform shows one (Slack privately, Discord in the deferred reply); answers are shown alike.
        if (!row.refused) expect(seen.privately).toBe(row.privately ?? false);
      } finally {
        await empty?.();
      }
    });

    it("the request over a channel's rate is refused with the wait, and nothing before it is", async () => {
      const codes: string[] = [];
      for (let i = 0; i <= LIMITS.perChannelPerMinute; i++) {
        const from = adapter.bot.logs.length;
        const asked = await adapter.ask({ task: 'summarize', source: 'busy' });
        const outcome = await outcomeAfter(adapter.bot, from);
        codes.push(outcome.kind === 'refused' ? outcome.code : 'queued');
        if (i === LIMITS.perChannelPerMinute) expect((await asked.seen()).text).toMatch(/You're sending requests a bit fast\. Try again in \d+ s\./);
      }
      // The busy channel is empty: each admitted request is refused for having nothing to read, until the limit.
      expect(codes).toEqual([...Array<string>(LIMITS.perChannelPerMinute).fill('NOTHING_TO_READ'), 'RATE_LIMITED']);
    });

    it('a mention delivered twice is queued once and answered once', async () => {
      const from = adapter.bot.logs.length;
      const asked = await adapter.mentionTwice();
      expect((await asked.seen()).text).toMatch(/summarize · 3 messages/);
      const outcome = await outcomeAfter(adapter.bot, from);
      expect(outcome).toMatchObject({ kind: 'queued', task: 'summarize', source: 'thread', messages: 3 });
      // Time for a second answer, were there one.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await asked.answers()).toBe(1);
      expect(adapter.bot.logs.slice(from).filter((l) => l.msg === 'summarize queued')).toHaveLength(1);
      expect((await inference.getJob(outcome.requestId))!.attemptsStarted).toBe(1);
    });
  });
});
