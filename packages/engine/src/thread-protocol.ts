import type { SerializedEngineError } from './errors.js';
import type { BatchStats } from './generation/batcher.js';
import type { GenerationOptions } from './generation-options.js';
import type { TextGenerationResult } from './generation/run-generation.js';
import type { LoadOptions } from './load-options.js';
import type { Entity } from './ner/aggregate.js';
import type { EntityOptions } from './ner/extract-entities.js';

/** Messages between the Engine (main thread) and the generation thread. */
export interface ThreadInit {
  modelDir: string;
  options: LoadOptions;
}

export interface ModelInfo {
  modelDir: string;
  modelType: string;
  /** seq2seq and causal models generate text; token-classification models extract entities. */
  family: 'seq2seq' | 'causal' | 'token-classification';
  maxInputTokens: number;
  isRandomTestModel: boolean;
  /** The model's chat template, for instruct models. */
  chat: { template: string; bosToken?: string; eosToken?: string } | null;
}

export type ToThread =
  | { type: 'generate'; id: number; prompt: string; options: Partial<GenerationOptions>; stream: boolean }
  | { type: 'count'; id: number; texts: string[] }
  | { type: 'entities'; id: number; text: string; options: EntityOptions }
  | { type: 'cancel'; id: number }
  | { type: 'batch-stats'; id: number };

export type FromThread =
  | { type: 'ready'; info: ModelInfo }
  | { type: 'load-failed'; error: SerializedEngineError }
  | { type: 'delta'; id: number; text: string }
  | { type: 'result'; id: number; result: TextGenerationResult }
  | { type: 'counted'; id: number; tokens: number[] }
  | { type: 'entities'; id: number; entities: Entity[] }
  | { type: 'batch-stats'; id: number; stats: BatchStats }
  | { type: 'failed'; id: number; error: SerializedEngineError };
