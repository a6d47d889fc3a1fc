/** Marks a generated folder's config.json so Parley can warn that its output is random. */
export const TINY_MODEL_MARKER = 'parley_tiny_random_model';

/** The model's vocabulary size: the tokenizer's, or a larger padded one. */
export function resolveVocabSize(tokenizerSize: number, requested: number | undefined): number {
  if (requested === undefined) return tokenizerSize;
  if (!Number.isInteger(requested) || requested < tokenizerSize) {
    throw new RangeError(`vocabSize ${requested} must be an integer of at least the tokenizer's ${tokenizerSize} tokens`);
  }
  return requested;
}
