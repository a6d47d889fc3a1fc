/**
 * npm run bench:slack — 100 slash commands sent at once to a real bot process (Bolt, HTTP mode)
 * in front of 2 worker processes with the tiny model, against the fake Slack Web API on
 * 127.0.0.1. Measures, per command: the ack, the placeholder appearing in the thread, the first
 * streamed edit, and the final answer, also less the request's own model time and queue wait
 * (the engine issue's case d: what Parley adds outside the model). Streamed edits go through the bot's real per-workspace
 * chat.update budget (SLACK_UPDATES_PER_MINUTE, Slack's Tier 3 default of 50), so with many
 * requests in one workspace most answers arrive before any streamed edit could be spent on them:
 * the figures show that trade-off rather than hide it.
 */
import { INFERENCE_QUEUE, replyJobId, replyJobSchema, replyQueueName, requestJobId } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { AppProcess } from '../test/helpers/app-process.js';
import { FAKE_BOT, FakeSlack, isPlaceholderText } from '../test/helpers/fake-slack.js';
import { MODEL_CACHE, REPO_ROOT } from '../test/helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../test/helpers/redis.js';
import { postSlashCommand } from '../test/helpers/slack-request.js';
import { percentile } from './stats.js';

const COMMANDS = Number(process.env['BENCH_COMMANDS'] ?? 100);
const WORKSPACES = Number(process.env['BENCH_WORKSPACES'] ?? 10);
const MAX_NEW_TOKENS = 400;
const SECRET = 'bench-signing-secret';
const CHANNEL = 'C0BENCH';

interface Sample {
  ackMs: number;
  /** From the worker starting the job to its first streamed edit. */
  streamAfterStartMs?: number;
  placeholderMs?: number;
  firstStreamMs?: number;
  finalMs?: number;
  /** The final answer's time less the request's own model time (its generationMs). */
  outsideModelMs?: number;
  /** Where that time went: the bot reading the thread and enqueueing, the queue, the worker outside the model, delivery. */
  beforeQueueMs?: number;
  queuedMs?: number;
  workerOutsideModelMs?: number;
  deliveryMs?: number;
}

const stats = (values: (number | undefined)[]) => {
  const v = values.filter((x): x is number => x !== undefined);
  return v.length ? { n: v.length, p50: Math.round(percentile(v, 50)), p99: Math.round(percentile(v, 99)) } : { n: 0, p50: null, p99: null };
};

