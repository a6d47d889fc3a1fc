import ort from 'onnxruntime-node';
import { readLogits } from './float16.js';

/** [rows × width] int64 tensor; short rows are padded with `pad` on the given side. */
export function int64Rows(rows: readonly (readonly number[])[], pad = 0, side: 'left' | 'right' = 'right'): ort.Tensor {
  const width = Math.max(0, ...rows.map((r) => r.length));
  const data = new BigInt64Array(rows.length * width).fill(BigInt(pad));
  rows.forEach((row, r) => {
    const offset = r * width + (side === 'left' ? width - row.length : 0);
    row.forEach((v, c) => (data[offset + c] = BigInt(v)));
  });
  return new ort.Tensor('int64', data, [rows.length, width]);
}

/** A new tensor made of the given rows (axis 0) of `t`, in that order; rows may repeat. */
export function gatherRows(t: ort.Tensor, indices: readonly number[]): ort.Tensor {
  const rowSize = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const src = t.data as Float32Array | Uint16Array | BigInt64Array;
  const out = new (src.constructor as new (n: number) => typeof src)(indices.length * rowSize);
  indices.forEach((row, i) => out.set(src.subarray(row * rowSize, (row + 1) * rowSize) as never, i * rowSize));
  return new ort.Tensor(t.type as 'float32', out as Float32Array, [indices.length, ...t.dims.slice(1)]);
}

/** Last-position logits of each row as float32 [rows × vocab], whatever the output's type. */
export function lastLogits(logits: ort.Tensor): { logits: Float32Array; vocabSize: number } {
  const [batch, length, vocabSize] = logits.dims as [number, number, number];
  const data = logits.data as Float32Array | Uint16Array;
  // One position per row (every step after the prompt): the output already is [rows × vocab].
  if (length === 1 && data instanceof Float32Array) return { logits: data, vocabSize };
  const out = new Float32Array(batch * vocabSize);
  for (let b = 0; b < batch; b++) readLogits(data, (b * length + length - 1) * vocabSize, vocabSize, out, b * vocabSize);
  return { logits: out, vocabSize };
}
