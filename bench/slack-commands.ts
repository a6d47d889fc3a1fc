/**
 * npm run bench:slack — 100 slash commands sent at once to a real bot process (Bolt, HTTP mode)
 * in front of 2 worker processes with the tiny model, against the fake Slack Web API on
 * 127.0.0.1, which enforces Slack's per-workspace tiers with HTTP 429 (chat.update and
 * assistant.threads.setStatus Tier 3, 50 a minute; chat.appendStream Tier 4, 100; chat.startStream
 * and chat.stopStream Tier 2, 20). Run twice in the same process:
 *
 * - **stream**: the workspace offers Slack's stream methods: the thread's status while waiting,
 *   then chat.startStream / appendStream, and chat.stopStream with the answer;
 * - **placeholder**: the fake refuses chat.startStream (`not_allowed_token_type`), so the bot
 *   falls back to a placeholder edited with chat.update, as Parley did before the stream methods.
 *
 * Measures, per command: the ack, the first thing the thread shows (status or placeholder), the
 * first streamed text, the number of streamed updates before the answer, and the final answer;
 * and compares both with the committed placeholder-only run (`slack-commands-placeholder.json`).
 */
import { INFERENCE_QUEUE, requestJobId } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { AppProcess } from '../test/helpers/app-process.js';
import { FAKE_BOT, FakeSlack, isPlaceholderText, type SlackApiCall } from '../test/helpers/fake-slack.js';
import { MODEL_CACHE, REPO_ROOT } from '../test/helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../test/helpers/redis.js';
import { postSlashCommand } from '../test/helpers/slack-request.js';
import { percentile } from './stats.js';

const COMMANDS = Number(process.env['BENCH_COMMANDS'] ?? 100);
const WORKSPACES = Number(process.env['BENCH_WORKSPACES'] ?? 10);
const MAX_NEW_TOKENS = 400;
/** How often a worker publishes its text; the bot paces what reaches Slack by the tiers either way. */
const PROGRESS_INTERVAL_MS = 25;
const SECRET = 'bench-signing-secret';
/** Slack's tiers per workspace and method, as the fake enforces them. */
const TIERS: Record<string, number> = {
  'chat.update': 50,
  'assistant.threads.setStatus': 50,
  'chat.appendStream': 100,
  'chat.startStream': 20,
  'chat.stopStream': 20,
};

type Mode = 'stream' | 'placeholder';

interface Sample {
  ackMs: number;
  /** The status line (stream) or the placeholder (placeholder) appearing. */
  waitingMs?: number;
  firstTextMs?: number;
  /** Streamed updates the thread showed before the answer: stream start and appends, or placeholder edits with text. */
  updates: number;
  finalMs?: number;
}

type Stats = { n: number; p50: number | null; p99: number | null };
const stats = (values: (number | undefined)[]): Stats => {
  const v = values.filter((x): x is number => x !== undefined);
  return v.length ? { n: v.length, p50: Math.round(percentile(v, 50)), p99: Math.round(percentile(v, 99)) } : { n: 0, p50: null, p99: null };
};

const channelOf = (i: number) => `C0BENCH${i % WORKSPACES}`;
const teamOf = (i: number) => `T${i % WORKSPACES}`;
const ok = (c: SlackApiCall) => c.status === 200 && c.answer?.['ok'] === true;

