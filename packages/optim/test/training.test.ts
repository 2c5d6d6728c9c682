import { linspace, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { Adam, StepLR } from '../src/index';

describe('end to end', () => {
  it('fits linear regression y = 3x − 1 with Adam to a loss below 1e-3', () => {
    const x = tidy(() => linspace(-2, 2, 64).reshape(64, 1));
    const y = x.mul(3).sub(1);
    const w = tensor([[0]], { dtype: 'float32' }).requiresGrad_();
    const b = tensor([0], { dtype: 'float32' }).requiresGrad_();
    const opt = new Adam([w, b], { lr: 0.1 });
    const sched = new StepLR(opt, { stepSize: 200, gamma: 0.5 });
    let loss = Infinity;
    for (let step = 0; step < 600; step++) {
      loss = tidy(() => {
        const l = x.matmul(w).add(b).sub(y).square().mean();
        l.backward();
        return l.itemSync() as number;
      });
      opt.step();
      opt.zeroGrad();
      sched.step();
    }
    expect(loss).toBeLessThan(1e-3);
    expect(w.itemSync()).toBeCloseTo(3, 2);
    expect(b.itemSync()).toBeCloseTo(-1, 2);
  }, 60_000);
});
