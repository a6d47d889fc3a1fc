// The Redis `npm start` runs for itself when none answers at REDIS_URL: a redis-server child with
// its data in one folder of the checkout (.cache/redis, or PARLEY_REDIS_DIR), append-only, so
// playground channels and queued requests survive a restart. It is stopped (a clean shutdown that
// saves) after the bot and the worker, and one left behind by a start that crashed is stopped
// before a new one starts: there is never a second redis-server on the same data.
// (scripts/ensure-redis.sh, for the tests, starts throwaway ones elsewhere.)
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True when a Redis answers at host:port (PONG, or a demand for a password). */
export function redisAnswers(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The command line of a live process (not a zombie), or undefined when there is none. */
function commandOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) [ZX] /.test(stat)) return undefined;
    return `${/\((.*)\)/.exec(stat)?.[1] ?? ''} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`;
  } catch {
    // no /proc entry: gone, or not Linux
  }
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  try {
    const command = execFileSync('ps', ['-p', String(pid), '-o', 'stat=,command='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return command && !command.startsWith('Z') ? command : undefined;
  } catch {
    return undefined;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** What the data folder says about a redis-server started there: its pid, port and the npm start that owns it, if they still run. */
function inspect(dir: string): { redisPid?: number; port?: number; ownerPid?: number } {
  const redisPid = readPid(join(dir, 'redis.pid'));
  if (redisPid === undefined || !commandOf(redisPid)?.includes('redis-server')) return {};
  let owner: { pid?: number; port?: number } = {};
  try {
    owner = JSON.parse(readFileSync(join(dir, 'npm-start.json'), 'utf8')) as typeof owner;
  } catch {
    // written just before redis-server starts; a crash in between leaves none
  }
  const ownerAlive = owner.pid !== undefined && owner.pid !== process.pid && (commandOf(owner.pid)?.includes('start.js') ?? false);
  return { redisPid, ...(owner.port !== undefined && { port: owner.port }), ...(ownerAlive && { ownerPid: owner.pid! }) };
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!commandOf(pid)?.includes('redis-server')) return true;
    await sleep(100);
  }
  return false;
}

export interface OwnRedis {
  /** The REDIS_URL the bot and the worker get. */
  readonly url: string;
  readonly pid: number;
  /** Settles when redis-server exits, for whatever reason. */
  readonly exited: Promise<void>;
  /** A clean shutdown (SIGTERM: the append-only file is flushed and a snapshot saved); resolves once it has exited. */
  stop(): Promise<void>;
}

export interface RedisForStart {
  url: string;
  /** Present when npm start runs this Redis itself and must stop it. */
  own?: OwnRedis;
}

/**
 * The Redis npm start uses: the one at `url` when it answers, else a redis-server of its own on
 * loopback with its data in `dir`. `say` explains what happened on the terminal.
 */
export async function redisForStart(url: string, dir: string, say: (line: string) => void, shown = dir): Promise<RedisForStart> {
  const parsed = new URL(url);
  // A left-over from a start that crashed: stop it first (its data is saved), so it is never
  // running beside the one started below, and never mistaken for a Redis someone else runs.
  const before = inspect(dir);
  if (before.redisPid !== undefined && before.ownerPid === undefined) {
    say(`an earlier npm start left its redis-server running (pid ${before.redisPid}); stopping it first, its data stays in ${shown}`);
    process.kill(before.redisPid, 'SIGTERM');
    if (!(await waitForExit(before.redisPid, 30_000))) throw new Error(`redis-server (pid ${before.redisPid}) did not stop; stop it with: kill ${before.redisPid}`);
  }
  if (parsed.protocol !== 'redis:') return { url };
  const host = parsed.hostname;
  const port = parsed.port ? Number(parsed.port) : 6379;
  if (await redisAnswers(host === 'localhost' ? '127.0.0.1' : host.replace(/^\[|\]$/g, ''), port)) {
    const shared = before.ownerPid !== undefined && before.port === port ? ` (the one npm start pid ${before.ownerPid} runs; it stops when that one does)` : '';
    say(`using the Redis at ${url}${shared}`);
    return { url };
  }
  if (before.ownerPid !== undefined) {
    throw new Error(
      `another npm start (pid ${before.ownerPid}) runs a redis-server on the data in ${shown}${before.port ? `, at redis://127.0.0.1:${before.port}` : ''}; stop that npm start first, or set REDIS_URL to its Redis`,
    );
  }
  if (!LOOPBACK.has(host)) throw new Error(`no Redis answers at ${url}; start it, or unset REDIS_URL and npm start runs one of its own`);

  const listenOn = (await portIsFree(port)) ? port : await freePort();
  if (listenOn !== port) say(`127.0.0.1:${port} is taken by something that is not Redis; using port ${listenOn}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'npm-start.json'), `${JSON.stringify({ pid: process.pid, port: listenOn })}\n`);
  const args = ['--port', String(listenOn), '--bind', '127.0.0.1', '--daemonize', 'no'];
  // Relative to its working folder, the data folder: no quoting trouble with spaces in the path.
  args.push('--dir', './', '--pidfile', 'redis.pid', '--logfile', 'redis.log');
  // Every write appended and flushed each second; a snapshot at shutdown too (Redis' default save points).
  args.push('--appendonly', 'yes', '--appendfsync', 'everysec');
  if (parsed.password) args.push('--requirepass', decodeURIComponent(parsed.password));
  // Its own process group: Ctrl-C in the terminal reaches the bot and the worker, and npm start
  // stops Redis only once they have finished with it.
  const child: ChildProcess = spawn('redis-server', args, { cwd: dir, detached: true, stdio: 'ignore' });
  let spawnFailure: NodeJS.ErrnoException | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      spawnFailure = err;
      resolve();
    });
  });
  const running = () => spawnFailure === undefined && child.exitCode === null && child.signalCode === null;
  const own: OwnRedis = {
    url: `redis://${parsed.username || parsed.password ? `${parsed.username}:${parsed.password}@` : ''}127.0.0.1:${listenOn}${parsed.pathname}`,
    pid: child.pid ?? -1,
    exited,
    async stop() {
      if (running()) child.kill('SIGTERM');
      await exited;
      rmSync(join(dir, 'npm-start.json'), { force: true });
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    await Promise.race([exited, sleep(100)]);
    if (!running()) {
      rmSync(join(dir, 'npm-start.json'), { force: true });
      if (spawnFailure?.code === 'ENOENT') {
        throw new Error(
          `no Redis answers at ${url}, and redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis), or point REDIS_URL at a running Redis 6.2 or newer`,
        );
      }
      throw new Error(spawnFailure ? `cannot run redis-server: ${spawnFailure.message}` : `redis-server exited at start; see ${join(shown, 'redis.log')}`);
    }
    if (await redisAnswers('127.0.0.1', listenOn)) break;
    if (Date.now() > deadline) {
      await own.stop();
      throw new Error(`redis-server did not answer within a minute; see ${join(shown, 'redis.log')}`);
    }
  }
  say(`no Redis answered at ${url}: started redis-server (pid ${own.pid}) at ${own.url.replace(/\/\/[^@]*@/, '//')}, its data in ${shown}; it stops when npm start stops`);
  return { url: own.url, own };
}
