import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MODEL_CACHE, REPO_ROOT } from '../helpers/paths.js';
import { postJson } from '../helpers/playground.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';

describe('npm start', () => {
  const prefix = uniquePrefix('npm-start');
  afterAll(() => dropPrefix(prefix));

  /** What `npm start` runs after its build (npm test has built already), with `modelsDir` as MODELS_DIR. */
  const start = (modelsDir: string) =>
    spawn(process.execPath, [`${REPO_ROOT}.build/scripts/start.js`], {
      env: {
        PATH: process.env['PATH'] ?? '',
        REDIS_URL,
        PARLEY_QUEUE_PREFIX: prefix,
        MODELS_DIR: modelsDir,
        // Never the developer's .cache/redis (only used when no Redis answers, which here one does).
        PARLEY_REDIS_DIR: mkdtempSync(join(tmpdir(), 'parley-redis-unused-')),
        PLAYGROUND_PORT: '0',
        BOT_OPS_PORT: '0',
        BOT_OPS_HOST: '127.0.0.1',
        OPS_PORT: '0',
        OPS_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('runs a bot and a worker on the random test model, prints the playground URL, and stops both on SIGTERM', async () => {
    const child = start(mkdtempSync(join(tmpdir(), 'parley-no-models-')));
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        const found = /Parley playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
        if (found) resolve(found[1]!);
      });
      void exited.then((code) => reject(new Error(`exited (${code}) before the URL: ${stderr}`)));
    });
    expect(stderr).toMatch(/RANDOM TEST MODEL/);
    const page = await (await fetch(`${url}c/general`)).text();
    expect(page).toContain('random test model');
    // Both processes log as themselves, and the worker is ready for jobs.
    await expect.poll(() => stdout.includes('"msg":"worker ready"'), { timeout: 30_000 }).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('"app":"parley-bot"');
  });

  it('uses the models `npm run models -- pull` installed when nothing else is configured', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'parley-pulled-'));
    const t5 = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    writeFileSync(join(modelsDir, 'registry.json'), JSON.stringify({ models: { t5: { path: t5 } }, tasks: { summarize: 't5', ask: 't5', translate: { '*': 't5' } } }));
    const child = start(modelsDir);
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect.poll(() => stdout.includes('"msg":"worker ready"'), { timeout: 30_000 }).toBe(true);
    expect(stderr).toContain(`using the models pulled into ${join(modelsDir, 'registry.json')}`);
    expect(stderr).not.toMatch(/RANDOM TEST MODEL/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

/** Whether `pid` is a live process (a zombie is not). */
function running(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    if (existsSync('/proc/self')) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The process group `pid` is in (Linux), or undefined. */
function processGroup(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);
  } catch {
    return undefined;
  }
}

