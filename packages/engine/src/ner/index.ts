/**
 * Named-entity post-processing for token-classification models: token offsets, label probabilities,
 * aggregation into entities (Python transformers pipeline semantics) and windowing of long inputs.
 * Pure functions: no model runtime and no I/O.
 *
 * Typical flow: tokenize without special tokens → `alignTokens` → `planWindows` → run the model per window
 * (adding [CLS]/[SEP]) and `softmax` each content row → `mergeWindowPredictions` → `toTokenPredictions` →
 * `aggregateEntities`.
 */

export {
  aggregateEntities,
  type AggregateOptions,
  type AggregationStrategy,
  type Entity,
  type TokenPrediction,
} from './aggregate.js';
export { alignTokens, type AlignOptions, type TokenSpan } from './offsets.js';
export { toTokenPredictions, type PredictionOptions } from './predictions.js';
export { softmax } from './softmax.js';
export { isSubwordToken, joinWordPieces } from './subwords.js';
export { mergeWindowPredictions, planWindows, type TokenWindow } from './windows.js';
