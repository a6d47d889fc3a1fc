export { Engine, type TextStreamHandle } from './engine.js';
export { EngineError, type EngineErrorCode, type SerializedEngineError } from './errors.js';
export type { FinishReason } from './generation/row-request.js';
export type { GenerationOptions } from './generation-options.js';
export { DEFAULTS as GENERATION_DEFAULTS, LIMITS as GENERATION_LIMITS, type GenerationConfig } from './generation/generation-config.js';
export type { TextGenerationResult } from './generation/run-generation.js';
export type { Dtype } from './models/model-files.js';
export type { LoadOptions } from './load-options.js';
export type { SessionSettings } from './models/session.js';
export type { ModelInfo } from './thread-protocol.js';
export type { AggregationStrategy, Entity } from './ner/aggregate.js';
export { extractEntities, type EntityOptions } from './ner/extract-entities.js';
// In-process use without the thread (benchmarks, embedding): load once, then generate.
export { generateText } from './generation/run-generation.js';
export { loadModel, type LoadedModel } from './models/load-model.js';
export { Batcher, type BatchStats, type StepReport } from './generation/batcher.js';
export { DEFAULT_LIMITS as DEFAULT_BATCH_LIMITS, UNLIMITED as UNLIMITED_BATCH, type BatchLimits } from './generation/batch-limits.js';
export { asGenerative } from './generation/run-generation.js';
export type { GenerationResult, RowRequest } from './generation/row-request.js';
