/** Deterministic PRNG (mulberry32) so the same seed always yields the same weights. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Normal draws scaled by `std` (Marsaglia's polar method: both values of each pair, no trigonometry). */
  normalArray(length: number, std: number): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i += 2) {
      let u: number;
      let v: number;
      let s: number;
      do {
        u = 2 * this.uniform() - 1;
        v = 2 * this.uniform() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s) * std;
      out[i] = u * f;
      if (i + 1 < length) out[i + 1] = v * f;
    }
    return out;
  }
}
