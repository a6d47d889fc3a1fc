import { describe, expect, it } from 'vitest';
import { toHalfBits } from '../src/float16.js';

describe('toHalfBits (float32 → IEEE half)', () => {
  it('encodes exact values, rounds to nearest even, and handles the edges', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.1, 0x2e66],
      [65504, 0x7bff],
      [65520, 0x7c00], // halfway to the next (unrepresentable) step rounds up to Infinity
      [1e6, 0x7c00],
      [-Infinity, 0xfc00],
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -26, 0x0000], // below half the smallest subnormal
      [1 + 2 ** -11, 0x3c00], // a tie: rounds to the even mantissa
      [1 + 3 * 2 ** -11, 0x3c02],
    ];
    for (const [value, bits] of cases) expect(toHalfBits(value), String(value)).toBe(bits);
    expect(toHalfBits(NaN) & 0x7c00).toBe(0x7c00);
    expect(toHalfBits(NaN) & 0x3ff).not.toBe(0);
  });
});
