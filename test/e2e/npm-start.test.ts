import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';

describe('npm start', () => {
  const prefix = uniquePrefix('npm-start');
  afterAll(() => dropPrefix(prefix));

  it('runs a bot and a worker on the random test model, prints the playground URL, and stops both on SIGTERM', async () => {
    // What `npm start` runs after its build (npm test has built already).
    const child = spawn(process.execPath, [`${REPO_ROOT}.build/scripts/start.js`], {
      env: { PATH: process.env['PATH'] ?? '', REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, PLAYGROUND_PORT: '0', BOT_OPS_PORT: '0', BOT_OPS_HOST: '127.0.0.1', OPS_PORT: '0', OPS_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
});
