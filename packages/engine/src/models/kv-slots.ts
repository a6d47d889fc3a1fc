import type { PastKeyValues } from './kv-cache.js';
import { Tensor } from './session.js';

/**
 * A decoder-only cache kept in buffers with room to grow, for graphs edited to return only the
 * new positions (new-kv-outputs.ts). Each past entry is [rows, heads, capacity, head size]; slots
 * [0, width) hold the rows' tokens, left-padded so every row's latest token is at width - 1, and
 * slots [width, capacity) are free and masked out. A step writes its new position into slot
 * `width` in place, so the cache is copied only when rows leave or join, or it runs out of room.
 */

/** Free slots a cache is given when it is made or outgrown: growing copies it, so not every step. */
export const SLOT_HEADROOM = 64;

type Data = Float32Array | Uint16Array;

/**
 * Slots for `width` used positions plus headroom. A step's mask covers capacity + 1 positions
 * (the fed token last), which must stay within the model's positions, so near the end of the
 * context window the headroom shrinks, to none for the very last position.
 */
export function slotCapacity(width: number, maxPositions: number): number {
  return Math.max(width, Math.min(width + SLOT_HEADROOM, maxPositions - 1));
}

/** One source of rows for packSlots: `rows` of `past`, whose used slots are [0, width). */
export interface SlotSource {
  past: PastKeyValues;
  rows: readonly number[];
  width: number;
}

/**
 * New cache buffers of `capacity` slots holding the given rows in order, each row's last
 * min(width, source width) used slots ending at `width`: cuts padding when rows leave (select)
 * and left-pads shorter caches when groups join (merge).
 */
export function packSlots(sources: readonly SlotSource[], width: number, capacity: number): PastKeyValues {
  const rows = sources.reduce((n, s) => n + s.rows.length, 0);
  const packed: PastKeyValues = {};
  for (const name of Object.keys(sources[0]!.past)) {
    const first = sources[0]!.past[name]!;
    const [, heads, , size] = first.dims as [number, number, number, number];
    const out = new ((first.data as Data).constructor as new (n: number) => Data)(rows * heads * capacity * size);
    let dstRow = 0;
    for (const source of sources) {
      const t = source.past[name]!;
      const src = t.data as Data;
      const srcCapacity = t.dims[2]!;
      const keep = Math.min(width, source.width);
      const from = source.width - keep;
      for (const row of source.rows) {
        for (let h = 0; h < heads; h++) {
          const start = ((row * heads + h) * srcCapacity + from) * size;
          out.set(src.subarray(start, start + keep * size), ((dstRow * heads + h) * capacity + width - keep) * size);
        }
        dstRow++;
      }
    }
    packed[name] = new Tensor(first.type as 'float32', out as Float32Array, [rows, heads, capacity, size]);
  }
  return packed;
}

/** Writes each entry's new position (`fresh`, [rows, heads, 1, size], keyed by past name) into slot `at`. */
export function appendSlot(past: PastKeyValues, fresh: Record<string, Tensor>, at: number): void {
  for (const name in past) {
    const t = past[name]!;
    const [rows, heads, capacity, size] = t.dims as [number, number, number, number];
    const dst = t.data as Data;
    const src = fresh[name]!.data as Data;
    // A head's new position is a few hundred bytes: a plain loop beats a subarray view per copy.
    for (let rh = 0; rh < rows * heads; rh++) {
      const from = rh * size;
      const to = (rh * capacity + at) * size;
      for (let i = 0; i < size; i++) dst[to + i] = src[from + i]!;
    }
  }
}

/** The attention mask of the next step: ones over each row's tokens and the fed position (last), [rows, capacity + 1]. */
export function slotMask(lengths: readonly number[], width: number, capacity: number): Tensor {
  const span = capacity + 1;
  const data = new BigInt64Array(lengths.length * span);
  lengths.forEach((n, r) => {
    data.fill(1n, r * span + width - n, r * span + width);
    data[r * span + capacity] = 1n;
  });
  return new Tensor('int64', data, [lengths.length, span]);
}

/** Marks slot `at` as used in every row of a mask made by slotMask, in place. */
export function markSlot(mask: Tensor, at: number): void {
  const [rows, span] = mask.dims as [number, number];
  const data = mask.data as BigInt64Array;
  for (let r = 0; r < rows; r++) data[r * span + at] = 1n;
}
