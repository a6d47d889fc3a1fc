import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MODEL_CACHE, REPO_ROOT } from '../helpers/paths.js';
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
