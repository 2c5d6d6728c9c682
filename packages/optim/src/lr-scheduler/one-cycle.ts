import type { Optimizer, ParamGroup } from '../optimizer';
import { checkSchedulerOption, LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler';

export interface OneCycleLROptions extends LRSchedulerOptions {
  /** Peak lr, for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear' annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or β1) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Lowest momentum, reached at the peak lr (default 0.85). */
  baseMomentum?: number | readonly number[];
  /** Highest momentum, at the start and end (default 0.95). */
  maxMomentum?: number | readonly number[];
  /** initial_lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** min_lr = initial_lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases: up, back down to initial_lr, then to min_lr (default false: up, then to min_lr). */
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: 'initialLr' | 'maxLr';
  endLr: 'initialLr' | 'maxLr' | 'minLr';
  startMomentum: 'maxMomentum' | 'baseMomentum';
  endMomentum: 'maxMomentum' | 'baseMomentum';
}

function perGroup(name: string, value: number | readonly number[], groups: number): number[] {
  if (typeof value === 'number') return Array.from({ length: groups }, () => value);
  if (value.length !== groups) throw new RangeError(`OneCycleLR: expected ${groups} values for ${name}, got ${value.length}`);
  return [...value];
}

const annealCos = (start: number, end: number, pct: number): number => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
const annealLinear = (start: number, end: number, pct: number): number => (end - start) * pct + start;

/**
 * The 1cycle policy (Smith & Topin, 2017), as torch's OneCycleLR: the lr rises
 * from `maxLr / divFactor` to `maxLr` over the first `pctStart` of the steps,
 * then anneals to `initial_lr / finalDivFactor` (with `threePhase`: back to
 * initial_lr first, symmetric, then down to min_lr). Momentum (or Adam's β1)
 * moves inversely between `maxMomentum` and `baseMomentum`. Step once per batch.
 *
 * ```ts
 * const sched = new OneCycleLR(opt, { maxLr: 0.01, epochs: 10, stepsPerEpoch: loader.length });
 * ```
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly cycleMomentum: boolean;
  readonly annealStrategy: 'cos' | 'linear';
  private readonly useBeta1: boolean;
  private readonly phases: Phase[];

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    const lastEpoch = options.lastEpoch ?? -1;
    const n = optimizer.paramGroups.length;
    const maxLrs = perGroup('maxLr', options.maxLr, n);
    const divFactor = options.divFactor ?? 25;
    const finalDivFactor = options.finalDivFactor ?? 1e4;
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((group, i) => {
        group.initialLr = (maxLrs[i] as number) / divFactor;
        group.maxLr = maxLrs[i];
        group.minLr = group.initialLr / finalDivFactor;
      });
    }
    const cycleMomentum = options.cycleMomentum ?? true;
    const useBeta1 = 'betas' in optimizer.defaults;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !useBeta1) {
        throw new TypeError(`OneCycleLR: optimizer ${optimizer.name} has neither momentum nor betas; pass cycleMomentum: false`);
      }
      const maxMomenta = perGroup('maxMomentum', options.maxMomentum ?? 0.95, n);
      const baseMomenta = perGroup('baseMomentum', options.baseMomentum ?? 0.85, n);
      if (lastEpoch === -1) {
        optimizer.paramGroups.forEach((group, i) => {
          setMomentum(group, useBeta1, maxMomenta[i] as number);
          group.maxMomentum = maxMomenta[i];
          group.baseMomentum = baseMomenta[i];
        });
      }
    }
    super(optimizer, lastEpoch);
    let total = options.totalSteps;
    if (total !== undefined) {
      checkSchedulerOption(Number.isInteger(total) && total > 0, 'OneCycleLR', 'totalSteps', total, 'a positive integer');
    } else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
      const { epochs, stepsPerEpoch } = options;
      checkSchedulerOption(Number.isInteger(epochs) && epochs > 0, 'OneCycleLR', 'epochs', epochs, 'a positive integer');
      const spe = stepsPerEpoch;
      checkSchedulerOption(Number.isInteger(spe) && spe > 0, 'OneCycleLR', 'stepsPerEpoch', spe, 'a positive integer');
      total = epochs * stepsPerEpoch;
    } else throw new RangeError('OneCycleLR: give either totalSteps, or epochs and stepsPerEpoch');
    const pct = options.pctStart ?? 0.3;
    checkSchedulerOption(pct >= 0 && pct <= 1, 'OneCycleLR', 'pctStart', pct, 'a value in [0, 1]');
    const strategy = options.annealStrategy ?? 'cos';
    checkSchedulerOption(
      strategy === 'cos' || strategy === 'linear',
      'OneCycleLR',
      'annealStrategy',
      strategy,
      "'cos' or 'linear'",
    );
    this.totalSteps = total;
    this.cycleMomentum = cycleMomentum;
    this.annealStrategy = strategy;
    this.useBeta1 = useBeta1;
    this.phases = options.threePhase
      ? [
          {
            endStep: pct * total - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: 2 * pct * total - 2,
            startLr: 'maxLr',
            endLr: 'initialLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          {
            endStep: pct * total - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    this.initialStep();
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new RangeError(
        `OneCycleLR: tried to step ${stepNum} times; the specified number of total steps is ${this.totalSteps}`,
      );
    }
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    return this.optimizer.paramGroups.map((group) => {
      let startStep = 0;
      for (const [i, phase] of this.phases.entries()) {
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          if (this.cycleMomentum) {
            const momentum = anneal(num(group, phase.startMomentum), num(group, phase.endMomentum), pct);
            setMomentum(group, this.useBeta1, momentum);
          }
          return anneal(num(group, phase.startLr), num(group, phase.endLr), pct);
        }
        startStep = phase.endStep;
      }
      throw new Error('OneCycleLR: unreachable');
    });
  }

  protected override extraState(): SchedulerStateDict {
    return { total_steps: this.totalSteps, cycle_momentum: this.cycleMomentum, use_beta1: this.useBeta1 };
  }
}

function num(group: ParamGroup, key: string): number {
  const v = group[key];
  if (typeof v !== 'number')
    throw new TypeError(`OneCycleLR: param group has no number '${key}' (was it created by another scheduler?)`);
  return v;
}

function setMomentum(group: ParamGroup, useBeta1: boolean, value: number): void {
  if (useBeta1) {
    const betas = group.betas as readonly number[];
    group.betas = [value, ...betas.slice(1)];
  } else group.momentum = value;
}
