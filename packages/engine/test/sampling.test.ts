import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/generation/rng.js';
import { chooseToken, samplingDistribution } from '../src/generation/sampling.js';
import { topKIndices } from '../src/generation/top-k.js';
import type { GenerationConfig } from '../src/generation/generation-config.js';

/** Hugging Face's warpers written the slow, obvious way (full sort), to check the fast path against. */
function reference(logits: Float32Array, temperature: number, topK: number, topP: number): Map<number, number> {
  let order = [...logits.keys()].sort((a, b) => logits[b]! - logits[a]! || a - b);
  if (topK > 0) order = order.slice(0, topK);
  const max = logits[order[0]!]!;
  const w = order.map((i) => Math.exp((logits[i]! - max) / temperature));
  const sum = w.reduce((a, b) => a + b, 0);
  const p = w.map((x) => x / sum);
  let keep = order.length;
  if (topP < 1) {
    let mass = 0;
    keep = 0;
    while (keep < order.length && (keep === 0 || mass < topP)) mass += p[keep++]!;
  }
  const kept = p.slice(0, keep);
  const z = kept.reduce((a, b) => a + b, 0);
  return new Map(order.slice(0, keep).map((id, i) => [id, kept[i]! / z]));
}

function randomLogits(seed: number, size: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: size }, () => (rng.next() - 0.5) * 8);
}

/** Chi-square critical value at p = 1e-4 (Wilson–Hilferty approximation; z = 3.719). */
function chiSquareCritical(df: number): number {
  if (df === 0) return 1e-9;
  const a = 2 / (9 * df);
  return df * (1 - a + 3.719 * Math.sqrt(a)) ** 3;
}

const cfg = (temperature: number, topK: number, topP: number) =>
  ({ doSample: true, temperature, topK, topP }) as unknown as GenerationConfig;

describe('partial selection', () => {
  it('topKIndices returns the k largest, largest first, like a full sort', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, min: -50, max: 50 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 400 }), (values, k) => {
        const arr = Float32Array.from(values);
        // + 0 makes -0 and 0 one value: they tie, so either order is right.
        const got = [...topKIndices(arr, k)].map((i) => arr[i]! + 0);
        const want = [...arr].sort((a, b) => b - a).slice(0, k).map((v) => v + 0);
        expect(got).toEqual(want);
      }),
    );
  });
});

describe('sampling distribution (temperature → top-k → top-p)', () => {
  const cases: [string, number, number, number][] = [
    ['temperature 0.7, top-k 10', 0.7, 10, 1],
    ['temperature 1.3, top-p 0.8', 1.3, 0, 0.8],
    ['top-k 20 then top-p 0.6', 1, 20, 0.6],
    ['plain sampling', 1, 0, 1],
    ['top-p 0.95 on a flat row', 5, 0, 0.95],
  ];

  it.each(cases)('keeps the same tokens with the same probabilities as the reference: %s', (_, t, k, p) => {
    const logits = randomLogits(42, 500);
    const dist = samplingDistribution(logits, cfg(t, k, p));
    const want = reference(logits, t, k, p);
    expect(new Set(dist.ids)).toEqual(new Set(want.keys()));
    dist.ids.forEach((id, i) => expect(dist.probs[i]).toBeCloseTo(want.get(id)!, 9));
  });

  it.each(cases)('draws fit the distribution (chi-square, p > 1e-4, 20k seeded draws) and never fall outside it: %s', (_, t, k, p) => {
    const logits = randomLogits(7, 200);
    const want = reference(logits, t, k, p);
    const rng = new Rng(2024);
    const counts = new Map<number, number>();
    const N = 20_000;
    for (let i = 0; i < N; i++) {
      const id = chooseToken(logits.slice(), cfg(t, k, p), rng);
      expect(want.has(id)).toBe(true);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    let chi2 = 0;
    for (const [id, prob] of want) chi2 += ((counts.get(id) ?? 0) - N * prob) ** 2 / (N * prob);
    expect(chi2).toBeLessThan(chiSquareCritical(want.size - 1));
  });

  it('a seed reproduces the same draws, whatever else draws in between', () => {
    const logits = randomLogits(3, 100);
    const draw = (rng: Rng) => Array.from({ length: 50 }, () => chooseToken(logits.slice(), cfg(1, 0, 1), rng));
    const a = new Rng(99);
    const b = new Rng(99);
    const other = new Rng(1);
    const first = draw(a);
    draw(other);
    expect(draw(b)).toEqual(first);
    expect(draw(new Rng(100))).not.toEqual(first);
  });
});
