import { Generator, matmul, memory, type Tensor, transpose, zeros } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { init, Linear, parameter } from '../src/index';

const values = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>);
const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const stdOf = (v: number[]) => {
  const m = meanOf(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};
const gen = (seed = 0) => ({ generator: new Generator(seed) });

/** Expects the max |value| to sit just under the bound (≥ 10k samples come within 1% of it). */
function expectUniformBound(v: number[], bound: number): void {
  const m = Math.max(...v.map(Math.abs));
  expect(m).toBeLessThanOrEqual(bound);
  expect(m).toBeGreaterThan(0.99 * bound);
}

describe('init', () => {
  it('uniform_ / normal_ / constant_ fill in place of identity, outside the graph', () => {
    const w = parameter(zeros([200, 100]));
    expect(init.uniform_(w, -0.3, 0.5, gen())).toBe(w);
    const u = values(w);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-0.3);
    expect(Math.min(...u)).toBeLessThan(-0.29);
    expect(Math.max(...u)).toBeLessThan(0.5);
    expect(Math.max(...u)).toBeGreaterThan(0.49);
    expect(Math.abs(meanOf(u) - 0.1)).toBeLessThan(0.01);
    init.normal_(w, 2, 0.5, gen(1));
    expect(Math.abs(meanOf(values(w)) - 2)).toBeLessThan(0.02);
    expect(Math.abs(stdOf(values(w)) / 0.5 - 1)).toBeLessThan(0.05);
    expect([w.isLeaf, w.requiresGrad, w.gradFn]).toEqual([true, true, null]);
    expect(values(init.constant_(zeros([3]), 0.25))).toEqual([0.25, 0.25, 0.25]);
    expect(values(init.ones_(zeros([2])))).toEqual([1, 1]);
    expect(values(init.zeros_(init.ones_(zeros([2]))))).toEqual([0, 0]);
  });

  it('is reproducible with a generator and works on float16 tensors', () => {
    const a = values(init.normal_(zeros([50]), 0, 1, gen(5)));
    const b = values(init.normal_(zeros([50]), 0, 1, gen(5)));
    expect(a).toEqual(b);
    const half = init.kaimingUniform_(zeros([16, 16], { dtype: 'float16' }), gen());
    expect(half.dtype).toBe('float16');
    const bound = (Math.sqrt(3) * Math.SQRT2) / 4;
    const m = Math.max(...values(half).map(Math.abs));
    expect(m).toBeLessThanOrEqual(bound + 1e-3); // float16 rounding
    expect(m).toBeGreaterThan(0.9 * bound);
  });

  it('xavier: U(±gain·√(6 / (fanIn + fanOut))) and N(0, gain²·2 / (fanIn + fanOut))', () => {
    const w = zeros([100, 200]);
    expectUniformBound(values(init.xavierUniform_(w, 1, gen())), Math.sqrt(6 / 300));
    expectUniformBound(values(init.xavierUniform_(w, 2, gen())), 2 * Math.sqrt(6 / 300));
    expect(Math.abs(stdOf(values(init.xavierNormal_(w, 1, gen()))) / Math.sqrt(2 / 300) - 1)).toBeLessThan(0.05);
  });

  it('kaiming: gain from the nonlinearity, fan from the mode; a = √5 reproduces the Linear default', () => {
    const w = zeros([256, 128]);
    expectUniformBound(values(init.kaimingUniform_(w, gen())), Math.sqrt(3) * (Math.SQRT2 / Math.sqrt(128)));
    expectUniformBound(values(init.kaimingUniform_(w, { a: Math.sqrt(5), ...gen() })), 1 / Math.sqrt(128));
    const conv = zeros([64, 32, 3, 3]);
    init.kaimingNormal_(conv, { mode: 'fanOut', nonlinearity: 'relu', ...gen() });
    expect(Math.abs(stdOf(values(conv)) / (Math.SQRT2 / Math.sqrt(64 * 9)) - 1)).toBeLessThan(0.05);
    init.kaimingNormal_(conv, { nonlinearity: 'tanh', ...gen(2) });
    expect(Math.abs(stdOf(values(conv)) / (5 / 3 / Math.sqrt(32 * 9)) - 1)).toBeLessThan(0.05);
    const fc = new Linear(128, 4);
    init.kaimingUniform_(fc.weight, { a: Math.sqrt(5) });
    expect(fc.weight.requiresGrad).toBe(true);
  });

  it('orthogonal_: WᵀW = I (tall), WWᵀ = I (wide, and conv weights flattened), times gain', () => {
    const gram = (w: Tensor, wide: boolean) => {
      const m = w.reshape(w.shape[0] as number, -1);
      return values(wide ? matmul(m, transpose(m)) : matmul(transpose(m), m));
    };
    const expectIdentity = (g: number[], n: number, scale: number) => {
      for (const [i, v] of g.entries())
        expect(Math.abs(v - (i % (n + 1) === 0 ? scale : 0))).toBeLessThan(1e-5 * Math.max(1, scale));
    };
    expectIdentity(gram(init.orthogonal_(zeros([50, 30]), 1, gen()), false), 30, 1);
    expectIdentity(gram(init.orthogonal_(zeros([30, 50]), 1, gen()), true), 30, 1);
    expectIdentity(gram(init.orthogonal_(zeros([8, 2, 3, 3]), 1, gen()), true), 8, 1);
    expectIdentity(gram(init.orthogonal_(zeros([20, 20]), 2, gen()), false), 20, 4);
    expect(() => init.orthogonal_(zeros([4]))).toThrow(/2 or more dimensions/);
  });

  it('truncNormal_: every value in [a, b], with the truncated normal’s mean and std', () => {
    const w = init.truncNormal_(zeros([200, 100]), gen());
    const v = values(w);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...v)).toBeLessThanOrEqual(2);
    expect(Math.abs(meanOf(v))).toBeLessThan(0.02);
    // N(0, 1) truncated to ±2 has std √(1 - 4φ(2) / (Φ(2) - Φ(-2))) ≈ 0.87963.
    expect(Math.abs(stdOf(v) / 0.87963 - 1)).toBeLessThan(0.05);
    const shifted = values(init.truncNormal_(zeros([10000]), { mean: 1, std: 0.5, a: 0, b: 1.2, ...gen(1) }));
    expect(Math.min(...shifted)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...shifted)).toBeLessThanOrEqual(1.2);
    expect(Math.max(...shifted)).toBeGreaterThan(1.19);
    // ViT-style: std 0.02 with the default ±2 cutoffs leaves the normal untouched.
    expect(Math.abs(stdOf(values(init.truncNormal_(zeros([20000]), { std: 0.02, ...gen(2) }))) / 0.02 - 1)).toBeLessThan(0.05);
  });

  it('calculateGain and fans follow PyTorch', () => {
    expect(['linear', 'conv2d', 'conv_transpose2d', 'sigmoid'].map((n) => init.calculateGain(n as init.Nonlinearity))).toEqual([
      1, 1, 1, 1,
    ]);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 12);
    expect(init.calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as init.Nonlinearity)).toThrow("unsupported nonlinearity 'swish'");
    expect(init.calculateFanInAndFanOut([3, 4])).toEqual({ fanIn: 4, fanOut: 3 });
    expect(init.calculateFanInAndFanOut(zeros([64, 32, 3, 3]))).toEqual({ fanIn: 288, fanOut: 576 });
    expect(() => init.calculateFanInAndFanOut([5])).toThrow(/fewer than 2 dimensions/);
  });

  it('leaks nothing', () => {
    const w = zeros([16, 8]);
    const before = memory();
    for (const fn of [
      () => init.uniform_(w),
      () => init.xavierNormal_(w),
      () => init.kaimingUniform_(w),
      () => init.orthogonal_(w),
      () => init.truncNormal_(w),
      () => init.constant_(w, 3),
    ])
      fn();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
  });
});
