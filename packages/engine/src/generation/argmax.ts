/** Index of the largest value in row `row` of a [rows × width] matrix. */
export function argmax(values: Float32Array, width: number, row = 0): number {
  const start = row * width;
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < width; i++) {
    const v = values[start + i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}