/** What one request's thread showed, read off the fake's calls. */
function sampleOf(fake: FakeSlack, mode: Mode, i: number, threadTs: string, sentAt: number, ackMs: number): Sample {
  const channel = channelOf(i);
  const sample: Sample = { ackMs, updates: 0 };
  const inThread = (c: SlackApiCall) => c.args['channel'] === channel || c.args['channel_id'] === channel;
  if (mode === 'stream') {
    const status = fake.calls.find((c) => c.method === 'assistant.threads.setStatus' && ok(c) && inThread(c) && c.args['thread_ts'] === threadTs);
    const start = fake.calls.find((c) => c.method === 'chat.startStream' && ok(c) && inThread(c) && c.args['thread_ts'] === threadTs);
    if (status) sample.waitingMs = status.at - sentAt;
    if (!start) return withFinal(sample, fake.calls.find((c) => c.method === 'chat.postMessage' && ok(c) && c.args['thread_ts'] === threadTs), sentAt);
    const ts = start.answer?.['ts'];
    const stop = fake.calls.find((c) => c.method === 'chat.stopStream' && ok(c) && c.args['ts'] === ts);
    const appends = fake.calls.filter((c) => c.method === 'chat.appendStream' && ok(c) && c.args['ts'] === ts && (!stop || c.at <= stop.at));
    sample.firstTextMs = start.at - sentAt;
    sample.updates = 1 + appends.length;
    const replaced = stop && fake.calls.find((c) => c.method === 'chat.update' && ok(c) && c.args['ts'] === ts && c.at >= stop.at);
    return withFinal(sample, replaced ?? stop, sentAt);
  }
  const placeholder = fake.calls.find((c) => c.method === 'chat.postMessage' && ok(c) && c.args['thread_ts'] === threadTs && isPlaceholderText(String(c.args['text'])));
  if (!placeholder) return withFinal(sample, fake.calls.find((c) => c.method === 'chat.postMessage' && ok(c) && c.args['thread_ts'] === threadTs), sentAt);
  const ts = placeholder.answer?.['ts'];
  sample.waitingMs = placeholder.at - sentAt;
  const edits = fake.calls.filter((c) => c.method === 'chat.update' && ok(c) && c.args['ts'] === ts);
  const streamed = edits.filter((e) => String(e.args['text']).endsWith(':writing_hand:'));
  if (String(placeholder.args['text']).endsWith(':writing_hand:')) streamed.unshift(placeholder);
  if (streamed[0]) sample.firstTextMs = streamed[0].at - sentAt;
  sample.updates = streamed.length;
  return withFinal(sample, edits.find((e) => !isPlaceholderText(String(e.args['text']))), sentAt);
}

function withFinal(sample: Sample, final: SlackApiCall | undefined, sentAt: number): Sample {
  if (final) sample.finalMs = final.at - sentAt;
  return sample;
}

