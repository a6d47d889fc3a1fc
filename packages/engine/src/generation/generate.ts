import type { GenerativeModel } from '../models/generative-model.js';
import { Batcher } from './batcher.js';
import type { GenerationResult, RowRequest } from './row-request.js';

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
