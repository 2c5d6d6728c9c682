import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float16BitsToFloat32, float32ToFloat16Bits, tensor } from '../src/index';

describe('float16 conversion', () => {
  it('converts known values bit-exactly', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff], // max half
      [65520, 0x7c00], // rounds up to infinity (halfway, odd mantissa)
      [2 ** -14, 0x0400], // min normal
      [2 ** -24, 0x0001], // min subnormal
      [2 ** -25, 0x0000], // halfway to the min subnormal: ties to even (0)
      [3 * 2 ** -26, 0x0001], // above halfway: rounds up
      [Number.POSITIVE_INFINITY, 0x7c00],
      [Number.NEGATIVE_INFINITY, 0xfc00],
      [1 + 2 ** -11, 0x3c00], // tie between 1 and 1+2^-10: to even (1)
      [1 + 3 * 2 ** -11, 0x3c02], // tie between 1+2^-10 and 1+2^-9: to even
      [0.1, 0x2e66],
    ];
    for (const [value, bits] of cases) expect(float32ToFloat16Bits(value), `${value}`).toBe(bits);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
    expect(float32ToFloat16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
  });

  it('round-trips every finite half exactly', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const exp = (bits >>> 10) & 0x1f;
      if (exp === 0x1f) continue;
      expect(float32ToFloat16Bits(float16BitsToFloat32(bits))).toBe(bits);
    }
  });

  it('picks the nearest half for random floats (ties to even)', () => {
    fc.assert(
      fc.property(fc.float({ min: -60000, max: 60000, noNaN: true }), (v) => {
        const bits = float32ToFloat16Bits(v);
        const sign = bits & 0x8000;
        const magnitude = bits & 0x7fff;
        const err = Math.abs(float16BitsToFloat32(bits) - v);
        // The neighbouring halves (same sign, one ulp either side) are no closer.
        const neighbours = [magnitude - 1, magnitude + 1].filter((m) => m >= 0 && m <= 0x7bff);
        return neighbours.every((m) => err <= Math.abs(float16BitsToFloat32(sign | m) - v));
      }),
      { numRuns: 2000 },
    );
  });

  it('stores float16 tensors rounded and reads them widened', async () => {
    const t = tensor([0.1, 1, 65504, 1e6], { dtype: 'float16' });
    expect(t.dtype).toBe('float16');
    expect(Array.from(await t.data())).toEqual([float16BitsToFloat32(0x2e66), 1, 65504, Number.POSITIVE_INFINITY]);
    const sum = t.add(t);
    expect(sum.dtype).toBe('float16');
    expect(Array.from(await sum.data()).slice(0, 2)).toEqual([float16BitsToFloat32(0x3266), 2]);
  });
});
