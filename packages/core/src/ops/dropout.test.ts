import { describe, expect, it } from 'vitest';
import { DTypeError, dropout, Generator, memory, ones, tensor, tidy } from '../index';

describe('dropout', () => {
  it('is the identity in eval mode and at p = 0, zeros at p = 1', () => {
    const x = tensor([1.5, -2, 3], { dtype: 'float32' });
    const evalOut = dropout(x, { training: false });
    expect(evalOut).not.toBe(x);
    expect(evalOut.arraySync()).toEqual([1.5, -2, 3]);
    expect(dropout(x, { p: 0 }).arraySync()).toEqual([1.5, -2, 3]);
    const zeroed = dropout(x, { p: 1 });
    expect(zeroed.arraySync()).toEqual([0, 0, 0]);
    expect(zeroed.dtype).toBe('float32');
  });

  it('keeps elements with probability 1 - p, scaled by 1 / (1 - p), reproducibly from a seed', () => {
    const x = ones([20000]);
    const a = dropout(x, { p: 0.3, generator: new Generator(7) });
    const b = dropout(x, { p: 0.3, generator: new Generator(7) });
    const c = dropout(x, { p: 0.3, generator: new Generator(8) });
    const va = Array.from(a.dataSync());
    expect(Array.from(b.dataSync())).toEqual(va);
    expect(Array.from(c.dataSync())).not.toEqual(va);
    const scale = Math.fround(1 / 0.7);
    expect(va.every((v) => v === 0 || v === scale)).toBe(true);
    const kept = va.filter((v) => v !== 0).length / va.length;
    expect(kept).toBeGreaterThan(0.68);
    expect(kept).toBeLessThan(0.72);
    // The expectation is preserved.
    expect(a.mean().itemSync() as number).toBeCloseTo(1, 1);
  });

  it('defaults to p = 0.5 and keeps float16', () => {
    const out = dropout(ones([1000], { dtype: 'float16' }), { generator: new Generator(1) });
    expect(out.dtype).toBe('float16');
    expect(Array.from(out.dataSync()).every((v) => v === 0 || v === 2)).toBe(true);
  });

  it('rejects p outside [0, 1] and non-float input', () => {
    expect(() => dropout(ones([2]), { p: 1.5 })).toThrow(/\[0, 1\]/);
    expect(() => dropout(ones([2]), { p: -0.1 })).toThrow(RangeError);
    expect(() => dropout(ones([2]), { p: Number.NaN })).toThrow(RangeError);
    expect(() => dropout(tensor([1, 2]))).toThrow(DTypeError);
  });

  it('leaves memory flat', () => {
    const x = ones([64]);
    const before = memory().numTensors;
    for (let i = 0; i < 10; i++) dropout(x, { p: 0.2 }).dispose();
    expect(memory().numTensors).toBe(before);
    tidy(() => dropout(x)).dispose();
    expect(memory().numTensors).toBe(before);
  });
});
