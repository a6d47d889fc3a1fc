import { Engine } from '@parley/engine';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { pull } from '../src/pull.js';
import { FakeHub } from './fake-hub.js';
import { FAST_RETRY, hubPerTest, RecordedProgress, settingsFor, type TempDir } from './helpers.js';

const REPO = 'test-org/tiny-t5';
const NEEDED = ['config.json', 'generation_config.json', 'onnx/decoder_model_merged.onnx', 'onnx/encoder_model.onnx', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json'];

describe('models pull', () => {
  const per = hubPerTest(REPO);
  let hub: FakeHub;
  let dir: TempDir;
  let files: Record<string, Buffer>;
  beforeEach(() => {
    ({ hub, dir, files } = per);
  });

  const listFolder = async (folder: string) =>
    (await readdir(folder, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile() && e.name !== '.parley-model.json')
      .map((e) => join(e.parentPath, e.name).slice(folder.length + 1))
      .sort();

  it('downloads only the files the engine needs, byte for byte, into a folder the engine loads', async () => {
    const result = await pull(settingsFor(hub, dir.path), { model: REPO, dtype: 'fp32', revision: 'main' }, new RecordedProgress(), FAST_RETRY);

    expect(result.folder).toBe(join(dir.path, 'test-org--tiny-t5'));
    expect(await listFolder(result.folder)).toEqual(NEEDED);
    for (const path of NEEDED) expect((await readFile(join(result.folder, path))).equals(files[path]!)).toBe(true);
    expect(hub.requests.some((r) => r.path.endsWith('README.md') || r.path.includes('quantized') || r.path.endsWith('safetensors'))).toBe(false);

    const engine = await Engine.start(result.folder, { intraOpThreads: 1 });
    try {
      expect(engine.info).toMatchObject({ family: 'seq2seq', modelType: 't5' });
      const result = await engine.generate('summarize: the deploy is blocked', { maxNewTokens: 4 });
      expect(result.tokenIds.length).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });

  it('writes a registry the worker reads: the model, its dtype and the tasks it serves', async () => {
    const settings = settingsFor(hub, dir.path);
    const result = await pull(settings, { model: REPO, dtype: 'fp32', revision: 'main' }, new RecordedProgress(), FAST_RETRY);
    const registry = JSON.parse(await readFile(join(dir.path, 'registry.json'), 'utf8'));
    expect(registry).toEqual({
      models: { 'test-org--tiny-t5': { path: 'test-org--tiny-t5', dtype: 'fp32' } },
      tasks: { summarize: 'test-org--tiny-t5', translate: { '*': 'test-org--tiny-t5' }, entities: 'test-org--tiny-t5', ask: 'test-org--tiny-t5' },
    });
    expect(result.changes.map((c) => c.task)).toEqual(['summarize', 'translate *', 'entities', 'ask']);
  });

  it('picks the quantized graphs with --dtype q8, and names the precisions a repo has when one is missing', async () => {
    const result = await pull(settingsFor(hub, dir.path), { model: REPO, dtype: 'q8', revision: 'main' }, new RecordedProgress(), FAST_RETRY);
    expect((await listFolder(result.folder)).filter((p) => p.startsWith('onnx/'))).toEqual(['onnx/decoder_model_merged_quantized.onnx', 'onnx/encoder_model_quantized.onnx']);
    const engine = await Engine.start(result.folder, { intraOpThreads: 1, dtype: 'q8' });
    await engine.close();

    const err = await pull(settingsFor(hub, dir.path), { model: REPO, dtype: 'fp16', revision: 'main' }, new RecordedProgress(), FAST_RETRY).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NO_EXPORT', message: `${REPO} has no fp16 ONNX export; it has fp32, q8 (use --dtype fp32).` });
  });

  it('fetches nothing again when the files are present and verified', async () => {
    const settings = settingsFor(hub, dir.path);
    await pull(settings, { model: REPO, dtype: 'fp32', revision: 'main' }, new RecordedProgress(), FAST_RETRY);
    const before = hub.requests.length;
    const again = await pull(settings, { model: REPO, dtype: 'fp32', revision: 'main' }, new RecordedProgress(), FAST_RETRY);
    expect(again.fetchedBytes).toBe(0);
    expect(hub.requests.slice(before).filter((r) => r.path.includes('/resolve/'))).toEqual([]);
  });

  it('follows the listing across pages and sends HF_TOKEN as a Bearer token', async () => {
    hub.pageSize = 3;
    await pull(settingsFor(hub, dir.path, { HF_TOKEN: 'hf_secret' }), { model: REPO, dtype: 'fp32', revision: 'main' }, new RecordedProgress(), FAST_RETRY);
    const listings = hub.requests.filter((r) => r.path.includes('/tree/'));
    expect(listings.length).toBeGreaterThan(2);
    expect(hub.requests.every((r) => r.authorization === 'Bearer hf_secret')).toBe(true);
  });

  it('takes a catalog name for a curated repo', async () => {
    hub.addRepo('Xenova/opus-mt-en-de', files);
    const result = await pull(settingsFor(hub, dir.path), { model: 'opus-mt-en-de', dtype: 'fp32', revision: 'main' }, new RecordedProgress(), FAST_RETRY);
    expect(result.folder).toBe(join(dir.path, 'opus-mt-en-de'));
    expect(JSON.parse(await readFile(join(dir.path, 'registry.json'), 'utf8')).tasks).toEqual({ translate: { 'en-de': 'opus-mt-en-de' } });
  });
});
