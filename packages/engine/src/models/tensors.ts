import { readLogits } from './float16.js';
import { Tensor } from './session.js';

/** [rows × width] int64 tensor; short rows are padded with `pad` on the given side. */
export function int64Rows(rows: readonly (readonly number[])[], pad = 0, side: 'left' | 'right' = 'right'): Tensor {
  const width = Math.max(0, ...rows.map((r) => r.length));
  const data = new BigInt64Array(rows.length * width).fill(BigInt(pad));
  rows.forEach((row, r) => {
    const offset = r * width + (side === 'left' ? width - row.length : 0);
    row.forEach((v, c) => (data[offset + c] = BigInt(v)));
  });
  return new Tensor('int64', data, [rows.length, width]);
}

/** [values.length × 1] int64 tensor: one token id or position per row, for a decoding step. */
export function int64Column(values: readonly number[]): Tensor {
  const data = new BigInt64Array(values.length);
  for (let r = 0; r < values.length; r++) data[r] = BigInt(values[r]!);
  return new Tensor('int64', data, [values.length, 1]);
}

/** A new tensor made of the given rows (axis 0) of `t`, in that order; rows may repeat. */
export function gatherRows(t: Tensor, indices: readonly number[]): Tensor {
  const rowSize = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const src = t.data as Float32Array | Uint16Array | BigInt64Array;
  const out = new (src.constructor as new (n: number) => typeof src)(indices.length * rowSize);
  indices.forEach((row, i) => out.set(src.subarray(row * rowSize, (row + 1) * rowSize) as never, i * rowSize));
  return new Tensor(t.type as 'float32', out as Float32Array, [indices.length, ...t.dims.slice(1)]);
}

/** Last-position logits of each row as float32 [rows × vocab], whatever the output's type. */
export function lastLogits(logits: Tensor): { logits: Float32Array; vocabSize: number } {
  const [batch, length, vocabSize] = logits.dims as [number, number, number];
  const data = logits.data as Float32Array | Uint16Array;
  // One position per row (every step after the prompt): the output already is [rows × vocab].
  if (length === 1 && data instanceof Float32Array) return { logits: data, vocabSize };
  const out = new Float32Array(batch * vocabSize);
  for (let b = 0; b < batch; b++) readLogits(data, (b * length + length - 1) * vocabSize, vocabSize, out, b * vocabSize);
  return { logits: out, vocabSize };
}

type Data = Float32Array | Uint16Array | BigInt64Array;

function alloc(like: Data, n: number): Data {
  return new (like.constructor as new (n: number) => Data)(n);
}

/**
 * Joins tensors along the batch axis (0) whose `axis` lengths may differ: each part is padded
 * with zeros to `length` on `side` of that axis. Used to merge running batches.
 */
export function concatPadded(parts: readonly Tensor[], axis: number, length: number, side: 'left' | 'right'): Tensor {
  const first = parts[0]!;
  const outer = first.dims.slice(1, axis).reduce((a, b) => a * b, 1);
  const inner = first.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const rows = parts.reduce((n, p) => n + p.dims[0]!, 0);
  const out = alloc(first.data as Data, rows * outer * length * inner);
  let block = 0;
  for (const part of parts) {
    const own = part.dims[axis]!;
    const src = part.data as Data;
    const shift = side === 'left' ? (length - own) * inner : 0;
    const blocks = part.dims[0]! * outer;
    for (let i = 0; i < blocks; i++, block++) out.set(src.subarray(i * own * inner, (i + 1) * own * inner) as never, block * length * inner + shift);
  }
  const dims = [...first.dims];
  dims[0] = rows;
  dims[axis] = length;
  return new Tensor(first.type as 'float32', out as Float32Array, dims);
}

/** The given rows (axis 0) of `t`, keeping only positions [from, to) of `axis`. */
export function sliceRows(t: Tensor, rows: readonly number[], axis: number, from: number, to: number): Tensor {
  const outer = t.dims.slice(1, axis).reduce((a, b) => a * b, 1);
  const inner = t.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const own = t.dims[axis]!;
  const keep = to - from;
  const src = t.data as Data;
  const out = alloc(src, rows.length * outer * keep * inner);
  let block = 0;
  for (const row of rows) {
    for (let o = 0; o < outer; o++, block++) {
      const start = ((row * outer + o) * own + from) * inner;
      out.set(src.subarray(start, start + keep * inner) as never, block * keep * inner);
    }
  }
  const dims = [...t.dims];
  dims[0] = rows.length;
  dims[axis] = keep;
  return new Tensor(t.type as 'float32', out as Float32Array, dims);
}

/** Bytes held by a tensor's data. */
export function tensorBytes(t: Tensor): number {
  return (t.data as Data).byteLength;
}
