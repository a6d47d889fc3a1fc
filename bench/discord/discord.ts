/**
 * npm run bench:discord — 100 concurrent /summarize interactions against the real bot (discord.js)
 * and a real worker with the tiny model, over the fake Discord on 127.0.0.1: defer latency (from
 * the INTERACTION_CREATE dispatch to the type-5 callback arriving) and time to the first streamed
 * edit. Production edit interval (1 s). Uses its own queue prefix on REDIS_URL.
 *
 * BENCH_INTERACTIONS (default 100) and BENCH_MAX_NEW_TOKENS (default 400: long enough that
 * generations outlast the edit interval, so replies are streamed) tune it.
 */
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { FAKE_DISCORD, FakeDiscord, visibleText, type FakeUser } from '../../test/helpers/fake-discord.js';
import { percentile } from '../stats.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const INTERACTIONS = Number(process.env['BENCH_INTERACTIONS'] ?? 100);
const MAX_NEW_TOKENS = Number(process.env['BENCH_MAX_NEW_TOKENS'] ?? 400);
const prefix = `parley-bench-discord-${randomUUID().slice(0, 8)}`;

function start(app: 'bot' | 'worker', env: Record<string, string>, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [`${ROOT}apps/${app}/dist/main.js`], {
    env: { PATH: process.env['PATH'] ?? '', REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info', OPS_PORT: '0', OPS_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      if (out.includes(`"msg":"${ready}"`)) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${app} exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const modelDir = await ensureTinySeq2Seq({ cacheDir: `${ROOT}.cache/models` });
  const fake = new FakeDiscord();
  await fake.start();
  const users: FakeUser[] = Array.from({ length: INTERACTIONS }, (_, i) => ({ id: String(1300000000000010000n + BigInt(i)), username: `user${i}` }));
  for (const u of users.slice(0, 5)) fake.addMessage(FAKE_DISCORD.threadId, u, `Message from ${u.username}: the release ships Friday.`);
  const children: ChildProcess[] = [];
  try {
    children.push(await start('worker', { MODEL_DIR: modelDir, WORKER_CONCURRENCY: '4', ORT_INTRA_OP_THREADS: '1', PROGRESS_INTERVAL_MS: '100' }, 'worker ready'));
    children.push(
      await start(
        'bot',
        {
          DISCORD_TOKEN: FAKE_DISCORD.token,
          DISCORD_APPLICATION_ID: FAKE_DISCORD.applicationId,
          DISCORD_API_URL: fake.apiUrl,
          RATE_LIMIT_USER_PER_MINUTE: '1000',
          RATE_LIMIT_CHANNEL_PER_MINUTE: '1000',
        },
        'discord adapter ready',
      ),
    );
    const sent = users.map((user) => fake.interact({ name: 'summarize', type: 1, options: [{ name: 'settings', type: 3, value: `max_new_tokens=${MAX_NEW_TOKENS}` }] }, { user, channelId: FAKE_DISCORD.threadId }));
    const byToken = (token: string) => fake.calls.filter((c) => c.path.includes(`/${token}`));
    const deadline = Date.now() + 300_000;
    const done = () => sent.every(({ token }) => byToken(token).some((c) => c.method === 'PATCH' && /-# /.test(visibleText(c.body))));
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const defers: number[] = [];
    const firstStreamed: number[] = [];
    const finals: number[] = [];
    let streamedEdits = 0;
    for (const { token, sentAt } of sent) {
      const calls = byToken(token);
      const defer = calls.find((c) => c.path.endsWith('/callback'));
      if (defer) defers.push(defer.at - sentAt);
      const edits = calls.filter((c) => c.method === 'PATCH' && String(c.body?.['content'] ?? '').endsWith('✍️'));
      streamedEdits += edits.length;
      if (edits[0]) firstStreamed.push(edits[0].at - sentAt);
      const final = calls.find((c) => c.method === 'PATCH' && /-# /.test(visibleText(c.body)));
      if (final) finals.push(final.at - sentAt);
    }
    const stat = (xs: number[]) => ({ n: xs.length, p50: xs.length ? percentile(xs, 50) : null, p99: xs.length ? percentile(xs, 99) : null, max: xs.length ? Math.max(...xs) : null });
    const result = {
      interactions: INTERACTIONS,
      machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', node: process.version },
      workers: `1 process, concurrency 4, tiny seq2seq, max_new_tokens=${MAX_NEW_TOKENS}`,
      editIntervalMs: 1000,
      deferMs: stat(defers),
      firstStreamedEditMs: stat(firstStreamed),
      finalEditMs: stat(finals),
      over3s: defers.filter((d) => d >= 3000).length,
      /** Requests that got at least one streamed edit, and streamed edits in all. */
      requestsStreamed: firstStreamed.length,
      streamedEdits,
    };
    const row = (name: string, s: ReturnType<typeof stat>) => `| ${name} | ${s.n} | ${s.p50} | ${s.p99} | ${s.max} |`;
    const table = [
      `${INTERACTIONS} concurrent /summarize interactions, ${result.machine.cpus} CPUs (${result.machine.model}), ${result.workers}; ms from the dispatch`,
      '',
      '| measure | n | p50 ms | p99 ms | max ms |',
      '|---|---|---|---|---|',
      row('defer (type 5 callback)', result.deferMs),
      row('first streamed edit', result.firstStreamedEditMs),
      row('final edit', result.finalEditMs),
      '',
      `${result.requestsStreamed} of ${INTERACTIONS} requests got a streamed edit (${streamedEdits} streamed edits in all); ${result.over3s} deferrals took 3 s or more.`,
    ].join('\n');
    console.log(table);
    await mkdir(`${ROOT}bench/results`, { recursive: true });
    await writeFile(`${ROOT}bench/results/discord.json`, JSON.stringify(result, null, 2));
    await writeFile(`${ROOT}bench/results/discord.md`, `${table}\n`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await fake.stop();
    const redis = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
