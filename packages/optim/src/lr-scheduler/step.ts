import type { Optimizer } from '../optimizer';
import { bisectRight, checkSchedulerOption, LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler';

export interface StepLROptions extends LRSchedulerOptions {
  /** Epochs between decays. */
  stepSize: number;
  /** Decay factor γ (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the lr by γ every `stepSize` epochs, as torch's StepLR:
 * `lr = base_lr · γ^⌊epoch / stepSize⌋`.
 *
 * ```ts
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // 0.05 for epochs 0-29, 0.005 for 30-59 ...
 * ```
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    super(optimizer, options.lastEpoch);
    checkSchedulerOption(
      Number.isInteger(options.stepSize) && options.stepSize > 0,
      'StepLR',
      'stepSize',
      options.stepSize,
      'a positive integer',
    );
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }

  protected override extraState(): SchedulerStateDict {
    return { step_size: this.stepSize, gamma: this.gamma };
  }
}

export interface MultiStepLROptions extends LRSchedulerOptions {
  /** Epochs at which to decay (increasing; a repeated epoch decays once per occurrence). */
  milestones: readonly number[];
  /** Decay factor γ (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the lr by γ at each milestone, as torch's MultiStepLR:
 * `lr = base_lr · γ^(number of milestones <= epoch)`.
 *
 * ```ts
 * const sched = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  readonly milestones: readonly number[];
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    super(optimizer, options.lastEpoch);
    this.milestones = [...options.milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    const lrs = this.groupLrs();
    if (hits === 0) return lrs;
    return lrs.map((lr) => lr * this.gamma ** hits);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** bisectRight(this.milestones, this.lastEpoch));
  }

  protected override extraState(): SchedulerStateDict {
    return { milestones: [...this.milestones], gamma: this.gamma };
  }
}

export interface ExponentialLROptions extends LRSchedulerOptions {
  /** Decay factor γ per epoch. */
  gamma: number;
}

/**
 * Multiplies the lr by γ every epoch, as torch's ExponentialLR: `lr = base_lr · γ^epoch`.
 *
 * ```ts
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 * ```
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    super(optimizer, options.lastEpoch);
    this.gamma = options.gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** this.lastEpoch);
  }

  protected override extraState(): SchedulerStateDict {
    return { gamma: this.gamma };
  }
}
