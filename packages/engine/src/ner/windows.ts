/**
 * Inputs longer than the model's context: overlapping windows of content tokens, and merging their predictions
 * back into one prediction per token. Entities are aggregated once over the merged tokens, so an entity that
 * crosses a window boundary comes out whole and once.
 *
 * Windows hold content tokens only; the caller adds [CLS]/[SEP] around each, so `maxTokens` is the model's
 * limit minus the special tokens. All windows have `maxTokens` tokens (when the input is longer than that): the
 * last one is moved back to end at the last token rather than cut short, which gives it more context and makes
 * its overlap with the window before it at least `stride`.
 */

export interface TokenWindow {
  /** First content token of the window. */
  start: number;
  /** One past the last content token of the window. */
  end: number;
}

export function planWindows(tokenCount: number, maxTokens: number, stride: number): TokenWindow[] {
  if (!Number.isInteger(tokenCount) || tokenCount < 0) {
    throw new RangeError(`tokenCount must be a non-negative integer, got ${tokenCount}`);
  }
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new RangeError(`maxTokens must be a positive integer, got ${maxTokens}`);
  }
  if (!Number.isInteger(stride) || stride < 0) {
    throw new RangeError(`stride must be a non-negative integer, got ${stride}`);
  }
  if (stride >= maxTokens) {
    throw new RangeError(`stride (${stride}) must be smaller than maxTokens (${maxTokens}), or windows would not advance`);
  }
  if (tokenCount === 0) return [];
  if (tokenCount <= maxTokens) return [{ start: 0, end: tokenCount }];
  const windows: TokenWindow[] = [];
  const step = maxTokens - stride;
  for (let start = 0; start + maxTokens < tokenCount; start += step) windows.push({ start, end: start + maxTokens });
  windows.push({ start: tokenCount - maxTokens, end: tokenCount });
  return windows;
}

/**
 * One score vector per token (the arrays given, not copies). A token seen by several windows takes the
 * prediction of the window where it is farthest from an edge, i.e. has the most context on its nearer side;
 * on a tie the earlier window wins.
 *
 * `perWindowScores[w][j]` is the prediction for token `windows[w].start + j`. Windows must be ordered by start
 * and leave no token uncovered from 0 to the last window's end.
 */
export function mergeWindowPredictions(
  windows: readonly TokenWindow[],
  perWindowScores: readonly (readonly Float32Array[])[],
): Float32Array[] {
  if (perWindowScores.length !== windows.length) {
    throw new RangeError(`expected scores for ${windows.length} windows, got ${perWindowScores.length}`);
  }
  let covered = 0;
  windows.forEach((w, i) => {
    if (!Number.isInteger(w.start) || !Number.isInteger(w.end) || w.start < 0 || w.end <= w.start) {
      throw new RangeError(`window ${i} [${w.start}, ${w.end}) is not a non-empty token range`);
    }
    if (w.start > covered) throw new RangeError(`tokens ${covered} to ${w.start - 1} are in no window (window ${i})`);
    if (i > 0 && w.start < windows[i - 1]!.start) throw new RangeError(`window ${i} starts before window ${i - 1}`);
    const scores = perWindowScores[i]!;
    if (scores.length !== w.end - w.start) {
      throw new RangeError(`window ${i} has ${w.end - w.start} tokens but ${scores.length} score vectors`);
    }
    covered = Math.max(covered, w.end);
  });

  const merged: Float32Array[] = [];
  const bestDistance: number[] = [];
  windows.forEach((w, i) => {
    const scores = perWindowScores[i]!;
    for (let t = w.start; t < w.end; t++) {
      const distance = Math.min(t - w.start, w.end - 1 - t);
      if (merged[t] === undefined || distance > bestDistance[t]!) {
        merged[t] = scores[t - w.start]!;
        bestDistance[t] = distance;
      }
    }
  });
  return merged;
}
