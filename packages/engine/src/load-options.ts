import type { BatchLimits } from './generation/batch-limits.js';
import type { ModelLoadOptions } from './models/load-model.js';

/** What Engine.start takes: how the model is loaded, and the limits of its thread's continuous batch. */
export interface LoadOptions extends ModelLoadOptions {
  /** Continuous batching limits on the engine's thread (rows and cache bytes at once). */
  batch?: Partial<BatchLimits>;
}
