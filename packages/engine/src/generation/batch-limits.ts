/** How much a continuous batch takes on at once; see Batcher. */
export interface BatchLimits {
  /** Most rows decoding at once. */
  maxRows: number;
  /** Most bytes the rows' caches may reach, padded as one batch, at their longest. */
  kvBudgetBytes: number;
  /**
   * Most prompt tokens prefilled in one step: a graph that returns
   * logits for every position makes a prefill's output grow with rows × length × vocabulary.
   */
  maxPrefillTokens: number;
  /**
   * For models whose rows merge only at equal lengths (seq2seq): while rows are decoding,
   * newcomers are prefilled as they arrive but held back, merged with each other, for up to this
   * long, so a burst then decodes as one batch rather than one group per arrival. The prefill
   * work is done meanwhile, so the wait costs little. An idle batcher starts a request at once.
   */
  gatherMs: number;
  /**
   * For models whose rows merge only at equal lengths (seq2seq): a running group that has made at
   * most this many tokens joins a newly prefilled one by rebuilding its decoder cache from the
   * first step and replaying its tokens in step with the newcomers (their outputs are unchanged;
   * it only pauses for those steps), so the two run as one batch instead of two.
   */
  maxReplaySteps: number;
}

export const UNLIMITED: BatchLimits = { maxRows: Infinity, kvBudgetBytes: Infinity, maxPrefillTokens: Infinity, gatherMs: 0, maxReplaySteps: Infinity };

/**
 * An engine's limits unless configured: distilgpt2's cache for 32 rows of 512+64 tokens is ~0.7 GB.
 * A group decodes ~40 steps in a 200 ms gather window on a small model, so replay reaches that far.
 */
export const DEFAULT_LIMITS: BatchLimits = { maxRows: 32, kvBudgetBytes: 1024 * 1024 * 1024, maxPrefillTokens: 4096, gatherMs: 200, maxReplaySteps: 64 };
