import { Generator, randn, type Tensor, tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { Identity, Linear, l1Penalty, l2Penalty, Residual, residual } from '../src/index';

const values = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>);

describe('weight penalties', () => {
  it('l1Penalty = Σ|p| with gradient sign(p); l2Penalty = Σp² with gradient 2p', () => {
    const a = tensor([1, -2, 0], { dtype: 'float32' }).requiresGrad_();
    const b = tensor([[0.5, -0.5]], { dtype: 'float32' }).requiresGrad_();
    const l1 = l1Penalty([a, b]);
    expect([l1.shape, l1.itemSync()]).toEqual([[], 4]);
    l1.backward();
    expect([values(a.grad as Tensor), values(b.grad as Tensor)]).toEqual([
      [1, -1, 0],
      [1, -1],
    ]);
    const c = tensor([1, -2, 0], { dtype: 'float32' }).requiresGrad_();
    const d = tensor([[0.5, -0.5]], { dtype: 'float32' }).requiresGrad_();
    const l2 = l2Penalty([c, d]);
    expect(l2.itemSync()).toBe(5.5);
    l2.backward();
    expect([values(c.grad as Tensor), values(d.grad as Tensor)]).toEqual([
      [2, -4, 0],
      [1, -1],
    ]);
    expect(l2Penalty([]).itemSync()).toBe(0);
  });

  it('takes a module’s parameters', () => {
    const fc = new Linear(3, 2, { generator: new Generator(0) });
    const expected = [...fc.parameters()].flatMap(values).reduce((s, v) => s + v * v, 0);
    expect(l2Penalty(fc.parameters()).itemSync()).toBeCloseTo(expected, 5);
  });
});

describe('Residual', () => {
  it('computes x + fn(x), names the child fn, and backpropagates through both paths', () => {
    const fc = new Linear(4, 4, { generator: new Generator(1) });
    const block = residual(fc);
    expect(block).toBeInstanceOf(Residual);
    const x = randn([2, 4], { generator: new Generator(2) }).requiresGrad_();
    const y = block.forward(x);
    const expected = values(x).map((v, i) => v + (values(fc.forward(x))[i] as number));
    for (const [i, v] of values(y).entries()) expect(v).toBeCloseTo(expected[i] as number, 6);
    y.sum().backward();
    // d/dx Σ(x + xWᵀ + b) = 1 + Σ_out W[out, in]
    const w = values(fc.weight);
    const colSums = [0, 1, 2, 3].map((j) => [0, 1, 2, 3].reduce((s, o) => s + (w[o * 4 + j] as number), 0));
    for (const [i, g] of values(x.grad as Tensor).entries()) expect(g).toBeCloseTo(1 + (colSums[i % 4] as number), 5);
    expect(Object.keys(block.stateDict())).toEqual(['fn.weight', 'fn.bias']);
    expect(String(block)).toBe('Residual(\n  (fn): Linear(in_features=4, out_features=4, bias=True)\n)');
  });

  it('refuses a module that changes the shape, and wraps an identity safely', () => {
    const x = randn([2, 4]);
    expect(() => new Residual(new Linear(4, 3)).forward(x)).toThrow(
      'Residual: the wrapped Linear maps [2, 4] to [2, 3]; a residual needs the same shape',
    );
    expect(values(new Residual(new Identity()).forward(x))).toEqual(values(x).map((v) => 2 * v));
  });
});
