/** Per-token label probabilities from a token-classification model's logits. */

/**
 * Softmax over row `tokenIndex` of a [tokens × numLabels] logits matrix (one sequence of the model's
 * `logits` output). The row maximum is subtracted before exponentiating, so large logits do not overflow.
 */
export function softmax(logits: Float32Array, numLabels: number, tokenIndex: number): Float32Array {
  if (!Number.isInteger(numLabels) || numLabels < 1) {
    throw new RangeError(`numLabels must be a positive integer, got ${numLabels}`);
  }
  if (logits.length % numLabels !== 0) {
    throw new RangeError(`logits length ${logits.length} is not a multiple of numLabels ${numLabels}`);
  }
  const rows = logits.length / numLabels;
  if (!Number.isInteger(tokenIndex) || tokenIndex < 0 || tokenIndex >= rows) {
    throw new RangeError(`tokenIndex ${tokenIndex} is outside the ${rows} rows of logits`);
  }
  const offset = tokenIndex * numLabels;
  let max = -Infinity;
  for (let k = 0; k < numLabels; k++) max = Math.max(max, logits[offset + k]!);
  const exps = new Float64Array(numLabels);
  let sum = 0;
  for (let k = 0; k < numLabels; k++) {
    exps[k] = Math.exp(logits[offset + k]! - max);
    sum += exps[k]!;
  }
  const out = new Float32Array(numLabels);
  for (let k = 0; k < numLabels; k++) out[k] = exps[k]! / sum;
  return out;
}
