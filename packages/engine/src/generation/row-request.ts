import type { GenerationConfig } from './generation-config.js';

/** What one row of a batch decodes: its prompt, settings and hooks. */
export interface RowRequest {
  prompt: readonly number[];
  config: GenerationConfig;
  /** Called with each piece of text as it becomes safe to show. */
  onText?: (piece: string) => void;
  signal?: AbortSignal;
  /** Called with each step's processed logits for this row (tests compare decoding paths). */
  onStepLogits?: (logits: Float32Array) => void;
}

export type FinishReason = 'eos' | 'length' | 'stop' | 'aborted';

/** What one row decoded, whichever loop ran it. */
export interface GenerationResult {
  text: string;
  tokenIds: number[];
  promptTokens: number;
  finishReason: FinishReason;
}
