// `npm start`: the bot and a worker together, for trying Parley on one machine. Without Slack or
// Discord credentials the bot serves the web playground; without MODEL_DIR or MODEL_REGISTRY the
// worker runs what `npm run models -- pull` installed (models/registry.json), else the tiny
// random-weight test model, and the page says so. No Redis answering at
// REDIS_URL? scripts/ensure-redis.sh starts a throwaway one.
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Compiled to .build/scripts/start.js: the repository is two folders up.
const root = fileURLToPath(new URL('../../', import.meta.url));

function say(line: string): void {
  process.stderr.write(`[parley] ${line}\n`);
}

function redisUrl(): string {
  // ensure-redis.sh prints `export REDIS_URL=…` for a Redis that answers, starting one if it must.
  const out = execFileSync(`${root}scripts/ensure-redis.sh`, { env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const url = /export REDIS_URL=(\S+)/.exec(out)?.[1];
  if (!url) throw new Error('scripts/ensure-redis.sh printed no REDIS_URL');
  return url;
}

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: redisUrl() };
  // What `npm run models -- pull` installed, when nothing else is configured.
  const pulled = resolve(root, env['MODELS_DIR'] ?? 'models', 'registry.json');
  if (!env['MODEL_DIR'] && !env['MODEL_REGISTRY'] && existsSync(pulled)) {
    env['MODEL_REGISTRY'] = pulled;
    say(`using the models pulled into ${pulled}`);
  }
  if (!env['MODEL_DIR'] && !env['MODEL_REGISTRY']) {
    env['MODEL_DIR'] = await ensureTinySeq2Seq({ cacheDir: `${root}.cache/models` });
    env['PLAYGROUND_RANDOM_TEST_MODEL'] = 'true';
    say('MODEL_DIR and MODEL_REGISTRY are not set: the worker runs the tiny RANDOM TEST MODEL. Its replies are random words.');
  }
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    process.exitCode = code;
  };
  const start = (app: 'worker' | 'bot') => {
    const child = spawn(process.execPath, [`${root}apps/${app}/dist/main.js`], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      process.stdout.write(`${line}\n`);
      try {
        const log = JSON.parse(line) as { msg?: string; url?: string };
        if (log.msg === 'playground ready' && log.url) say(`Parley playground: ${log.url}`);
      } catch {
        // not a log line
      }
    });
    child.on('exit', (code, signal) => {
      if (!stopping) say(`the ${app} exited (${signal ?? code}); stopping`);
      stopAll(code ?? 1);
    });
  };
  start('worker');
  start('bot');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll(0));
}

main().catch((err: unknown) => {
  say(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
