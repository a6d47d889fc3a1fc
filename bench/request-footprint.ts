/**
 * npm run footprint — how many of Parley's own source files one `/summarize` runs through, bot and
 * worker together, on Slack and on Discord, and how many of the bot's files the two share: a
 * measure of how many places a change to the request path has to touch, and of how much of that
 * path is written once for every platform.
 *
 * Method: a real bot (Bolt over HTTP, or discord.js over the gateway) and a real worker (the tiny
 * model) run twice under V8's precise coverage (NODE_V8_COVERAGE), against the platform's fake:
 * once idle, once answering one `/summarize` of a thread, for the same time. A file counts when
 * any of its functions ran more often in the second run than in the first, so start-up and
 * shutdown are left out and what is left is the request's own path: intake, reading, queueing,
 * prompting, generation and delivery. Files are named by their source path (`apps/bot/src/…ts`).
 */
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppProcess } from '../test/helpers/app-process.js';
import { startDiscordBot } from '../test/helpers/discord-bot.js';
import { FAKE_DISCORD, FakeDiscord, visibleText } from '../test/helpers/fake-discord.js';
import { FakeSlack } from '../test/helpers/fake-slack.js';
import { MODEL_CACHE, REPO_ROOT } from '../test/helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../test/helpers/redis.js';
import { SIGNING_SECRET, startSlackBot } from '../test/helpers/slack-bot.js';
import { postSlashCommand } from '../test/helpers/slack-request.js';

const CHANNEL = 'C0GENERAL';
const THREAD_TS = '1790000000.000100';
const LINK = `https://parley-test.slack.invalid/archives/${CHANNEL}/p${THREAD_TS.replace('.', '')}`;

interface ScriptCoverage {
  url: string;
  functions: { functionName: string; ranges: { startOffset: number; count: number }[] }[];
}

/** Invocation counts of every function of Parley's own built files, by source file. */
async function countsIn(dir: string): Promise<Map<string, Map<string, number>>> {
  const byFile = new Map<string, Map<string, number>>();
  for (const name of await readdir(dir)) {
    const { result } = JSON.parse(await readFile(join(dir, name), 'utf8')) as { result: ScriptCoverage[] };
    for (const script of result) {
      if (!script.url.startsWith('file:')) continue;
      const path = relative(REPO_ROOT, fileURLToPath(script.url));
      const source = /^(apps|packages)\/[^/]+\/dist\//.test(path) ? path.replace('/dist/', '/src/').replace(/\.js$/, '.ts') : undefined;
      if (!source || path.includes('node_modules')) continue;
      const counts = byFile.get(source) ?? new Map<string, number>();
      for (const f of script.functions) {
        const key = `${f.functionName}@${f.ranges[0]!.startOffset}`;
        counts.set(key, (counts.get(key) ?? 0) + f.ranges[0]!.count);
      }
      byFile.set(source, counts);
    }
  }
  return byFile;
}

type Platform = 'slack' | 'discord';

