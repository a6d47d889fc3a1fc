import type { ModelConfig } from './model-config.js';
import type { TextTokenizer } from './tokenizer.js';

/** Logits for the next token of every row in the batch, [rows × vocabSize]. */
export interface StepOutput<S> {
  logits: Float32Array;
  vocabSize: number;
  state: S;
}

/** A request's size as the cache sees it: prompt tokens and the most tokens it may add. */
export interface RowSize {
  promptTokens: number;
  maxNewTokens: number;
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
  /**
   * One state holding the rows of each state in order, so they decode in one run, copied once
   * however many there are; null when the graph cannot run them together (a seq2seq decoder has
   * no self-attention mask, so only rows at the same decoder length can share a run).
   */
  merge(...states: S[]): S | null;
  /**
   * The same rows with their decoder cache rebuilt from the first step (seq2seq: the decoder start
   * token against the cross-attention cache already held), returning the first step's logits. Lets
   * rows at different decoder lengths be brought to the same one. Absent where merge never refuses.
   */
  restart?(state: S): Promise<StepOutput<S>>;
  /** True when merge never refuses, so joining a running batch costs no wait. */
  readonly mergesAnyLength: boolean;
  /** Bytes the cache would hold at its largest for these rows decoded as one padded batch. */
  batchBytes(rows: readonly RowSize[]): number;
  /** Bytes the state's cache holds now. */
  stateBytes(state: S): number;
  /** What Hugging Face's logits processors see as a row's sequence before the first new token. */
  processorContext(prompt: readonly number[]): number[];
  release(): Promise<void>;
}
