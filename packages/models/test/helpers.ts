import { afterEach, beforeAll, beforeEach } from 'vitest';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlannedFile, PullProgress } from '../src/pull.js';
import { settingsFromEnv, type ModelsSettings } from '../src/settings.js';
import { FakeHub } from './fake-hub.js';

export const MODEL_CACHE = fileURLToPath(new URL('../../../.cache/models', import.meta.url));

/** A tiny T5 export as a hub repo holds it: the files the engine needs and some it does not. */
export async function tinyT5RepoFiles(): Promise<Record<string, Buffer>> {
  const files = await FakeHub.folderFiles(await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE }));
  return {
    ...files,
    'README.md': Buffer.from('# tiny t5\n'),
    'special_tokens_map.json': Buffer.from('{"eos_token":"</s>","pad_token":"<pad>","unk_token":"<unk>"}\n'),
    'onnx/encoder_model_quantized.onnx': files['onnx/encoder_model.onnx']!,
    'onnx/decoder_model_merged_quantized.onnx': files['onnx/decoder_model_merged.onnx']!,
    'onnx/decoder_model.onnx': files['onnx/decoder_model_merged.onnx']!,
    'model.safetensors': Buffer.alloc(4096, 7),
  };
}

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'parley-models-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export function settingsFor(hub: FakeHub, modelsDir: string, extra: NodeJS.ProcessEnv = {}): ModelsSettings {
  return settingsFromEnv({ MODELS_DIR: modelsDir, HF_ENDPOINT: hub.url, ...extra }, modelsDir);
}

/** A progress sink that records what it was told. */
export class RecordedProgress implements PullProgress {
  planned: PlannedFile[] = [];
  retries: { path: string; reason: string; resumeAt: number }[] = [];
  done: string[] = [];
  finished = false;
  plan(_model: string, files: PlannedFile[]): void {
    this.planned = files;
  }
  fileStart(): void {}
  bytes(): void {}
  fileDone(path: string): void {
    this.done.push(path);
  }
  retry(path: string, reason: string, resumeAt: number): void {
    this.retries.push({ path, reason, resumeAt });
  }
  finish(): void {
    this.finished = true;
  }
}

export const FAST_RETRY = { attempts: 3, retryDelayMs: 5 };

export type TempDir = Awaited<ReturnType<typeof tempDir>>;

/**
 * Registers hooks that give each test a fresh fake hub serving the tiny T5 export under every
 * name in `repos`, and a fresh models folder; read them from the returned object inside a test.
 */
export function hubPerTest(...repos: string[]): { hub: FakeHub; dir: TempDir; files: Record<string, Buffer> } {
  const state = {} as { hub: FakeHub; dir: TempDir; files: Record<string, Buffer> };
  beforeAll(async () => {
    state.files = await tinyT5RepoFiles();
  });
  beforeEach(async () => {
    state.hub = await FakeHub.start();
    for (const repo of repos) state.hub.addRepo(repo, state.files);
    state.dir = await tempDir();
  });
  afterEach(async () => {
    await state.hub.close();
    await state.dir.remove();
  });
  return state;
}

/** A stdout or stderr the CLI writes to, off a terminal. */
export class Capture {
  text = '';
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
