import { requestJobId } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { FAKE_BOT, FAKE_TEAM, FakeSlack } from '../helpers/fake-slack.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { postSlashCommand, waitFor } from '../helpers/slack-request.js';

const SECRET = 'redis-restart-secret';
const CHANNEL = 'C0REDIS';
const TS = '1790400000.000100';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own, with AOF on, that the test can stop and start again. */
class OwnRedis {
  private child: ChildProcess | undefined;
  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--dir', this.dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      this.child!.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      this.child!.on('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    });
  }

  /** SIGTERM: Redis flushes the AOF and exits, as in a restart by an operator or orchestrator. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) console.warn('[redis-restart] SKIPPED: redis-server is not installed, so the test cannot restart a Redis of its own');

describe.skipIf(!hasRedisServer)('Redis restarts mid-run (AOF on)', () => {
  const fake = new FakeSlack();
  const procs: AppProcess[] = [];
  let redis: OwnRedis;
  let url: string;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort(), await mkdtemp(join(tmpdir(), 'parley-aof-')));
    await redis.start();
    await fake.start();
    fake.threads.set(`${CHANNEL}/${TS}`, [{ ts: TS, user: 'U0MAYA', text: 'Can we ship on Friday after the login fix?' }]);
    const env = { REDIS_URL: `redis://127.0.0.1:${redis.port}`, PARLEY_QUEUE_PREFIX: 'parley-restart', LOG_LEVEL: 'info' };
    const bot = new AppProcess('bot', { ...env, SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: FAKE_BOT.token, SLACK_API_URL: fake.apiUrl, PORT: '0', HOST: '127.0.0.1', MAX_NEW_TOKENS: '400' });
    const worker = new AppProcess('worker', { ...env, MODEL_DIR: await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE }), ORT_INTRA_OP_THREADS: '1' });
    procs.push(bot, worker);
    url = `http://127.0.0.1:${String((await bot.waitForLog('slack adapter listening'))['port'])}/slack/events`;
    await worker.waitForLog('worker ready');
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await redis?.stop();
    await fake.stop();
  });

  it('bot and worker reconnect by themselves, and the accepted request is answered once', async () => {
    const [bot, worker] = procs as [AppProcess, AppProcess];
    const triggerId = randomUUID();
    await postSlashCommand(
      url,
      { team_id: FAKE_TEAM.id, channel_id: CHANNEL, user_id: 'U0MAYA', command: '/summarize', text: `https://x.slack.invalid/archives/${CHANNEL}/p${TS.replace('.', '')}`, response_url: fake.responseUrl(triggerId), trigger_id: triggerId },
      SECRET,
    );
    await bot.waitForLog('summarize queued');
    const down = performance.now();
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1000));
    await redis.start();
    const post = await waitFor(() => fake.answers()[0], 60_000, 'the reply after the restart');
    const recovered = performance.now() - down;
    expect(post).toMatchObject({ channel: CHANNEL, threadTs: TS });
    await new Promise((r) => setTimeout(r, 1500));
    // One message in the thread, whichever way it arrived (a stream, a placeholder, a post).
    expect((fake.threads.get(`${CHANNEL}/${TS}`) ?? []).filter((m) => m.bot_id === FAKE_BOT.botId)).toHaveLength(1);
    expect(fake.answers()).toHaveLength(1);
    // No operator action: both processes rode out the outage.
    expect(bot.alive && worker.alive).toBe(true);
    expect(worker.logs.some((l) => l.msg === 'job done' && l['requestId'] === requestJobId('summarize', FAKE_TEAM.id, triggerId))).toBe(true);
    console.info(`[redis-restart] Redis down ~1 s; reply posted ${Math.round(recovered)} ms after the stop, once`);
  });

  it('SIGTERM while Redis is down: the worker exits within its shutdown deadline instead of hanging', async () => {
    const worker = new AppProcess('worker', {
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      PARLEY_QUEUE_PREFIX: 'parley-restart',
      MODEL_DIR: await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE }),
      ORT_INTRA_OP_THREADS: '1',
      SHUTDOWN_DEADLINE_MS: '3000',
      LOG_LEVEL: 'info',
    });
    procs.push(worker);
    await worker.waitForLog('worker ready');
    await redis.stop();
    const started = performance.now();
    worker.kill('SIGTERM');
    await worker.exited;
    const took = performance.now() - started;
    expect(took).toBeLessThan(3000 + 1500);
    await redis.start();
    console.info(`[redis-restart] SIGTERM with Redis down: exited after ${Math.round(took)} ms (deadline 3000 ms)`);
  });
});
