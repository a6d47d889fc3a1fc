import { NEW_KV_PREFIX } from './new-kv-outputs.js';
import { Tensor, type InferenceSession, type SessionOutputs } from './session.js';
import { concatPadded, gatherRows, sliceRows } from './tensors.js';

/** past_key_values.* tensors keyed by input name. */
export type PastKeyValues = Record<string, Tensor>;

const PAST_PREFIX = 'past_key_values.';

/**
 * Zero-length past for the first step, shaped from the session's own input metadata: the batch
 * axis becomes `batch`, every other symbolic axis 0, numeric axes (heads, head size) stay. This
 * needs no per-architecture arithmetic, and the element type follows the graph (fp16 or fp32).
 */
export function emptyPast(session: InferenceSession, batch: number): PastKeyValues {
  const past: PastKeyValues = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor || !meta.name.startsWith(PAST_PREFIX)) continue;
    const dims = meta.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? batch : 0));
    const type = meta.type as 'float32' | 'float16';
    past[meta.name] = new Tensor(type, type === 'float16' ? new Uint16Array(0) : new Float32Array(0), dims);
  }
  return past;
}

/**
 * The next step's past from this step's presents. Cross-attention (encoder) entries are kept
 * from the first step: a merged decoder's cached branch returns empty placeholders for them, and
 * an unmerged with-past decoder does not return them at all.
 */
export function nextPast(outputs: SessionOutputs, previous: PastKeyValues | null): PastKeyValues {
  const past: PastKeyValues = {};
  for (const name in outputs) {
    const input = pastName(name);
    if (input) past[input] = outputs[name] as Tensor;
  }
  if (previous) for (const name in previous) if (name.includes('.encoder.')) past[name] = previous[name]!;
  return past;
}

const pastNames = new Map<string, string | null>();

/**
 * The past input a cache output feeds, worked out once per name: `present.0.key`, or an edited
 * graph's `parley_new.0.key` (new-kv-outputs.ts), → `past_key_values.0.key`; null for other outputs.
 */
function pastName(output: string): string | null {
  let name = pastNames.get(output);
  if (name === undefined) {
    name = output.startsWith('present') || output.startsWith(NEW_KV_PREFIX) ? PAST_PREFIX + output.slice(output.indexOf('.') + 1) : null;
    pastNames.set(output, name);
  }
  return name;
}

/** A merged decoder's `use_cache_branch` input: the same two tensors every step. */
export const CACHE_BRANCH = { cached: new Tensor('bool', [true], [1]), first: new Tensor('bool', [false], [1]) };

export function selectPast(past: PastKeyValues, rows: readonly number[]): PastKeyValues {
  return Object.fromEntries(Object.entries(past).map(([name, t]) => [name, gatherRows(t, rows)]));
}

/** Bytes one row of the cache holds per position, for the past inputs `which` selects. */
export function pastBytesPerPosition(session: InferenceSession, which: (name: string) => boolean): number {
  let bytes = 0;
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor || !meta.name.startsWith(PAST_PREFIX) || !which(meta.name)) continue;
    const fixed = meta.shape.reduce<number>((n, d) => n * (typeof d === 'number' ? d : 1), 1);
    bytes += fixed * (meta.type === 'float16' ? 2 : 4);
  }
  return bytes;
}

/** Past entries joined along the batch axis, each padded to `length` positions on `side`. */
export function concatPast(parts: readonly PastKeyValues[], length: (name: string) => number, side: (name: string) => 'left' | 'right'): PastKeyValues {
  return Object.fromEntries(Object.keys(parts[0]!).map((name) => [name, concatPadded(parts.map((p) => p[name]!), 2, length(name), side(name))]));
}

/** The given rows of every past entry, keeping positions [from, to) where `window` gives one. */
export function slicePast(past: PastKeyValues, rows: readonly number[], window: (name: string) => [number, number] | null): PastKeyValues {
  return Object.fromEntries(
    Object.entries(past).map(([name, t]) => {
      const w = window(name);
      return [name, w ? sliceRows(t, rows, 2, w[0], w[1]) : gatherRows(t, rows)];
    }),
  );
}
