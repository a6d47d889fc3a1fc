// `npm start`: the bot and a worker together, for trying Parley on one machine. Without Slack or
// Discord credentials the bot serves the web playground; without MODEL_DIR or MODEL_REGISTRY the
// worker runs what `npm run models -- pull` installed (models/registry.json), else the tiny
// random-weight test model, and the page says so. No Redis answering at REDIS_URL? It runs a
// redis-server of its own with its data in .cache/redis (PARLEY_REDIS_DIR), and stops it last
// (local-redis.ts).
import { configuredModels } from '@parley/models';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { spawn, type ChildProcess } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { redisForStart, type OwnRedis } from './local-redis.js';

// Compiled to .build/scripts/start.js: the repository is two folders up.
const root = fileURLToPath(new URL('../../', import.meta.url));

function say(line: string): void {
  process.stderr.write(`[parley] ${line}\n`);
}

async function main(): Promise<void> {
  // npm start's own Redis keeps its data here (when it has to run one).
  const redisDir = resolve(root, process.env['PARLEY_REDIS_DIR'] || '.cache/redis');
  const shownRedisDir = redisDir.startsWith(root) ? relative(root, redisDir) || '.' : redisDir;
  const children: { child: ChildProcess; exited: Promise<void> }[] = [];
  let redis: OwnRedis | undefined = undefined; // set once it runs; stopAll may come first
  let stopping = false;
  // The bot and the worker first (they finish their work and close their connections), then Redis.
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.exitCode = code;
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    if (redis) {
      await redis.stop();
      say(`stopped redis-server; its data stays in ${shownRedisDir}`);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll(0));

  const found = await redisForStart(process.env['REDIS_URL'] || 'redis://127.0.0.1:6379', redisDir, say, shownRedisDir);
  redis = found.own;
  if (stopping) return void (await redis?.stop());
  void redis?.exited.then(() => {
    if (stopping) return;
    say('redis-server exited; stopping');
    void stopAll(1);
  });
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: found.url };
  try {
    // The playground has one user trying every command: Slack's per-user default (10 a minute)
    // would stop a newcomer mid-tour. Set either variable to keep your own.
    if (!env['SLACK_BOT_TOKEN'] && !env['DISCORD_TOKEN']) {
      env['RATE_LIMIT_USER_PER_MINUTE'] ||= '60';
      env['RATE_LIMIT_CHANNEL_PER_MINUTE'] ||= '60';
    }
    const models = configuredModels(env, root);
    if (models && !env['MODEL_DIR'] && !env['MODEL_REGISTRY']) {
      // What `npm run models -- pull` or `import` installed, when nothing else is configured.
      Object.assign(env, models);
      say(`using the models pulled into ${Object.values(models)[0]}`);
    } else if (!models) {
      env['MODEL_DIR'] = await ensureTinySeq2Seq({ cacheDir: `${root}.cache/models` });
      env['PLAYGROUND_RANDOM_TEST_MODEL'] = 'true';
      say('MODEL_DIR and MODEL_REGISTRY are not set: the worker runs the tiny RANDOM TEST MODEL. Its replies are random words. For real answers: npm run models -- pull flan-t5-small (no hub access? npm run models -- import <folder or .tar>), then npm start again.');
    }
  } catch (err) {
    await redis?.stop();
    throw err;
  }
  if (stopping) return;
  const start = (app: 'worker' | 'bot') => {
    const child = spawn(process.execPath, [`${root}apps/${app}/dist/main.js`], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push({ child, exited: new Promise((resolve) => child.once('exit', () => resolve())) });
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
      void stopAll(code ?? 1);
    });
  };
  start('worker');
  start('bot');
}

main().catch((err: unknown) => {
  say(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