async function main(): Promise<void> {
  const fake = new FakeSlack();
  await fake.start();
  const prefix = uniquePrefix('bench-slack');
  const threads = Array.from({ length: COMMANDS }, (_, i) => `${1790000000 + i * 10}.000100`);
  for (const [i, ts] of threads.entries()) {
    fake.threads.set(`${CHANNEL}/${ts}`, [
      { ts, user: `U${i}A`, text: `Release ${i}: can we ship on Friday? QA signed off except the login bug.` },
      { ts: ts.replace('.000100', '.000200'), user: `U${i}B`, text: 'The login fix is in review and lands Wednesday.', thread_ts: ts },
      { ts: ts.replace('.000100', '.000300'), user: `U${i}A`, text: 'Then Friday it is; I will write the notes.', thread_ts: ts },
    ]);
    fake.users.set(`U${i}A`, `Maya${i}`).set(`U${i}B`, `Omar${i}`);
  }
  const modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
  const inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
  const replies = new Queue(replyQueueName('slack'), { connection: { url: REDIS_URL }, prefix });
  const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' };
  const workers = [0, 1].map(() => new AppProcess('worker', { ...common, MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1', WORKER_CONCURRENCY: '8', PROGRESS_INTERVAL_MS: '100', LOG_LEVEL: 'info' }));
  const bot = new AppProcess('bot', {
    ...common,
    LOG_LEVEL: 'info',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: FAKE_BOT.token,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    MAX_NEW_TOKENS: String(MAX_NEW_TOKENS),
    RATE_LIMIT_USER_PER_MINUTE: '1000',
    RATE_LIMIT_CHANNEL_PER_MINUTE: '1000',
  });
  try {
    const url = `http://127.0.0.1:${String((await bot.waitForLog('slack adapter listening'))['port'])}/slack/events`;
    await Promise.all(workers.map((w) => w.waitForLog('worker ready')));
    const sentAt: number[] = [];
    const triggers = threads.map(() => randomUUID());
    const acks = await Promise.all(
      threads.map((ts, i) => {
        sentAt[i] = Date.now();
        return postSlashCommand(
          url,
          {
            command: '/summarize',
            text: `https://parley-test.slack.invalid/archives/${CHANNEL}/p${ts.replace('.', '')}`,
            team_id: `T${i % WORKSPACES}`,
            channel_id: CHANNEL,
            user_id: `U${i}A`,
            trigger_id: triggers[i]!,
            response_url: fake.responseUrl(randomUUID()),
          },
          SECRET,
        );
      }),
    );
    const samples: Sample[] = acks.map((a) => ({ ackMs: a.elapsedMs }));
    const deadline = Date.now() + 300_000;
    const finished = () => fake.answers().length >= COMMANDS;
    while (!finished() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

    for (const [i, ts] of threads.entries()) {
      const placeholder = fake.calls.find((c) => c.method === 'chat.postMessage' && c.status === 200 && c.args['thread_ts'] === ts && isPlaceholderText(String(c.args['text'])));
      if (!placeholder) continue;
      const placeholderTs = placeholder.answer?.['ts'];
      const edits = fake.calls.filter((c) => c.method === 'chat.update' && c.status === 200 && c.args['ts'] === placeholderTs);
      const streamed = edits.find((e) => String(e.args['text']).endsWith(':writing_hand:'));
      const final = edits.find((e) => !isPlaceholderText(String(e.args['text'])));
      samples[i]!.placeholderMs = placeholder.at - sentAt[i]!;
      const job = await inference.getJob(requestJobId('summarize', `T${i % WORKSPACES}`, triggers[i]!));
      if (streamed) {
        samples[i]!.firstStreamMs = streamed.at - sentAt[i]!;
        if (job?.processedOn) samples[i]!.streamAfterStartMs = streamed.at - job.processedOn;
      }
      if (final) {
        const finalMs = final.at - sentAt[i]!;
        samples[i]!.finalMs = finalMs;
        const replyJob = job && (await replies.getJob(replyJobId(String(job.data.requestId))));
        const reply = replyJobSchema.safeParse(replyJob?.data);
        const outcome = reply.success ? reply.data.outcome : null;
        if (outcome?.ok && job?.processedOn && replyJob) {
          const model = outcome.stats.generationMs;
          Object.assign(samples[i]!, {
            outsideModelMs: finalMs - model,
            beforeQueueMs: job.timestamp - sentAt[i]!,
            queuedMs: job.processedOn - job.timestamp,
            workerOutsideModelMs: replyJob.timestamp - job.processedOn - model,
            deliveryMs: final.at - replyJob.timestamp,
          });
        }
      }
    }
    const rateLimited = fake.calls.filter((c) => c.status === 429).length;
    const result = {
      machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), node: process.version },
      commands: COMMANDS,
      workspaces: WORKSPACES,
      workers: '2 processes, WORKER_CONCURRENCY 8 (one continuous batch per model), ORT 1 thread each, tiny T5 model',
      maxNewTokens: MAX_NEW_TOKENS,
      updatesPerMinutePerWorkspace: 50,
      ackMs: stats(samples.map((s) => s.ackMs)),
      placeholderMs: stats(samples.map((s) => s.placeholderMs)),
      firstStreamedEditMs: stats(samples.map((s) => s.firstStreamMs)),
      firstStreamedEditAfterJobStartMs: stats(samples.map((s) => s.streamAfterStartMs)),
      finalAnswerMs: stats(samples.map((s) => s.finalMs)),
      outsideModelMs: stats(samples.map((s) => s.outsideModelMs)),
      beforeQueueMs: stats(samples.map((s) => s.beforeQueueMs)),
      queuedMs: stats(samples.map((s) => s.queuedMs)),
      workerOutsideModelMs: stats(samples.map((s) => s.workerOutsideModelMs)),
      deliveryMs: stats(samples.map((s) => s.deliveryMs)),
      acksOver3s: samples.filter((s) => s.ackMs >= 3000).length,
      chatUpdateCalls: fake.calls.filter((c) => c.method === 'chat.update').length,
      slack429s: rateLimited,
    };
    const row = (name: string, s: { n: number; p50: number | null; p99: number | null }) => `| ${name} | ${s.n} | ${s.p50 ?? '–'} ms | ${s.p99 ?? '–'} ms |`;
    const table = [
      `${COMMANDS} concurrent /summarize commands over ${WORKSPACES} workspaces; 2 workers (8 jobs each, batched) with the tiny model; ${MAX_NEW_TOKENS} new tokens; chat.update ≤ 50/min per workspace.`,
      '',
      '| from the command to | requests | p50 | p99 |',
      '|---|---:|---:|---:|',
      row('ack (HTTP 200 with "Working on it…")', result.ackMs),
      row('placeholder posted in the thread', result.placeholderMs),
      row('first streamed edit', result.firstStreamedEditMs),
      row('first streamed edit, counted from the worker starting the job', result.firstStreamedEditAfterJobStartMs),
      row('final answer', result.finalAnswerMs),
      row('final answer less the request\'s model time (case d: overhead outside the model)', result.outsideModelMs),
      row('… of which: command to job enqueued (bot reads the thread)', result.beforeQueueMs),
      row('… of which: waiting in the queue', result.queuedMs),
      row('… of which: in the worker outside the model (prompt, reply queued)', result.workerOutsideModelMs),
      row('… of which: reply queued to final chat.update (bot delivery)', result.deliveryMs),
      '',
      `acks over 3 s: ${result.acksOver3s}; chat.update calls: ${result.chatUpdateCalls}; Slack 429s: ${result.slack429s}`,
    ].join('\n');
    console.log(table);
    await mkdir(`${REPO_ROOT}bench/results`, { recursive: true });
    await writeFile(`${REPO_ROOT}bench/results/slack-commands.json`, JSON.stringify(result, null, 2));
    await writeFile(`${REPO_ROOT}bench/results/slack-commands.md`, `${table}\n`);
  } finally {
    await Promise.all([bot.stop(), ...workers.map((w) => w.stop())]);
    await fake.stop();
    await inference.close();
    await replies.close();
    await dropPrefix(prefix);
  }
}

await main();