/** A fake platform with one thread, a bot process against it, and how to ask for the thread's summary and see it answered. */
async function platformFor(platform: Platform, prefix: string, env: Record<string, string>): Promise<{ bot: AppProcess; ask: () => Promise<void>; stop: () => Promise<void> }> {
  if (platform === 'slack') {
    const fake = new FakeSlack();
    fake.users.set('U0MAYA', 'Maya').set('U0OMAR', 'Omar');
    fake.threads.set(`${CHANNEL}/${THREAD_TS}`, [
      { ts: THREAD_TS, user: 'U0MAYA', text: 'Can we ship on Friday after the login fix?' },
      { ts: '1790000001.000200', user: 'U0OMAR', text: 'Yes, QA signs off on Thursday.', thread_ts: THREAD_TS },
    ]);
    fake.topLevel.set(CHANNEL, [{ ts: THREAD_TS, user: 'U0MAYA', text: 'Can we ship on Friday after the login fix?' }]);
    await fake.start();
    const { bot, url } = await startSlackBot(fake, prefix, env);
    const ask = async () => {
      const res = await postSlashCommand(url, { team_id: 'T0PARLEY', channel_id: CHANNEL, user_id: 'U0MAYA', command: '/summarize', text: LINK, trigger_id: 'footprint-1', response_url: fake.responseUrl('footprint-1') }, SIGNING_SECRET);
      if (res.status !== 200) throw new Error(`the command was answered ${res.status}`);
      await until(() => fake.answers().some((a) => a.channel === CHANNEL));
    };
    return { bot, ask, stop: () => fake.stop() };
  }
  const fake = new FakeDiscord();
  const maya = { id: '1300000000000000901', username: 'maya', nick: 'Maya' };
  const omar = { id: '1300000000000000902', username: 'omar', nick: 'Omar' };
  fake.users.set(maya.id, maya).set(omar.id, omar);
  await fake.start();
  fake.addMessage(FAKE_DISCORD.threadId, maya, 'Can we ship on Friday after the login fix?');
  fake.addMessage(FAKE_DISCORD.threadId, omar, 'Yes, QA signs off on Thursday.');
  const bot = await startDiscordBot(fake, prefix, FAKE_DISCORD.applicationId, env);
  const ask = async () => {
    const { token } = fake.interact({ name: 'summarize', type: 1, options: [] }, { user: maya, channelId: FAKE_DISCORD.threadId });
    await until(() => fake.calls.some((c) => c.method === 'PATCH' && c.path.includes(`/${token}/messages/@original`) && /-# summarize/.test(visibleText(c.body))));
  };
  return { bot, ask, stop: () => fake.stop() };
}

async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('no answer within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const SETTLE_MS = 4000;

/** Runs a bot and a worker under coverage for SETTLE_MS, asking once when `ask`; returns where each wrote its coverage. */
async function run(platform: Platform, ask: boolean): Promise<{ bot: string; worker: string }> {
  const coverage = await mkdtemp(join(tmpdir(), `parley-footprint-${platform}-`));
  const prefix = uniquePrefix(`footprint-${platform}`);
  const dirs = { bot: join(coverage, 'bot'), worker: join(coverage, 'worker') };
  const worker = new AppProcess('worker', { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, MODEL_DIR: await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE }), ORT_INTRA_OP_THREADS: '1', NODE_V8_COVERAGE: dirs.worker });
  const side = await platformFor(platform, prefix, { NODE_V8_COVERAGE: dirs.bot, MAX_NEW_TOKENS: '16' });
  await worker.waitForLog('worker ready');
  try {
    const started = Date.now();
    if (ask) await side.ask();
    await new Promise((r) => setTimeout(r, Math.max(0, SETTLE_MS - (Date.now() - started))));
  } finally {
    await Promise.all([side.bot.stop(), worker.stop()]);
    await side.stop();
    await dropPrefix(prefix);
  }
  return dirs;
}

/** The files whose functions ran more often while answering than while idle. */
async function touchedBy(platform: Platform): Promise<Record<'bot' | 'worker', string[]>> {
  const idle = await run(platform, false);
  const busy = await run(platform, true);
  const touched: Record<'bot' | 'worker', string[]> = { bot: [], worker: [] };
  for (const side of ['bot', 'worker'] as const) {
    const [before, after] = await Promise.all([countsIn(idle[side]), countsIn(busy[side])]);
    for (const [file, counts] of after) {
      const base = before.get(file);
      if ([...counts].some(([fn, n]) => n > (base?.get(fn) ?? 0))) touched[side].push(file);
    }
    touched[side].sort();
  }
  return touched;
}

const workspaceOf = (file: string) => file.split('/').slice(0, 2).join('/');

async function main(): Promise<void> {
  const bots: Record<Platform, string[]> = { slack: [], discord: [] };
  for (const platform of ['slack', 'discord'] as const) {
    const touched = await touchedBy(platform);
    bots[platform] = touched.bot;
    for (const side of ['bot', 'worker'] as const) {
      console.log(`\n${platform} /summarize, ${side}: ${touched[side].length} files`);
      for (const f of touched[side]) console.log(`  ${f}`);
    }
    const all = new Set([...touched.bot, ...touched.worker]);
    const byWorkspace = new Map<string, number>();
    for (const f of all) byWorkspace.set(workspaceOf(f), (byWorkspace.get(workspaceOf(f)) ?? 0) + 1);
    console.log(`${platform} /summarize touches ${all.size} source files (bot ${touched.bot.length}, worker ${touched.worker.length}): ${[...byWorkspace].map(([w, n]) => `${w} ${n}`).join(', ')}`);
  }
  const shared = bots.slack.filter((f) => bots.discord.includes(f) && f.startsWith('apps/bot/'));
  const own = (p: Platform) => bots[p].filter((f) => f.startsWith(`apps/bot/src/${p}/`)).length;
  console.log(`\nbot files both platforms' /summarize run through: ${shared.length} (${shared.join(', ')}); Slack's own ${own('slack')}, Discord's own ${own('discord')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
