import type { ModelConfig } from './model-config.js';
import type { TextTokenizer } from './tokenizer.js';

/** Logits for the next token of every row in the batch, [rows × vocabSize]. */
export interface StepOutput<S> {
  logits: Float32Array;
  vocabSize: number;
  state: S;
}

/**
 * A model that generates text one token per row per step. The decoding loop (greedy, sampling,
 * beams) only talks to this, so it is the same for encoder–decoder and decoder-only models.
 */
export interface GenerativeModel<S = unknown> {
  readonly kind: 'seq2seq' | 'causal';
  readonly config: ModelConfig;
  readonly tokenizer: TextTokenizer;
  /** Reads the prompts (one per row) and returns the logits for each row's first new token. */
  start(prompts: readonly (readonly number[])[]): Promise<StepOutput<S>>;
  /** Feeds one new token per row and returns the logits for the next. */
  step(state: S, tokens: readonly number[]): Promise<StepOutput<S>>;
  /** A state holding only the given rows, in that order (rows may repeat: beam search). */
  select(state: S, rows: readonly number[]): S;
  /** What Hugging Face's logits processors see as a row's sequence before the first new token. */
  processorContext(prompt: readonly number[]): number[];
  release(): Promise<void>;
}