async function run(mode: Mode, modelDir: string) {
  const fake = new FakeSlack();
  await fake.start();
  for (const [method, perMinute] of Object.entries(TIERS)) fake.tierLimits.set(method, perMinute);
  if (mode === 'placeholder') fake.streamRefusal = 'not_allowed_token_type';
  const prefix = uniquePrefix(`bench-slack-${mode}`);
  const threads = Array.from({ length: COMMANDS }, (_, i) => `${1790000000 + i * 10}.000100`);
  for (let w = 0; w < WORKSPACES; w++) fake.channelTeams.set(`C0BENCH${w}`, `T${w}`);
  for (const [i, ts] of threads.entries()) {
    fake.threads.set(`${channelOf(i)}/${ts}`, [
      { ts, user: `U${i}A`, text: `Release ${i}: can we ship on Friday? QA signed off except the login bug.` },
      { ts: ts.replace('.000100', '.000200'), user: `U${i}B`, text: 'The login fix is in review and lands Wednesday.', thread_ts: ts },
      { ts: ts.replace('.000100', '.000300'), user: `U${i}A`, text: 'Then Friday it is; I will write the notes.', thread_ts: ts },
    ]);
    fake.users.set(`U${i}A`, `Maya${i}`).set(`U${i}B`, `Omar${i}`);
  }
  const inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
  const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' };
  const workers = [0, 1].map(
    () => new AppProcess('worker', { ...common, MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1', WORKER_CONCURRENCY: '8', PROGRESS_INTERVAL_MS: String(PROGRESS_INTERVAL_MS), LOG_LEVEL: 'info' }),
  );
  // The bot keeps its production budgets (SLACK_UPDATES_PER_MINUTE 50, SLACK_APPENDS_PER_MINUTE 100, SLACK_STATUS_PER_MINUTE 50).
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
            text: `https://parley-test.slack.invalid/archives/${channelOf(i)}/p${ts.replace('.', '')}`,
            team_id: teamOf(i),
            channel_id: channelOf(i),
            user_id: `U${i}A`,
            trigger_id: triggers[i]!,
            response_url: fake.responseUrl(randomUUID()),
          },
          SECRET,
        );
      }),
    );
    const deadline = Date.now() + 300_000;
    const sampleAll = () => threads.map((ts, i) => sampleOf(fake, mode, i, ts, sentAt[i]!, acks[i]!.elapsedMs));
    // A cheap check while the run goes on (the samples scan every call, and the bench shares the CPU with what it measures):
    // every thread holds a finished answer, i.e. a bot message with the feedback buttons.
    const answered = (ts: string, i: number) =>
      (fake.threads.get(`${channelOf(i)}/${ts}`) ?? []).some((m) => m.bot_id === FAKE_BOT.botId && !m.streaming && JSON.stringify(m.blocks ?? []).includes('context_actions'));
    while (!threads.every(answered) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => setTimeout(r, 1000));
    const samples = sampleAll();
    // Every answer is in Redis as its job's result; the figures only count what the thread showed.
    const jobs = await Promise.all(threads.map((_, i) => inference.getJob(requestJobId('summarize', teamOf(i), triggers[i]!))));
    // Where the time to the first text goes: waiting for a worker, or from the worker starting to the thread showing text.
    const startedMs = jobs.map((j, i) => (j?.processedOn ? j.processedOn - sentAt[i]! : undefined));
    const botMessages = threads.map((ts, i) => (fake.threads.get(`${channelOf(i)}/${ts}`) ?? []).filter((m) => m.bot_id === FAKE_BOT.botId).length);
    return {
      mode,
      jobsFound: jobs.filter(Boolean).length,
      ackMs: stats(samples.map((s) => s.ackMs)),
      waitingShownMs: stats(samples.map((s) => s.waitingMs)),
      firstTextMs: stats(samples.map((s) => s.firstTextMs)),
      jobStartedMs: stats(startedMs),
      firstTextAfterJobStartMs: stats(samples.map((s, i) => (s.firstTextMs !== undefined && startedMs[i] !== undefined ? s.firstTextMs - startedMs[i]! : undefined))),
      finalAnswerMs: stats(samples.map((s) => s.finalMs)),
      updatesBeforeAnswer: { min: Math.min(...samples.map((s) => s.updates)), p50: percentile(samples.map((s) => s.updates), 50), max: Math.max(...samples.map((s) => s.updates)) },
      requestsWith3Updates: samples.filter((s) => s.updates >= 3).length,
      requestsWithAnyUpdate: samples.filter((s) => s.updates >= 1).length,
      answered: samples.filter((s) => s.finalMs !== undefined).length,
      threadsWithOneBotMessage: botMessages.filter((n) => n === 1).length,
      acksOver3s: samples.filter((s) => s.ackMs >= 3000).length,
      callsByMethod: Object.fromEntries(Object.keys(TIERS).map((m) => [m, fake.calls.filter((c) => c.method === m && c.status === 200).length])),
      slack429s: fake.calls.filter((c) => c.status === 429).length,
    };
  } finally {
    await Promise.all([bot.stop(), ...workers.map((w) => w.stop())]);
    await fake.stop();
    await inference.close();
    await dropPrefix(prefix);
  }
}

