import { Generator, ones, randn, type Tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { Dropout, Dropout2d } from '../src/index';

const values = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>);

describe('Dropout', () => {
  it('zeroes about p of the elements in training and scales the rest by 1 / (1 - p)', () => {
    const drop = new Dropout(0.3, { generator: new Generator(0) });
    const y = values(drop.forward(ones([100, 100])));
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(Math.abs(zeros - 0.3)).toBeLessThan(0.02);
    expect(y.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
  });

  it('is an identity in eval mode and reproducible with a generator', () => {
    const x = randn([4, 5], { generator: new Generator(1) });
    const drop = new Dropout(0.5);
    expect(values(drop.eval().forward(x))).toEqual(values(x));
    const a = values(new Dropout(0.5, { generator: new Generator(9) }).forward(x));
    const b = values(new Dropout(0.5, { generator: new Generator(9) }).forward(x));
    expect(a).toEqual(b);
    expect(values(new Dropout(1).forward(x)).every((v) => v === 0)).toBe(true);
  });

  it('prints like PyTorch and validates p', () => {
    expect(String(new Dropout())).toBe('Dropout(p=0.5, inplace=False)');
    expect(String(new Dropout2d(0.25))).toBe('Dropout2d(p=0.25, inplace=False)');
    expect(() => new Dropout(1.5)).toThrow('Dropout: dropout probability has to be between 0 and 1, but got 1.5');
    expect(new Dropout().stateDict()).toEqual({});
  });
});

describe('Dropout2d', () => {
  it('zeroes whole channels (an (N, C, 1, 1) mask) and scales the kept ones', () => {
    const drop = new Dropout2d(0.5, { generator: new Generator(2) });
    const y = values(drop.forward(ones([8, 16, 3, 3])));
    let dropped = 0;
    for (let plane = 0; plane < 8 * 16; plane++) {
      const p = y.slice(plane * 9, plane * 9 + 9);
      expect(p.every((v) => v === p[0])).toBe(true);
      expect([0, 2]).toContain(p[0]);
      if (p[0] === 0) dropped++;
    }
    expect(dropped).toBeGreaterThan(40);
    expect(dropped).toBeLessThan(88);
  });

  it('is an identity in eval mode, accepts (C, H, W), and backpropagates through the mask', () => {
    const x = randn([2, 3, 4], { generator: new Generator(4) }).requiresGrad_(); // (C, H, W)
    const drop = new Dropout2d(0.5, { generator: new Generator(5) });
    const y = drop.forward(x);
    y.sum().backward();
    // d(sum)/dx is the mask itself: 0 or 2, constant over each channel, and y = x * mask.
    const mask = values(x.grad as Tensor);
    for (let c = 0; c < 2; c++) expect(new Set(mask.slice(c * 12, c * 12 + 12)).size).toBe(1);
    expect(mask.every((m) => m === 0 || m === 2)).toBe(true);
    expect(values(y)).toEqual(values(x).map((v, i) => v * (mask[i] as number)));
    expect(values(drop.eval().forward(x))).toEqual(values(x));
    expect(() => drop.train().forward(ones([2, 3]))).toThrow(/Dropout2d: expected a 4-d/);
  });
});
