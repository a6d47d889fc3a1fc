import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../apps/worker/src/model-registry.js';
import { runCli } from '../packages/models/src/run-cli.js';
import { FakeHub } from '../packages/models/test/fake-hub.js';
import { MODEL_CACHE } from './helpers/paths.js';

/** `npm run models -- pull` writes the registry; the worker must read it as it is written. */
describe('models pull → worker registry', () => {
  let hub: FakeHub;
  let dir: string;
  beforeEach(async () => {
    hub = await FakeHub.start();
    const files = await FakeHub.folderFiles(await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE }));
    for (const repo of ['Xenova/flan-t5-base', 'Xenova/opus-mt-en-de', 'Xenova/opus-mt-de-en', 'onnx-community/Qwen2.5-0.5B-Instruct']) hub.addRepo(repo, files);
    dir = await mkdtemp(join(tmpdir(), 'parley-registry-'));
  });
  afterEach(async () => {
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves each task from the model pulled for it', async () => {
    const sink = { write: () => true };
    const pull = (...args: string[]) => runCli(['pull', ...args], { stdout: sink, stderr: sink, env: { MODELS_DIR: join(dir, 'models'), HF_ENDPOINT: hub.url }, cwd: dir });
    expect(await pull('flan-t5-base')).toBe(0);
    expect(await pull('opus-mt-en-de', '--dtype', 'q8')).toBe(1); // the tiny repo has no q8 graphs
    expect(await pull('opus-mt-en-de')).toBe(0);
    expect(await pull('opus-mt-de-en')).toBe(0);
    expect(await pull('qwen2.5-0.5b-instruct')).toBe(0);

    const registry = ModelRegistry.fromFile(join(dir, 'models', 'registry.json'));
    const pair = (source: string, target: string) => ({ source, target, targetName: target });
    expect(registry.modelFor('summarize')).toMatchObject({ name: 'flan-t5-base', path: join(dir, 'models', 'flan-t5-base'), dtype: 'fp32' });
    expect(registry.modelFor('ask').name).toBe('qwen2.5-0.5b-instruct');
    expect(registry.modelFor('translate', pair('en', 'de')).name).toBe('opus-mt-en-de');
    expect(registry.modelFor('translate', pair('de', 'en')).name).toBe('opus-mt-de-en');
    expect(registry.modelFor('translate', pair('en', 'ja')).name).toBe('flan-t5-base');
    // No token classifier was pulled: the first generative model prompts for entities.
    expect(registry.modelFor('entities').name).toBe('flan-t5-base');

    // Settings added by hand survive another pull.
    const file = join(dir, 'models', 'registry.json');
    const edited = JSON.parse(await readFile(file, 'utf8'));
    edited.models['flan-t5-base'].defaults = { maxNewTokens: 200 };
    await writeFile(file, JSON.stringify(edited));
    expect(await pull('flan-t5-base')).toBe(0);
    const again = ModelRegistry.fromFile(file);
    expect(again.models).toHaveLength(4);
    expect(again.modelFor('summarize').defaults).toEqual({ maxNewTokens: 200 });
  });
});
