import { ensureTinyTokenClassifier } from '@parley/tiny-models';
import { spawn } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli.js';
import { FakeHub } from './fake-hub.js';
import { Capture, FAST_RETRY, hubPerTest, MODEL_CACHE, type TempDir } from './helpers.js';

describe('models CLI', () => {
  const per = hubPerTest('Xenova/distilbart-cnn-6-6', 'Xenova/opus-mt-en-de', 'Xenova/flan-t5-small');
  let hub: FakeHub;
  let dir: TempDir;
  beforeEach(() => {
    ({ hub, dir } = per);
  });
  const cli = async (...argv: string[]) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCli(argv, { stdout, stderr, env: { MODELS_DIR: dir.path, HF_ENDPOINT: hub.url }, cwd: dir.path, pullOptions: FAST_RETRY });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };

  it('pull prints plain progress lines off a terminal and a summary naming the registry', async () => {
    const { code, stdout, stderr } = await cli('pull', 'distilbart-cnn-6-6');
    expect(code).toBe(0);
    expect(stderr).toMatch(/^pulling distilbart-cnn-6-6: 7 files, \d+ kB\n/);
    expect(stderr).toContain('  onnx/decoder_model_merged.onnx done\n');
    expect(stdout).toContain(`distilbart-cnn-6-6: 7 files`);
    expect(stdout).toContain(`registry ${join(dir.path, 'registry.json')}: summarize → distilbart-cnn-6-6`);
    expect(stdout).toContain(`MODEL_REGISTRY=${join(dir.path, 'registry.json')}`);
  });

  it('pull flan-t5-small, the name the README, .env.example and docker-compose.yml use, installs Xenova/flan-t5-small', async () => {
    const { code, stdout, stderr } = await cli('pull', 'flan-t5-small');
    expect({ code, stderr: stderr.split('\n')[0] }).toEqual({ code: 0, stderr: expect.stringMatching(/^pulling flan-t5-small: 7 files, /) });
    expect(hub.requests.filter((r) => r.path.includes('/tree/')).map((r) => r.path)).toEqual(['/api/models/Xenova/flan-t5-small/tree/main']);
    expect(stdout).toContain(`flan-t5-small: 7 files`);
    expect(stdout).toContain(`in ${join(dir.path, 'flan-t5-small')}\n  from Xenova/flan-t5-small, fp32;`);
    const registry = JSON.parse(await readFile(join(dir.path, 'registry.json'), 'utf8'));
    expect(registry.models).toEqual({ 'flan-t5-small': { path: 'flan-t5-small', dtype: 'fp32' } });
    expect((await cli('list')).stdout).toMatch(/\nflan-t5-small\s+\d+ kB\s+fp32\s/);
  });

  it('a generative model serves entities and ask until a token classifier is pulled, which takes entities over and nothing else', async () => {
    hub.addRepo('Xenova/bert-base-NER', await FakeHub.folderFiles(await ensureTinyTokenClassifier({ cacheDir: MODEL_CACHE, variant: 'bert' })));
    const tasks = async () => JSON.parse(await readFile(join(dir.path, 'registry.json'), 'utf8')).tasks;
    const flanOnly = { summarize: 'flan-t5-small', translate: { '*': 'flan-t5-small' }, entities: 'flan-t5-small', ask: 'flan-t5-small' };

    const flan = await cli('pull', 'flan-t5-small');
    expect(flan.stdout).toContain(`serves summarize, translate, entities, ask\n  registry ${join(dir.path, 'registry.json')}: summarize → flan-t5-small, translate * → flan-t5-small, entities → flan-t5-small, ask → flan-t5-small\n`);
    expect(await tasks()).toEqual(flanOnly);

    const ner = await cli('pull', 'bert-base-ner');
    expect(ner.stdout).toContain(': entities → bert-base-ner (was flan-t5-small)\n');
    expect(await tasks()).toEqual({ ...flanOnly, entities: 'bert-base-ner' });

    // Pulled again, the T5 keeps its primary task and leaves entities where a primary put it.
    const again = await cli('pull', 'flan-t5-small');
    expect(again.stdout).toContain(': no task changed\n');
    expect(await tasks()).toEqual({ ...flanOnly, entities: 'bert-base-ner' });
  });

  it('list shows each installed model with its size, what it serves and what the registry uses it for', async () => {
    expect((await cli('list')).stdout).toBe(`No models in ${dir.path}. Try: npm run models -- pull flan-t5-small\n`);
    await cli('pull', 'distilbart-cnn-6-6');
    await cli('pull', 'Xenova/opus-mt-en-de', '--dtype', 'q8');
    // A folder put there by hand: what it serves comes from its config.json.
    await cp(await ensureTinyTokenClassifier({ cacheDir: MODEL_CACHE, variant: 'bert' }), join(dir.path, 'my-ner'), { recursive: true });
    await writeFile(join(dir.path, 'opus-mt-en-de', 'onnx', 'extra.onnx.part'), 'x');

    const { code, stdout } = await cli('list');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Models in ${dir.path} (registry ${join(dir.path, 'registry.json')}):`);
    expect(lines[1]).toMatch(/^NAME\s+SIZE\s+DTYPE\s+SERVES\s+USED FOR\s+SOURCE$/);
    expect(lines[2]).toMatch(/^distilbart-cnn-6-6\s+\d+ kB\s+fp32\s+summarize\s+summarize\s+Xenova\/distilbart-cnn-6-6$/);
    expect(lines[3]).toMatch(/^my-ner\s+\d+ kB\s+\?\s+entities\s+-\s+local folder$/);
    expect(lines[4]).toMatch(/^opus-mt-en-de\s+\d+ kB \(incomplete\)\s+q8\s+translate en-de\s+translate en-de\s+Xenova\/opus-mt-en-de$/);
    expect(lines).toHaveLength(5);
  });

  it('answers bad arguments and failures with one line and exit code 1', async () => {
    expect(await cli('pull', 'x/y', '--dtype', 'int4')).toMatchObject({ code: 1, stderr: 'models: --dtype must be one of fp32, fp16, q8\n' });
    expect(await cli('pull', 'nope')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^models: Unknown model "nope"\. Known names: flan-t5-small, flan-t5-base, .*\n$/) });
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^models: Unknown command "frobnicate"\.\n\nUsage: npm run models/);
    expect((await cli('--help')).code).toBe(0);
  });

  it('with no hub at HF_ENDPOINT, pull says in one line how to go on without one', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCli(['pull', 'flan-t5-small'], { stdout, stderr, env: { MODELS_DIR: dir.path, HF_ENDPOINT: endpoint }, cwd: dir.path, pullOptions: FAST_RETRY });
    expect({ code, stdout: stdout.text, stderr: stderr.text }).toEqual({
      code: 1,
      stdout: '',
      stderr: `models: Cannot reach the hub at ${endpoint} (ECONNREFUSED). Set HF_ENDPOINT to a mirror, or copy an export in by hand and run: npm run models -- import <folder or .tar>\n`,
    });
  });

  it('runs as a process: the built entry point exits 1 with one line and no stack trace', async () => {
    const entry = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    hub.answer404('Xenova/opus-mt-en-de', 'tokenizer.json');
    const child = spawn(process.execPath, [entry, 'pull', 'opus-mt-en-de'], {
      env: { PATH: process.env['PATH'], MODELS_DIR: dir.path, HF_ENDPOINT: hub.url, NODE_OPTIONS: `--require ${fileURLToPath(new URL('../../../test/helpers/loopback-guard.cjs', import.meta.url))}` },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr.split('\n').filter((l) => l.startsWith('models:'))).toEqual(['models: tokenizer.json was not found in Xenova/opus-mt-en-de (revision main).']);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