async function main(): Promise<void> {
  const modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
  const committed = JSON.parse(await readFile(`${REPO_ROOT}bench/results/slack-commands-placeholder.json`, 'utf8')) as {
    firstStreamedEditMs: Stats;
    finalAnswerMs: Stats;
  };
  const stream = await run('stream', modelDir);
  // The first run's processes and connections wind down; without a pause the second run's first second is slower.
  await new Promise((r) => setTimeout(r, 10_000));
  const placeholder = await run('placeholder', modelDir);
  /** How many times faster `a` is than `b` (b ÷ a): above 1× means `a` came sooner. */
  const ratio = (a: number | null, b: number | null) => (a && b ? `${(b / a).toFixed(2)}×` : '–');
  const result = {
    machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), node: process.version },
    commands: COMMANDS,
    workspaces: WORKSPACES,
    workers: `2 processes, WORKER_CONCURRENCY 8 (one continuous batch per model), ORT 1 thread each, tiny T5 model, progress every ${PROGRESS_INTERVAL_MS} ms`,
    maxNewTokens: MAX_NEW_TOKENS,
    tiers: TIERS,
    stream,
    placeholder,
    committedPlaceholder: { firstStreamedEditMs: committed.firstStreamedEditMs, finalAnswerMs: committed.finalAnswerMs },
  };
  const ms = (s: Stats) => `${s.p50 ?? '–'} / ${s.p99 ?? '–'} ms (${s.n})`;
  const table = [
    `${COMMANDS} concurrent /summarize commands (thread links) over ${WORKSPACES} workspaces; 2 workers (8 jobs each, batched) with the tiny model; ${MAX_NEW_TOKENS} new tokens; the fake enforces Slack's tiers per workspace (${Object.entries(TIERS)
      .map(([m, n]) => `${m} ${n}/min`)
      .join(', ')}).`,
    '',
    '| p50 / p99 (requests) | stream methods | placeholder fallback, same run | placeholder, committed run |',
    '|---|---:|---:|---:|',
    `| ack | ${ms(stream.ackMs)} | ${ms(placeholder.ackMs)} | – |`,
    `| status line / placeholder shown | ${ms(stream.waitingShownMs)} | ${ms(placeholder.waitingShownMs)} | – |`,
    `| a worker starts the job | ${ms(stream.jobStartedMs)} | ${ms(placeholder.jobStartedMs)} | – |`,
    `| first streamed text | ${ms(stream.firstTextMs)} | ${ms(placeholder.firstTextMs)} | ${ms(committed.firstStreamedEditMs)} |`,
    `| … counted from the worker starting the job | ${ms(stream.firstTextAfterJobStartMs)} | ${ms(placeholder.firstTextAfterJobStartMs)} | – |`,
    `| final answer | ${ms(stream.finalAnswerMs)} | ${ms(placeholder.finalAnswerMs)} | ${ms(committed.finalAnswerMs)} |`,
    '',
    `| | stream methods | placeholder fallback |`,
    '|---|---:|---:|',
    `| requests with ≥ 3 streamed updates before the answer | ${stream.requestsWith3Updates} of ${COMMANDS} | ${placeholder.requestsWith3Updates} of ${COMMANDS} |`,
    `| requests with any streamed update | ${stream.requestsWithAnyUpdate} | ${placeholder.requestsWithAnyUpdate} |`,
    `| streamed updates per request (min / p50 / max) | ${stream.updatesBeforeAnswer.min} / ${stream.updatesBeforeAnswer.p50} / ${stream.updatesBeforeAnswer.max} | ${placeholder.updatesBeforeAnswer.min} / ${placeholder.updatesBeforeAnswer.p50} / ${placeholder.updatesBeforeAnswer.max} |`,
    `| answered, threads with exactly one bot message | ${stream.answered}, ${stream.threadsWithOneBotMessage} | ${placeholder.answered}, ${placeholder.threadsWithOneBotMessage} |`,
    `| Slack 429s | ${stream.slack429s} | ${placeholder.slack429s} |`,
    `| acks over 3 s | ${stream.acksOver3s} | ${placeholder.acksOver3s} |`,
    '',
    `Speed of the stream methods as a ratio (other ÷ stream; above 1× the stream methods are faster). Against the placeholder fallback of this run: first streamed text p50 ${ratio(stream.firstTextMs.p50, placeholder.firstTextMs.p50)}, p99 ${ratio(stream.firstTextMs.p99, placeholder.firstTextMs.p99)}; final answer p50 ${ratio(stream.finalAnswerMs.p50, placeholder.finalAnswerMs.p50)}, p99 ${ratio(stream.finalAnswerMs.p99, placeholder.finalAnswerMs.p99)}. Against the committed placeholder run (another day's machine): first streamed text p50 ${ratio(stream.firstTextMs.p50, committed.firstStreamedEditMs.p50)}, p99 ${ratio(stream.firstTextMs.p99, committed.firstStreamedEditMs.p99)}; final answer p50 ${ratio(stream.finalAnswerMs.p50, committed.finalAnswerMs.p50)}, p99 ${ratio(stream.finalAnswerMs.p99, committed.finalAnswerMs.p99)}. Calls (stream run): ${Object.entries(stream.callsByMethod)
      .map(([m, n]) => `${m} ${n}`)
      .join(', ')}.`,
  ].join('\n');
  console.log(table);
  await mkdir(`${REPO_ROOT}bench/results`, { recursive: true });
  await writeFile(`${REPO_ROOT}bench/results/slack-commands.json`, JSON.stringify(result, null, 2));
  await writeFile(`${REPO_ROOT}bench/results/slack-commands.md`, `${table}\n`);
}

await main();
