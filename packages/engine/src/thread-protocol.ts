import type { SerializedEngineError } from './errors.js';
import type { GenerationResult } from './generate.js';
import type { GenerationOptions } from './generation-options.js';
import type { SessionSettings } from './session.js';

/** Messages between the Engine (main thread) and the generation thread. */
export interface ThreadInit {
  modelDir: string;
  settings: SessionSettings;
}

export interface ModelInfo {
  modelDir: string;
  modelType: string;
  maxInputTokens: number;
  isRandomTestModel: boolean;
}

export type ToThread =
  | { type: 'generate'; id: number; prompt: string; options: GenerationOptions }
  | { type: 'count'; id: number; text: string };

export type FromThread =
  | { type: 'ready'; info: ModelInfo }
  | { type: 'load-failed'; error: SerializedEngineError }
  | { type: 'result'; id: number; result: GenerationResult }
  | { type: 'counted'; id: number; tokens: number }
  | { type: 'failed'; id: number; error: SerializedEngineError };
