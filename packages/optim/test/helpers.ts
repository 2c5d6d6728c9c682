import { type Tensor, tensor, tidy } from '@strata/core';
import '@strata/autograd';
import { expect } from 'vitest';
import type { Optimizer } from '../src/index';

/** f(w) = 0.5 · Σ a w² + Σ b w, so ∇f = a w + b. All values are exact in float32. */
export const A = [1, 2, 0.5, 3];
export const B = [0.5, -1, 0.25, -2];
export const W0 = [1, -2, 0.5, 3];

export function quadraticLoss(w: Tensor): Tensor {
  const a = tensor(A, { dtype: 'float32' });
  const b = tensor(B, { dtype: 'float32' });
  return w.mul(w).mul(a).sum().mul(0.5).add(w.mul(b).sum());
}

export function makeParam(values: readonly number[] = W0): Tensor {
  return tensor([...values], { dtype: 'float32' }).requiresGrad_();
}

/** Runs `steps` optimizer steps on the quadratic; returns the parameter's values after each. */
export function runQuadratic(makeOptimizer: (params: Tensor[]) => Optimizer, steps = 3, w0: readonly number[] = W0): number[][] {
  const w = makeParam(w0);
  const opt = makeOptimizer([w]);
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    tidy(() => quadraticLoss(w).backward());
    opt.step();
    opt.zeroGrad();
    out.push(Array.from(w.dataSync()));
  }
  opt.dispose();
  w.dispose();
  return out;
}

/** One element's state in a float64 reference rule. */
export type RefState = Record<string, number>;
/** A reference update rule for one element: (θ, gradient, state, step t starting at 1) → new θ. */
export type RefRule = (theta: number, grad: number, state: RefState, t: number) => number;

/** The same `steps` on the quadratic, element by element in float64 with a reference rule. */
export function referenceQuadratic(rule: RefRule, steps = 3, w0: readonly number[] = W0): number[][] {
  const w = [...w0];
  const states = w.map(() => ({}) as RefState);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < w.length; i++) {
      const g = (A[i] as number) * (w[i] as number) + (B[i] as number);
      w[i] = rule(w[i] as number, g, states[i] as RefState, t);
    }
    out.push([...w]);
  }
  return out;
}

/**
 * Compares trajectories: each value within 1e-6 relative (float32 against
 * float64), and each step's change θ_t − θ_{t−1} within 1e-4 relative (plus
 * 1e-6 absolute, the float32 resolution of θ), so small updates are checked too.
 */
export function expectTrajectory(actual: number[][], expected: number[][], w0: readonly number[] = W0): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((row, t) => {
    row.forEach((r, i) => {
      const x = (actual[t] as number[])[i] as number;
      const where = `step ${t + 1}, element ${i}: got ${x}, expected ${r}`;
      expect(Math.abs(x - r) <= 1e-6 * Math.max(1, Math.abs(r)), where).toBe(true);
      const prevX = t === 0 ? (w0[i] as number) : ((actual[t - 1] as number[])[i] as number);
      const prevR = t === 0 ? (w0[i] as number) : ((expected[t - 1] as number[])[i] as number);
      const dx = x - prevX;
      const dr = r - prevR;
      expect(Math.abs(dx - dr) <= 1e-4 * Math.abs(dr) + 1e-6, `${where} (change ${dx} vs ${dr})`).toBe(true);
    });
  });
}

/** Largest absolute difference between two trajectories. */
export function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  for (const [t, row] of a.entries()) {
    for (const [i, v] of row.entries()) m = Math.max(m, Math.abs(v - ((b[t] as number[])[i] as number)));
  }
  return m;
}
