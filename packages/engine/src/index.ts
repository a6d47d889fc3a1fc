// @parley/engine: a model on its own thread (Engine), with its options, results and errors.
// Parts for in-process use (loading, the batcher, the decoding loops) are in ./internals.ts.
export { Engine, type TextStreamHandle } from './engine.js';
export { EngineError, type EngineErrorCode, type SerializedEngineError } from './errors.js';
export type { GenerationOptions } from './generation-options.js';
export { DEFAULTS as GENERATION_DEFAULTS, LIMITS as GENERATION_LIMITS, type GenerationConfig } from './generation/generation-config.js';
export type { TextGenerationResult } from './generation/run-generation.js';
export type { FinishReason } from './generation/row-request.js';
export type { LoadOptions } from './load-options.js';
export type { BatchLimits } from './generation/batch-limits.js';
export type { BatchStats } from './generation/batcher.js';
export type { Dtype } from './models/model-files.js';
export type { SessionSettings } from './models/session.js';
export type { ModelInfo } from './thread-protocol.js';
export type { AggregationStrategy, Entity } from './ner/aggregate.js';
export type { EntityOptions } from './ner/extract-entities.js';
