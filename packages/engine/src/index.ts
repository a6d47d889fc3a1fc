export { Engine } from './engine.js';
export { EngineError, type EngineErrorCode, type SerializedEngineError } from './errors.js';
export type { GenerationResult } from './generate.js';
export { DEFAULT_GENERATION_OPTIONS, MAX_NEW_TOKENS_LIMIT, type GenerationOptions } from './generation-options.js';
export type { SessionSettings } from './session.js';
export type { ModelInfo } from './thread-protocol.js';
