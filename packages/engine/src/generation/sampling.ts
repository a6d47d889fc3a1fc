import type { GenerationConfig } from './generation-config.js';
import { argmax } from './argmax.js';
import type { Rng } from './rng.js';
import { topKIndices } from './top-k.js';

/** The tokens sampling may pick from, with their renormalized probabilities. */
export interface SamplingDistribution {
  ids: Int32Array;
  probs: Float64Array;
}

/**
 * Temperature → top-k → top-p, in Hugging Face's order, over one row of (already penalized)
 * logits. Only the candidates are ever sorted: top-k by a heap, and top-p grows a heap-selected
 * prefix until it holds the requested mass.
 */
export function samplingDistribution(logits: Float32Array, config: Pick<GenerationConfig, 'temperature' | 'topK' | 'topP'>): SamplingDistribution {
  const { temperature, topK, topP } = config;
  if (topK > 0 && topK < logits.length) {
    const ids = topKIndices(logits, topK);
    const top = logits[ids[0]!]!;
    return topPCut(ids, normalize(Float64Array.from(ids, (id) => Math.exp((logits[id]! - top) / temperature))), topP);
  }
  const max = logits[argmax(logits, logits.length)]!;
  const weight = (id: number) => Math.exp((logits[id]! - max) / temperature);
  if (topP >= 1) {
    const ids = new Int32Array(logits.length);
    const w = new Float64Array(logits.length);
    for (let i = 0; i < logits.length; i++) {
      ids[i] = i;
      w[i] = weight(i);
    }
    return { ids, probs: normalize(w) };
  }
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += weight(i);
  for (let m = 64; ; m *= 2) {
    const ids = topKIndices(logits, m);
    const probs = Float64Array.from(ids, (id) => weight(id) / total);
    let mass = 0;
    for (const p of probs) mass += p;
    if (mass >= topP || ids.length === logits.length) return topPCut(ids, probs, topP, true);
  }
}

/**
 * Keeps the most probable tokens, largest first, until the ones before a token already hold
 * `topP` of the mass (so the token that crosses the line stays, and at least one always does).
 */
function topPCut(ids: Int32Array, probs: Float64Array, topP: number, renormalize = false): SamplingDistribution {
  if (topP >= 1 && !renormalize) return { ids, probs };
  let keep = 0;
  let mass = 0;
  while (keep < ids.length && (keep === 0 || mass < topP)) mass += probs[keep++]!;
  return { ids: ids.slice(0, keep), probs: normalize(probs.slice(0, keep)) };
}

function normalize(w: Float64Array): Float64Array {
  let sum = 0;
  for (const v of w) sum += v;
  for (let i = 0; i < w.length; i++) w[i] = w[i]! / sum;
  return w;
}

export function drawFrom(dist: SamplingDistribution, rng: Rng): number {
  let u = rng.next();
  for (let i = 0; i < dist.ids.length; i++) {
    u -= dist.probs[i]!;
    if (u < 0) return dist.ids[i]!;
  }
  return dist.ids[dist.ids.length - 1]!;
}

/** Greedy or sampled choice of the next token from one row of processed logits. */
export function chooseToken(logits: Float32Array, config: GenerationConfig, rng: Rng): number {
  return config.doSample ? drawFrom(samplingDistribution(logits, config), rng) : argmax(logits, logits.length);
}
