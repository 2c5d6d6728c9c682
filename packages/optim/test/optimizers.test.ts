import type { Tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, Adamax, AdamW, NAdam, type Optimizer, RMSprop, SGD } from '../src/index';
import { expectTrajectory, maxDiff, type RefRule, referenceQuadratic, runQuadratic } from './helpers';
import { adadeltaRule, adagradRule, adamaxRule, adamRule, nadamRule, rmspropRule, sgdRule } from './reference-rules';

interface Case {
  name: string;
  make: (params: Tensor[]) => Optimizer;
  rule: RefRule;
  /** The same case without its special option: the trajectories must differ, so the option is exercised. */
  without?: RefRule;
}

const cases: Case[] = [
  { name: 'SGD defaults', make: (p) => new SGD(p), rule: sgdRule() },
  {
    name: 'SGD momentum + dampening + weight decay',
    make: (p) => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.2, weightDecay: 0.05 }),
    rule: sgdRule({ lr: 0.1, momentum: 0.9, dampening: 0.2, weightDecay: 0.05 }),
    without: sgdRule({ lr: 0.1, weightDecay: 0.05 }),
  },
  {
    name: 'SGD nesterov + weight decay',
    make: (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.05 }),
    rule: sgdRule({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.05 }),
    without: sgdRule({ lr: 0.1, momentum: 0.9, weightDecay: 0.05 }),
  },
  {
    name: 'SGD maximize + weight decay',
    make: (p) => new SGD(p, { lr: 0.05, momentum: 0.5, maximize: true, weightDecay: 0.1 }),
    rule: sgdRule({ lr: 0.05, momentum: 0.5, maximize: true, weightDecay: 0.1 }),
  },
  { name: 'Adam defaults', make: (p) => new Adam(p), rule: adamRule() },
  {
    name: 'Adam amsgrad + weight decay',
    make: (p) => new Adam(p, { lr: 0.5, betas: [0.9, 0.5], weightDecay: 0.1, amsgrad: true }),
    rule: adamRule({ lr: 0.5, betas: [0.9, 0.5], weightDecay: 0.1, amsgrad: true }),
    without: adamRule({ lr: 0.5, betas: [0.9, 0.5], weightDecay: 0.1 }),
  },
  {
    name: 'Adam maximize, eps, betas',
    make: (p) => new Adam(p, { lr: 0.1, betas: [0.3, 0.9], eps: 1e-2, maximize: true }),
    rule: adamRule({ lr: 0.1, betas: [0.3, 0.9], eps: 1e-2, maximize: true }),
  },
  { name: 'AdamW defaults (weightDecay 0.01)', make: (p) => new AdamW(p), rule: adamRule({ decoupled: true }) },
  {
    name: 'AdamW decoupled weight decay + amsgrad',
    make: (p) => new AdamW(p, { lr: 0.5, betas: [0.9, 0.5], weightDecay: 0.2, amsgrad: true }),
    rule: adamRule({ lr: 0.5, betas: [0.9, 0.5], weightDecay: 0.2, amsgrad: true, decoupled: true }),
    without: adamRule({ lr: 0.5, betas: [0.9, 0.5], weightDecay: 0.2, amsgrad: true }),
  },
  {
    name: 'Adam decoupledWeightDecay (torch 2.7) equals AdamW',
    make: (p) => new Adam(p, { lr: 0.3, weightDecay: 0.3, decoupledWeightDecay: true }),
    rule: adamRule({ lr: 0.3, weightDecay: 0.3, decoupled: true }),
    without: adamRule({ lr: 0.3, weightDecay: 0.3 }),
  },
  { name: 'Adamax defaults', make: (p) => new Adamax(p), rule: adamaxRule() },
  {
    name: 'Adamax weight decay',
    make: (p) => new Adamax(p, { lr: 0.2, betas: [0.8, 0.5], weightDecay: 0.1, eps: 1e-3 }),
    rule: adamaxRule({ lr: 0.2, betas: [0.8, 0.5], weightDecay: 0.1, eps: 1e-3 }),
    without: adamaxRule({ lr: 0.2, betas: [0.8, 0.5], eps: 1e-3 }),
  },
  { name: 'NAdam defaults', make: (p) => new NAdam(p), rule: nadamRule() },
  {
    name: 'NAdam weight decay + momentumDecay',
    make: (p) => new NAdam(p, { lr: 0.1, weightDecay: 0.1, momentumDecay: 0.2 }),
    rule: nadamRule({ lr: 0.1, weightDecay: 0.1, momentumDecay: 0.2 }),
    without: nadamRule({ lr: 0.1, weightDecay: 0.1 }),
  },
  {
    name: 'NAdam decoupled weight decay',
    make: (p) => new NAdam(p, { lr: 0.1, weightDecay: 0.2, decoupledWeightDecay: true, maximize: true }),
    rule: nadamRule({ lr: 0.1, weightDecay: 0.2, decoupled: true, maximize: true }),
    without: nadamRule({ lr: 0.1, weightDecay: 0.2, maximize: true }),
  },
  { name: 'Adagrad defaults', make: (p) => new Adagrad(p), rule: adagradRule() },
  {
    name: 'Adagrad lrDecay + initial accumulator + weight decay',
    make: (p) => new Adagrad(p, { lr: 0.3, lrDecay: 0.5, weightDecay: 0.1, initialAccumulatorValue: 0.5, eps: 1e-6 }),
    rule: adagradRule({ lr: 0.3, lrDecay: 0.5, weightDecay: 0.1, initialAccumulatorValue: 0.5, eps: 1e-6 }),
    without: adagradRule({ lr: 0.3, weightDecay: 0.1, eps: 1e-6 }),
  },
  { name: 'RMSprop defaults', make: (p) => new RMSprop(p), rule: rmspropRule() },
  {
    name: 'RMSprop centered + weight decay',
    make: (p) => new RMSprop(p, { lr: 0.01, alpha: 0.9, weightDecay: 0.1, centered: true }),
    rule: rmspropRule({ lr: 0.01, alpha: 0.9, weightDecay: 0.1, centered: true }),
    without: rmspropRule({ lr: 0.01, alpha: 0.9, weightDecay: 0.1 }),
  },
  {
    name: 'RMSprop centered + momentum',
    make: (p) => new RMSprop(p, { lr: 0.01, alpha: 0.9, momentum: 0.8, centered: true, maximize: true }),
    rule: rmspropRule({ lr: 0.01, alpha: 0.9, momentum: 0.8, centered: true, maximize: true }),
    without: rmspropRule({ lr: 0.01, alpha: 0.9, centered: true, maximize: true }),
  },
  { name: 'Adadelta defaults', make: (p) => new Adadelta(p), rule: adadeltaRule() },
  {
    name: 'Adadelta rho, eps + weight decay',
    make: (p) => new Adadelta(p, { lr: 0.5, rho: 0.8, eps: 1e-2, weightDecay: 0.1 }),
    rule: adadeltaRule({ lr: 0.5, rho: 0.8, eps: 1e-2, weightDecay: 0.1 }),
    without: adadeltaRule({ lr: 0.5, rho: 0.8, eps: 1e-2 }),
  },
];

describe('the first three steps match the documented update rules (float64 reference)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const expected = referenceQuadratic(c.rule);
      expectTrajectory(runQuadratic(c.make), expected);
      if (c.without) expect(maxDiff(expected, referenceQuadratic(c.without))).toBeGreaterThan(1e-4);
    });
  }

  it('twenty Adam and NAdam steps stay on the reference too', () => {
    expectTrajectory(
      runQuadratic((p) => new Adam(p, { lr: 0.05, amsgrad: true }), 20),
      referenceQuadratic(adamRule({ lr: 0.05, amsgrad: true }), 20),
    );
    expectTrajectory(
      runQuadratic((p) => new NAdam(p, { lr: 0.05 }), 20),
      referenceQuadratic(nadamRule({ lr: 0.05 }), 20),
    );
  });
});
