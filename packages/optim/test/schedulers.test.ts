import { tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SequentialLR,
  SGD,
  StepLR,
} from '../src/index';
import { makeParam } from './helpers';

const BASE = [0.1, 0.05];

/** SGD with two groups (lr 0.1 and 0.05). */
function twoGroups(momentum = 0.9): SGD {
  return new SGD([{ params: [makeParam()] }, { params: [makeParam()], lr: BASE[1] }], { lr: BASE[0], momentum });
}

/** getLastLr() after construction (epoch 0) and after each of `steps` steps. */
function lrSequence(sched: { step(): void; getLastLr(): number[] }, steps: number): number[][] {
  const out = [sched.getLastLr()];
  for (let i = 0; i < steps; i++) {
    sched.step();
    out.push(sched.getLastLr());
  }
  return out;
}

function expectSequence(actual: number[][], expected: (epoch: number, base: number) => number, tol = 1e-12): void {
  actual.forEach((lrs, epoch) => {
    expect(lrs).toHaveLength(BASE.length);
    lrs.forEach((lr, g) => {
      const want = expected(epoch, BASE[g] as number);
      expect(Math.abs(lr - want) <= tol * Math.max(1e-3, Math.abs(want)), `epoch ${epoch}, group ${g}: ${lr} vs ${want}`).toBe(
        true,
      );
    });
  });
}

describe('schedulers follow their closed forms', () => {
  it('StepLR', () => {
    const opt = twoGroups();
    expectSequence(lrSequence(new StepLR(opt, { stepSize: 3, gamma: 0.5 }), 25), (e, b) => b * 0.5 ** Math.floor(e / 3));
    expect(opt.paramGroups[0]?.lr).toBeCloseTo(0.1 * 0.5 ** 8, 15);
  });

  it('MultiStepLR (a repeated milestone decays twice)', () => {
    const sched = new MultiStepLR(twoGroups(), { milestones: [12, 4, 9, 9], gamma: 0.1 });
    const count = (e: number) => [4, 9, 9, 12].filter((m) => m <= e).length;
    expectSequence(lrSequence(sched, 20), (e, b) => b * 0.1 ** count(e));
  });

  it('ExponentialLR', () => {
    expectSequence(lrSequence(new ExponentialLR(twoGroups(), { gamma: 0.9 }), 25), (e, b) => b * 0.9 ** e);
  });

  it('CosineAnnealingLR, past TMax too', () => {
    const etaMin = 0.001;
    const sched = new CosineAnnealingLR(twoGroups(), { TMax: 10, etaMin });
    expectSequence(lrSequence(sched, 30), (e, b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * e) / 10))) / 2, 1e-9);
  });

  it('CosineAnnealingWarmRestarts with TMult 2, and fractional step(epoch)', () => {
    const etaMin = 0.01;
    const expected = (e: number, b: number) => {
      let ti = 5;
      let tcur = e;
      while (tcur >= ti) {
        tcur -= ti;
        ti *= 2;
      }
      return etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * tcur) / ti))) / 2;
    };
    const sched = new CosineAnnealingWarmRestarts(twoGroups(), { T0: 5, TMult: 2, etaMin });
    expectSequence(lrSequence(sched, 30), expected, 1e-12);
    sched.step(7.5);
    expect(sched.TI).toBe(10);
    expect(sched.TCur).toBe(2.5);
    expect(sched.lastEpoch).toBe(7);
    expect(sched.getLastLr()[0]).toBeCloseTo(etaMin + ((0.1 - etaMin) * (1 + Math.cos((Math.PI * 2.5) / 10))) / 2, 14);
    const plain = new CosineAnnealingWarmRestarts(twoGroups(), { T0: 4 });
    expectSequence(lrSequence(plain, 20), (e, b) => (b * (1 + Math.cos((Math.PI * (e % 4)) / 4))) / 2);
  });

  it('LinearLR (warm-up)', () => {
    const sched = new LinearLR(twoGroups(), { startFactor: 0.25, endFactor: 1, totalIters: 6 });
    expectSequence(lrSequence(sched, 20), (e, b) => b * (0.25 + (0.75 * Math.min(e, 6)) / 6));
    const decay = new LinearLR(twoGroups(), { startFactor: 1, endFactor: 0.1, totalIters: 10 });
    expectSequence(lrSequence(decay, 20), (e, b) => b * (1 - (0.9 * Math.min(e, 10)) / 10));
  });

  it('LambdaLR, one function per group', () => {
    const sched = new LambdaLR(twoGroups(), { lrLambda: [(e) => 1 / (e + 1), (e) => 0.95 ** e] });
    expectSequence(lrSequence(sched, 20), (e, b) => (b === BASE[0] ? b / (e + 1) : b * 0.95 ** e));
  });

  it('step(epoch) jumps with the closed form', () => {
    const sched = new StepLR(twoGroups(), { stepSize: 3, gamma: 0.5 });
    sched.step(10);
    expect(sched.getLastLr()).toEqual([0.1 * 0.125, 0.05 * 0.125]);
  });
});

