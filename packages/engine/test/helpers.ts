import { ensureTinyCausalLM, ensureTinySeq2Seq, ensureTinyTokenClassifier, type TinyCausalLMOptions } from '@parley/tiny-models';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GenerationOptions } from '../src/generation-options.js';
import { resolveGenerationConfig, type GenerationConfig } from '../src/generation/generation-config.js';
import type { GenerativeModel } from '../src/models/generative-model.js';
import { loadModel, type ModelLoadOptions } from '../src/models/load-model.js';
import type { CausalLM } from '../src/models/causal-lm.js';
import type { Seq2SeqModel } from '../src/models/seq2seq-model.js';

export const MODEL_CACHE = fileURLToPath(new URL('../../../.cache/models', import.meta.url));

export function tinySeq2Seq(): Promise<string> {
  return ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
}

export function tinyCausal(variant: 'gpt2' | 'llama', extra: Partial<TinyCausalLMOptions> = {}): Promise<string> {
  return ensureTinyCausalLM({ cacheDir: MODEL_CACHE, variant, ...extra });
}

export function tinyTokenClassifier(variant: 'bert' | 'distilbert'): Promise<string> {
  return ensureTinyTokenClassifier({ cacheDir: MODEL_CACHE, variant });
}

export async function loadCausal(variant: 'gpt2' | 'llama', extra: Partial<TinyCausalLMOptions> = {}, load: Partial<ModelLoadOptions> = {}): Promise<CausalLM> {
  const dtype = extra.dtype ?? 'fp32';
  return (await loadModel(await tinyCausal(variant, extra), { intraOpThreads: 1, dtype, ...load })) as CausalLM;
}

export async function loadSeq2Seq(dir?: string): Promise<Seq2SeqModel> {
  return (await loadModel(dir ?? (await tinySeq2Seq()), { intraOpThreads: 1 })) as Seq2SeqModel;
}

export function configFor(model: GenerativeModel, options: Partial<GenerationOptions> = {}): GenerationConfig {
  return resolveGenerationConfig(model.config.generation, { seed: 1, ...options });
}

/** A copy of a model folder with some generation_config.json keys changed. */
export async function copyWithGenerationConfig(changes: Record<string, unknown>, dir?: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'parley-model-'));
  await cp(dir ?? (await tinySeq2Seq()), copy, { recursive: true });
  const path = join(copy, 'generation_config.json');
  const gen = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  await writeFile(path, JSON.stringify({ ...gen, ...changes }));
  return copy;
}
