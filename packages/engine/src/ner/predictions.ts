/**
 * Assembling the per-token input of `aggregateEntities` from what the engine has after a forward pass (Python's
 * `gather_pre_entities`): tokens, their aligned offsets and their label probabilities.
 */

import type { TokenPrediction } from './aggregate.js';
import type { TokenSpan } from './offsets.js';
import { isSubwordToken } from './subwords.js';

export interface PredictionOptions {
  /** Tokens left out of the predictions ([CLS], [SEP], [PAD]). The unknown token is kept even if listed. */
  specialTokens: ReadonlySet<string>;
  unkToken?: string;
  /** WordPiece's `##`; decides which tokens continue a word (see `isSubwordToken`). */
  continuingSubwordPrefix?: string;
}

/**
 * One prediction per non-special token, `index` being the token's position in `tokens`. Like Python, the unknown
 * token's word is the original text it stands for, and it never continues a word.
 */
export function toTokenPredictions(
  text: string,
  tokens: readonly string[],
  offsets: readonly (TokenSpan | null)[],
  scores: readonly Float32Array[],
  options: PredictionOptions,
): TokenPrediction[] {
  if (offsets.length !== tokens.length || scores.length !== tokens.length) {
    throw new RangeError(
      `tokens, offsets and scores must have the same length, got ${tokens.length}, ${offsets.length}, ${scores.length}`,
    );
  }
  const predictions: TokenPrediction[] = [];
  tokens.forEach((token, index) => {
    const unknown = options.unkToken !== undefined && token === options.unkToken;
    if (!unknown && options.specialTokens.has(token)) return;
    const span = offsets[index] ?? null;
    const start = span?.start ?? null;
    const end = span?.end ?? null;
    predictions.push({
      index,
      word: unknown && span !== null ? text.slice(span.start, span.end) : token,
      start,
      end,
      scores: scores[index]!,
      isSubword: !unknown && isSubwordToken(token, text, start, end, options.continuingSubwordPrefix),
    });
  });
  return predictions;
}