describe('OneCycleLR', () => {
  const total = 20;
  const maxLr = [1, 0.5];

  function cycle(strategy: 'cos' | 'linear', threePhase: boolean) {
    const anneal =
      strategy === 'cos'
        ? (a: number, b: number, p: number) => b + ((a - b) / 2) * (1 + Math.cos(Math.PI * p))
        : (a: number, b: number, p: number) => a + (b - a) * p;
    // Phase ends (steps) for pctStart 0.25 of 20 steps: the peak is at step 4.
    return (s: number, max: number): [number, number] => {
      const initial = max / 25;
      const min = initial / 1e4;
      if (s <= 4) return [anneal(initial, max, s / 4), anneal(0.95, 0.85, s / 4)];
      if (!threePhase) return [anneal(max, min, (s - 4) / 15), anneal(0.85, 0.95, (s - 4) / 15)];
      if (s <= 8) return [anneal(max, initial, (s - 4) / 4), anneal(0.85, 0.95, (s - 4) / 4)];
      return [anneal(initial, min, (s - 8) / 11), 0.95];
    };
  }

  for (const strategy of ['cos', 'linear'] as const) {
    for (const threePhase of [false, true]) {
      it(`${strategy}${threePhase ? ', three phases' : ''}: lr and momentum`, () => {
        const opt = twoGroups();
        const sched = new OneCycleLR(opt, { maxLr, totalSteps: total, pctStart: 0.25, annealStrategy: strategy, threePhase });
        const expected = cycle(strategy, threePhase);
        for (let s = 0; s < total; s++) {
          if (s > 0) sched.step();
          sched.getLastLr().forEach((lr, g) => {
            const [wantLr, wantMomentum] = expected(s, maxLr[g] as number);
            expect(lr).toBeCloseTo(wantLr, 12);
            expect(opt.paramGroups[g]?.momentum).toBeCloseTo(wantMomentum, 12);
          });
        }
        expect(sched.getLastLr()[0]).toBeCloseTo(1 / 25 / 1e4, 15);
      });
    }
  }

  it('cycles Adam β1, takes epochs × stepsPerEpoch, and refuses to step past totalSteps', () => {
    const opt = new Adam([makeParam()], { betas: [0.9, 0.99] });
    const sched = new OneCycleLR(opt, { maxLr: 0.01, epochs: 2, stepsPerEpoch: 5, pctStart: 0.5 });
    expect(sched.totalSteps).toBe(10);
    expect(opt.paramGroups[0]?.betas).toEqual([0.95, 0.99]);
    expect(opt.paramGroups[0]?.initialLr).toBeCloseTo(0.0004, 15);
    expect(opt.paramGroups[0]?.minLr).toBeCloseTo(0.0004 / 1e4, 18);
    for (let i = 0; i < 4; i++) sched.step();
    expect(opt.paramGroups[0]?.lr).toBeCloseTo(0.01, 15);
    expect(opt.paramGroups[0]?.betas).toEqual([0.85, 0.99]);
    for (let i = 0; i < 6; i++) sched.step();
    expect(() => sched.step()).toThrow(/tried to step 11 times/);
  });

  it('needs momentum or betas to cycle, and totalSteps or epochs', () => {
    expect(() => new OneCycleLR(twoGroups(), { maxLr: 1 })).toThrow(/totalSteps, or epochs and stepsPerEpoch/);
    expect(() => new OneCycleLR(twoGroups(), { maxLr: [1], totalSteps: 5 })).toThrow(/expected 2 values for maxLr/);
  });
});

