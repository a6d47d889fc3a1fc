import * as fixtures from '@parley/tiny-models';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = `${ROOT}.cache/bench-models`;

/** A random-weight model with a real model's dimensions, generated on first use and cached (never committed). */
export interface Subject {
  name: string;
  /** The key the JSON results use. */
  key: 't5' | 'gpt2';
  dir: string;
  family: 'seq2seq' | 'causal';
}

export async function subjects(): Promise<Subject[]> {
  return [
    {
      name: 'flan-t5-small dims',
      key: 't5',
      family: 'seq2seq',
      dir: await fixtures.ensureTinySeq2Seq({ cacheDir: CACHE, shape: fixtures.FLAN_T5_SMALL_SHAPE, vocabSize: fixtures.FLAN_T5_SMALL_SHAPE.vocabSize }),
    },
    {
      name: 'distilgpt2 dims',
      key: 'gpt2',
      family: 'causal',
      dir: await fixtures.ensureTinyCausalLM({ cacheDir: CACHE, variant: 'gpt2', shape: fixtures.DISTILGPT2_SHAPE }),
    },
  ];
}

const WORDS = `On Monday morning the team met to plan the release. Maya Lopez opened the meeting and asked who was
blocked. Omar said the login bug was fixed, but one test still failed on the build server. Lena Park had written
the release notes over the weekend, and she wanted someone to review them before Friday.`.split(/\s+/);

/** English text that `count` (the model's own tokenizer) makes exactly `tokens` tokens of, or the nearest below. */
export function promptOf(tokens: number, count: (text: string) => number, prefix = ''): string {
  let words = 1;
  const text = (n: number) => prefix + Array.from({ length: n }, (_, i) => WORDS[i % WORDS.length]).join(' ');
  while (count(text(words * 2)) <= tokens) words *= 2;
  let lo = words;
  let hi = words * 2;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (count(text(mid)) <= tokens) lo = mid;
    else hi = mid;
  }
  return text(lo);
}

/** The onnxruntime session options both engines are given in the same-options cases. */
export interface SameOptions {
  intraOpNumThreads: number;
  interOpNumThreads: number;
  graphOptimizationLevel: 'all';
  executionProviders: ('cpu' | 'cuda')[];
}

export function sessionDevice(same: SameOptions): 'cpu' | 'cuda' {
  return same.executionProviders[0] ?? 'cpu';
}
