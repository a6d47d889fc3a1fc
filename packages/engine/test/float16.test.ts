import { describe, expect, it } from 'vitest';
import { halfToFloat, readLogits } from '../src/models/float16.js';

describe('fp16 logits', () => {
  it('decodes half-precision bit patterns', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBeCloseTo(5.960464477539063e-8, 20);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('reads a row of fp16 logits as float32, and copies float32 rows unchanged', () => {
    const out = new Float32Array(4);
    readLogits(Uint16Array.from([0x0000, 0x3c00, 0xc000, 0x4200, 0x3800]), 1, 3, out, 1);
    expect(Array.from(out)).toEqual([0, 1, -2, 3]);
    readLogits(Float32Array.from([9, 8, 7]), 1, 2, out, 0);
    expect(Array.from(out)).toEqual([8, 7, -2, 3]);
  });
});