/** How a TCP connection to 127.0.0.1:port ends: 'open', or the error code (ECONNREFUSED once nothing listens). */
function dial(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('npm start with no Redis at REDIS_URL: its own redis-server', () => {
  const launched: ChildProcessWithoutNullStreams[] = [];
  const dataDirs: string[] = [];

  afterAll(() => {
    // Whatever a failed test left: the process groups it started, and their redis-servers.
    for (const child of launched) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    for (const dir of dataDirs) {
      const pid = Number(existsSync(join(dir, 'redis.pid')) ? readFileSync(join(dir, 'redis.pid'), 'utf8') : NaN);
      if (Number.isInteger(pid) && running(pid)) process.kill(pid, 'SIGTERM');
    }
  });

  /** `node .build/scripts/start.js` in a process group of its own, as a terminal runs it (Ctrl-C signals the whole group). */
  const launch = (redisUrl: string, dataDir: string) => {
    const child = spawn(process.execPath, [`${REPO_ROOT}.build/scripts/start.js`], {
      env: {
        PATH: process.env['PATH'] ?? '',
        REDIS_URL: redisUrl,
        PARLEY_REDIS_DIR: dataDir,
        MODELS_DIR: mkdtempSync(join(tmpdir(), 'parley-no-models-')),
        PLAYGROUND_PORT: '0',
        BOT_OPS_PORT: '0',
        BOT_OPS_HOST: '127.0.0.1',
        OPS_PORT: '0',
        OPS_HOST: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    launched.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ready = (async () => {
      await expect.poll(() => /Parley playground: (http:\S+)/.exec(stderr)?.[1] ?? (child.exitCode !== null ? `exited: ${stderr}` : undefined), { timeout: 60_000 }).toMatch(/^http:/);
      await expect.poll(() => stdout.includes('"msg":"worker ready"'), { timeout: 60_000 }).toBe(true);
      return /Parley playground: (http:\S+)/.exec(stderr)![1]!;
    })();
    return { child, exited, ready, stderr: () => stderr };
  };

  const redisPid = (dataDir: string) => Number(readFileSync(join(dataDir, 'redis.pid'), 'utf8'));
  const messagesOf = async (base: string) => ((await (await fetch(`${base}api/c/general/messages`)).json()) as { messages: { text: string }[] }).messages.map((m) => m.text);

  it('keeps its data in PARLEY_REDIS_DIR, stops on Ctrl-C once the bot and the worker have, and the next start has the same messages', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-redis-data-'));
    dataDirs.push(dataDir);
    const first = launch(`redis://127.0.0.1:${port}`, dataDir);
    const base = await first.ready;
    const pid = redisPid(dataDir);
    expect(first.stderr()).toContain(`started redis-server (pid ${pid}) at redis://127.0.0.1:${port}, its data in ${dataDir}`);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('redis-server');
    // Not in the terminal's process group: Ctrl-C reaches the bot and the worker, and npm start stops Redis after them.
    expect(processGroup(first.child.pid!)).toBe(first.child.pid);
    expect(processGroup(pid)).not.toBe(first.child.pid);
    const text = `kept across restarts ${randomUUID()}`;
    expect((await postJson(`${base}api/c/general/messages`, { text })).status).toBe(200);

    process.kill(-first.child.pid!, 'SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toContain(`stopped redis-server; its data stays in ${dataDir}`);
    expect(running(pid)).toBe(false);
    expect(await dial(port)).toBe('ECONNREFUSED');

    const second = launch(`redis://127.0.0.1:${port}`, dataDir);
    const again = await second.ready;
    expect(second.stderr()).not.toContain('earlier npm start');
    expect(await messagesOf(again)).toContain(text);
    const secondPid = redisPid(dataDir);
    process.kill(-second.child.pid!, 'SIGTERM');
    expect(await second.exited).toBe(0);
    expect(running(secondPid)).toBe(false);
    expect(await dial(port)).toBe('ECONNREFUSED');
  }, 180_000);

  it('stops the redis-server a crashed npm start left running before it starts its own, and keeps its data', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-redis-data-'));
    dataDirs.push(dataDir);
    const crashed = launch(`redis://127.0.0.1:${port}`, dataDir);
    const base = await crashed.ready;
    const leftOver = redisPid(dataDir);
    const text = `survives a crash ${randomUUID()}`;
    expect((await postJson(`${base}api/c/general/messages`, { text })).status).toBe(200);
    // npm start, its bot and its worker die at once; the redis-server (its own process group) lives on.
    process.kill(-crashed.child.pid!, 'SIGKILL');
    await crashed.exited;
    expect(running(leftOver)).toBe(true);
    expect(await dial(port)).toBe('open');

    const next = launch(`redis://127.0.0.1:${port}`, dataDir);
    const again = await next.ready;
    expect(next.stderr()).toContain(`an earlier npm start left its redis-server running (pid ${leftOver}); stopping it first`);
    expect(running(leftOver)).toBe(false);
    const current = redisPid(dataDir);
    expect(current).not.toBe(leftOver);
    expect(running(current)).toBe(true);
    expect(await messagesOf(again)).toContain(text);
    process.kill(-next.child.pid!, 'SIGINT');
    expect(await next.exited).toBe(0);
    expect(running(current)).toBe(false);
    expect(await dial(port)).toBe('ECONNREFUSED');
  }, 180_000);
});
