import type { GenerativeModel } from '../models/generative-model.js';
import { Batcher } from './batcher.js';
import type { GenerationConfig } from './generation-config.js';

export type FinishReason = 'eos' | 'length' | 'stop' | 'aborted';

export interface GenerationResult {
  text: string;
  tokenIds: number[];
  promptTokens: number;
  finishReason: FinishReason;
}

export interface RowRequest {
  prompt: readonly number[];
  config: GenerationConfig;
  /** Called with each piece of text as it becomes safe to show. */
  onText?: (piece: string) => void;
  signal?: AbortSignal;
  /** Called with each step's processed logits for this row (tests compare decoding paths). */
  onStepLogits?: (logits: Float32Array) => void;
}

/**
 * Greedy or sampled decoding of a batch: each row keeps its own settings, random generator,
 * processors and stop strings. A row that finishes leaves the batch, so the others don't pay
 * for it. Beam search is separate (see beam-search.ts); requests arriving over time go through
 * a long-lived Batcher instead.
 */
export function generate<S>(model: GenerativeModel<S>, requests: readonly RowRequest[]): Promise<GenerationResult[]> {
  const batcher = new Batcher(model);
  return Promise.all(requests.map((r) => batcher.submit(r)));
}
