/**
 * Named-entity post-processing for token-classification models: token offsets, label probabilities,
 * aggregation into entities (Python transformers pipeline semantics) and windowing of long inputs.
 * Pure functions: no model runtime and no I/O.
 */

export { alignTokens, type AlignOptions, type TokenSpan } from './offsets.js';
