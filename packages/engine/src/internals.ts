// @parley/engine/internals: the engine without its thread, for benchmarks and tests that load a
// model in process and drive the decoding loops and the batcher directly. Apps use Engine instead.
export { loadModel, type LoadedModel, type ModelLoadOptions } from './models/load-model.js';
export { readJson, readModelConfig, type ModelConfig } from './models/model-config.js';
export { asGenerative, generateText } from './generation/run-generation.js';
export { Batcher, type StepReport } from './generation/batcher.js';
export { DEFAULT_LIMITS as DEFAULT_BATCH_LIMITS, UNLIMITED as UNLIMITED_BATCH } from './generation/batch-limits.js';
export type { GenerationResult, RowRequest } from './generation/row-request.js';
export { extractEntities } from './ner/extract-entities.js';