describe('ReduceLROnPlateau', () => {
  it('min mode, relative threshold, cooldown and minLr: the lr PyTorch gives for a scripted metric', () => {
    const opt = new SGD([makeParam()], { lr: 1 });
    const sched = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 2, threshold: 0.1, cooldown: 1, minLr: 0.2 });
    const metrics = [10, 9.5, 9.2, 9.1, 8, 8, 7.5, 7.3, 7.3, 7.3, 7.3, 7.3, 7.3, 7.3, 7.3, 7.3];
    const lrs = metrics.map((m) => {
      sched.step(m);
      return sched.getLastLr()[0];
    });
    expect(lrs).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2]);
    expect(sched.best).toBe(8);
  });

  it('max mode, absolute threshold, patience 0', () => {
    const opt = new SGD([makeParam()], { lr: 1 });
    const sched = new ReduceLROnPlateau(opt, { mode: 'max', thresholdMode: 'abs', threshold: 0.05, patience: 0 });
    const lrs = [0.5, 0.52, 0.6, 0.6].map((m) => {
      sched.step(m);
      return sched.getLastLr()[0] as number;
    });
    expect(lrs.map((x) => Number(x.toPrecision(12)))).toEqual([1, 0.1, 0.1, 0.01]);
  });

  it('state dict round trip (JSON)', () => {
    const opt = new SGD([makeParam()], { lr: 1 });
    const a = new ReduceLROnPlateau(opt, { patience: 1 });
    for (const m of [3, 2, 2]) a.step(m);
    const b = new ReduceLROnPlateau(new SGD([makeParam()], { lr: 1 }), { patience: 1 });
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    expect(b.best).toBe(2);
    expect(b.numBadEpochs).toBe(1);
    const fresh = new ReduceLROnPlateau(new SGD([makeParam()], { lr: 1 }));
    fresh.loadStateDict(JSON.parse(JSON.stringify(fresh.stateDict())));
    expect(fresh.best).toBe(Infinity);
  });
});

describe('SequentialLR', () => {
  it('linear warm-up, then cosine annealing restarted at the milestone', () => {
    const opt = twoGroups();
    const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 4 });
    const cosine = new CosineAnnealingLR(opt, { TMax: 10, etaMin: 0.001 });
    const sched = new SequentialLR(opt, { schedulers: [warmup, cosine], milestones: [5] });
    expectSequence(
      lrSequence(sched, 25),
      (e, b) =>
        e < 5 ? b * (0.1 + (0.9 * Math.min(e, 4)) / 4) : 0.001 + ((b - 0.001) * (1 + Math.cos((Math.PI * (e - 5)) / 10))) / 2,
      1e-9,
    );
  });

  it('three schedulers, two milestones', () => {
    const opt = twoGroups();
    const schedulers: LRScheduler[] = [
      new ExponentialLR(opt, { gamma: 0.5 }),
      new StepLR(opt, { stepSize: 2, gamma: 0.1 }),
      new LambdaLR(opt, { lrLambda: (e) => 1 + e }),
    ];
    const sched = new SequentialLR(opt, { schedulers, milestones: [3, 8] });
    expectSequence(lrSequence(sched, 12), (e, b) =>
      e < 3 ? b * 0.5 ** e : e < 8 ? b * 0.1 ** Math.floor((e - 3) / 2) : b * (1 + e - 8),
    );
    expect(() => new SequentialLR(opt, { schedulers, milestones: [3] })).toThrow(/expects 2 milestones/);
  });
});

describe('schedulers drive the optimizer', () => {
  it('the lr a scheduler sets is the one the next step uses', () => {
    const w = makeParam([1]);
    const opt = new SGD([w], { lr: 1 });
    const sched = new ExponentialLR(opt, { gamma: 0.5 });
    const values: number[] = [];
    for (let i = 0; i < 3; i++) {
      w.grad = tensor([1], { dtype: 'float32' }); // a constant gradient of 1
      opt.step();
      opt.zeroGrad();
      sched.step();
      values.push(w.itemSync() as number);
    }
    expect(values).toEqual([0, -0.5, -0.75]);
  });
});

describe('scheduler state dicts', () => {
  it('a loaded scheduler continues the same sequence (JSON round trip)', () => {
    const makeAll = (opt: SGD): LRScheduler[] => [new CosineAnnealingWarmRestarts(opt, { T0: 3, TMult: 2 })];
    const optA = twoGroups();
    const [a] = makeAll(optA) as [LRScheduler];
    for (let i = 0; i < 7; i++) a.step();
    const optB = twoGroups();
    const [b] = makeAll(optB) as [LRScheduler];
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    optB.loadStateDict(optA.stateDict());
    for (let i = 0; i < 10; i++) {
      a.step();
      b.step();
      expect(b.getLastLr()).toEqual(a.getLastLr());
    }
    const seqState = new SequentialLR(optA, {
      schedulers: [new StepLR(optA, { stepSize: 2 }), new ExponentialLR(optA, { gamma: 0.9 })],
      milestones: [4],
    }).stateDict();
    expect(Object.keys(seqState)).toEqual(expect.arrayContaining(['last_epoch', '_milestones', '_schedulers', '_last_lr']));
  });

  it('records initialLr on the groups and getLastLr gives one lr per group', () => {
    const opt = twoGroups();
    const sched = new ExponentialLR(opt, { gamma: 0.5 });
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual(BASE);
    sched.step();
    expect(sched.getLastLr()).toEqual([0.05, 0.025]);
    expect(opt.stateDict().param_groups[0]?.initial_lr).toBe(0.1);
  });
});
