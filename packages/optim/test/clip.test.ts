import { memory, type Tensor, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradValue, EarlyStopping } from '../src/index';

/** Two parameters whose .grad is set by hand. */
function withGrads(g1: number[], g2: number[]): Tensor[] {
  return [g1, g2].map((g) => {
    const p = tensor(
      g.map(() => 0),
      { dtype: 'float32' },
    ).requiresGrad_();
    p.grad = tensor(g, { dtype: 'float32' });
    return p;
  });
}

const grads = (ps: Tensor[]) => ps.map((p) => Array.from(p.grad?.dataSync() ?? []));

describe('clipGradNorm', () => {
  const g1 = [3, -4];
  const g2 = [12, 0, 0];
  const flat = [...g1, ...g2];

  it('L2: returns the total norm and scales by maxNorm / (norm + 1e-6)', () => {
    const ps = withGrads(g1, g2);
    const total = clipGradNorm(ps, 6.5);
    expect(total.shape).toEqual([]);
    expect(total.itemSync()).toBeCloseTo(13, 5); // sqrt(9 + 16 + 144)
    const coef = 6.5 / (13 + 1e-6);
    grads(ps)
      .flat()
      .forEach((v, i) => {
        expect(v).toBeCloseTo((flat[i] as number) * coef, 5);
      });
    total.dispose();
  });

  it('leaves gradients whose norm is below maxNorm unchanged', () => {
    const ps = withGrads(g1, g2);
    const handles = ps.map((p) => p.grad);
    clipGradNorm(ps, 100).dispose();
    expect(grads(ps)).toEqual([g1, g2]);
    expect(ps.map((p) => p.grad)).toEqual(handles);
  });

  it("'inf', 1 and 3 norms", () => {
    for (const [normType, expected] of [
      ['inf', 12],
      [Infinity, 12],
      [1, 19],
      [3, Math.cbrt(27 + 64 + 1728)],
    ] as const) {
      const ps = withGrads(g1, g2);
      const total = clipGradNorm(ps, 1, { normType });
      expect(total.itemSync()).toBeCloseTo(expected, 4);
      const coef = 1 / (expected + 1e-6);
      grads(ps)
        .flat()
        .forEach((v, i) => {
          expect(v).toBeCloseTo((flat[i] as number) * coef, 6);
        });
      total.dispose();
    }
  });

  it('skips parameters without a gradient, returns 0 when none has one, and leaks nothing', () => {
    const ps = withGrads(g1, g2);
    const bare = tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
    const before = memory().numTensors;
    tidy(() => {
      expect(clipGradNorm([...ps, bare], 1).itemSync()).toBeCloseTo(13, 5);
      expect(clipGradNorm([bare], 1).itemSync()).toBe(0);
    });
    expect(memory().numTensors).toBe(before);
    expect(bare.grad).toBeUndefined();
  });

  it('errorIfNonfinite throws on a NaN or infinite norm', () => {
    const ps = withGrads([1, Number.NaN], [0]);
    expect(() => clipGradNorm(ps, 1, { errorIfNonfinite: true })).toThrow(/non-finite/);
    expect(grads(ps)[0]?.[0]).toBe(1);
    expect(() => clipGradNorm(withGrads([1], [2]), 1, { normType: 0 })).toThrow(/normType/);
  });
});

describe('clipGradValue', () => {
  it('clamps each gradient element to [-clipValue, clipValue]', () => {
    const ps = withGrads([3, -4, 0.5], [-0.25, 12]);
    clipGradValue(ps, 1);
    expect(grads(ps)).toEqual([
      [1, -1, 0.5],
      [-0.25, 1],
    ]);
  });
});

describe('EarlyStopping', () => {
  it('min mode with minDelta: stops after `patience` checks without improvement', () => {
    const stopper = new EarlyStopping({ patience: 2, minDelta: 0.1 });
    const metrics = [1.0, 0.8, 0.75, 0.72, 0.5, 0.5, 0.45];
    const decisions = metrics.map((m) => [stopper.step(m), stopper.counter, stopper.bestScore]);
    expect(decisions).toEqual([
      [false, 0, 1.0],
      [false, 0, 0.8],
      [false, 1, 0.8],
      [true, 2, 0.8],
      [false, 0, 0.5],
      [false, 1, 0.5],
      [true, 2, 0.5],
    ]);
  });

  it('max mode, NaN never improves, reset()', () => {
    const stopper = new EarlyStopping({ patience: 1, mode: 'max' });
    expect(stopper.bestScore).toBeUndefined();
    expect(stopper.step(0.5)).toBe(false);
    expect(stopper.step(0.6)).toBe(false);
    expect(stopper.step(Number.NaN)).toBe(true);
    expect(stopper.shouldStop).toBe(true);
    stopper.reset();
    expect([stopper.bestScore, stopper.counter, stopper.shouldStop]).toEqual([undefined, 0, false]);
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(/patience/);
  });
});
