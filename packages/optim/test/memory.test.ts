import { linspace, memory, type Tensor, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  clipGradNorm,
  NAdam,
  OneCycleLR,
  type Optimizer,
  RMSprop,
  SGD,
} from '../src/index';

/** A two-parameter model (w: [4, 3], b: [3]) on fixed data; each step is one tidy() for forward + backward. */
function setup() {
  const x = tidy(() => linspace(-1, 1, 32).reshape(8, 4));
  const y = tidy(() => linspace(0, 1, 24).reshape(8, 3));
  const w = tensor(
    Array.from({ length: 12 }, (_, i) => ((i % 5) - 2) / 10),
    { dtype: 'float32', shape: [4, 3] },
  ).requiresGrad_();
  const b = tensor([0.1, -0.1, 0], { dtype: 'float32' }).requiresGrad_();
  const lossStep = () => tidy(() => x.matmul(w).add(b).sub(y).square().mean().backward());
  return {
    params: [w, b],
    lossStep,
    dispose: () => {
      for (const t of [x, y, w, b]) t.dispose();
    },
  };
}

function expectFlat(
  make: (params: Tensor[]) => Optimizer,
  steps: number,
  extras: (opt: Optimizer, params: Tensor[]) => () => void = () => () => {},
): void {
  const { params, lossStep, dispose } = setup();
  const opt = make(params);
  const everyStep = extras(opt, params);
  const loop = () => {
    lossStep();
    everyStep();
    opt.step();
    opt.zeroGrad();
  };
  for (let i = 0; i < 5; i++) loop();
  const warm = memory();
  for (let i = 0; i < steps; i++) loop();
  const after = memory();
  expect({ numTensors: after.numTensors, numBytes: after.numBytes }).toEqual({
    numTensors: warm.numTensors,
    numBytes: warm.numBytes,
  });
  opt.dispose();
  dispose();
}

describe('a training loop holds memory() flat', () => {
  it('1,000 steps of Adam (amsgrad) with OneCycleLR and clipGradNorm: identical numTensors and numBytes', () => {
    const start = memory();
    expectFlat(
      (p) => new Adam(p, { lr: 0.01, amsgrad: true, weightDecay: 0.01 }),
      1000,
      (opt, params) => {
        const sched = new OneCycleLR(opt, { maxLr: 0.01, totalSteps: 1010 });
        return () => {
          clipGradNorm(params, 1).dispose();
          sched.step();
        };
      },
    );
    const end = memory();
    expect([end.numTensors, end.numBytes]).toEqual([start.numTensors, start.numBytes]);
  }, 60_000);

  const others: [string, (p: Tensor[]) => Optimizer][] = [
    ['SGD', (p) => new SGD(p, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
    ['AdamW', (p) => new AdamW(p)],
    ['Adamax', (p) => new Adamax(p)],
    ['NAdam', (p) => new NAdam(p, { decoupledWeightDecay: true, weightDecay: 0.01 })],
    ['Adagrad', (p) => new Adagrad(p, { lrDecay: 0.01 })],
    ['RMSprop', (p) => new RMSprop(p, { momentum: 0.9, centered: true })],
    ['Adadelta', (p) => new Adadelta(p, { weightDecay: 0.01 })],
  ];
  for (const [name, make] of others) {
    it(`${name}: 200 steps`, () => expectFlat(make, 200), 30_000);
  }

  it('zeroGrad({ setToNone: false }) keeps gradient buffers and memory flat', () => {
    const { params, lossStep, dispose } = setup();
    const opt = new SGD(params, { lr: 0.01 });
    lossStep();
    opt.step();
    opt.zeroGrad({ setToNone: false });
    const warm = memory();
    for (let i = 0; i < 50; i++) {
      lossStep();
      opt.step();
      opt.zeroGrad({ setToNone: false });
    }
    expect(memory().numTensors).toBe(warm.numTensors);
    expect(memory().numBytes).toBe(warm.numBytes);
    dispose();
  });
});
