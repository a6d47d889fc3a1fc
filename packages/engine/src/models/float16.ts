/** IEEE 754 half precision bits → number (fp16 exports return logits as raw 16-bit words). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Reads `count` logits starting at `start` as float32, whatever the tensor's element type. */
export function readLogits(data: Float32Array | Uint16Array, start: number, count: number, out: Float32Array, at: number): void {
  if (data instanceof Float32Array) {
    out.set(data.subarray(start, start + count), at);
    return;
  }
  for (let i = 0; i < count; i++) out[at + i] = halfToFloat(data[start + i]!);
}
