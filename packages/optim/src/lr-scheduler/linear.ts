import type { Optimizer } from '../optimizer';
import { checkSchedulerOption, LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler';

export interface LinearLROptions extends LRSchedulerOptions {
  /** Factor at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor from `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Epochs over which the factor moves linearly (default 5). */
  totalIters?: number;
}

/**
 * Scales the lr by a factor going linearly from `startFactor` to `endFactor`
 * over `totalIters` epochs (warm-up), as torch's LinearLR:
 * `lr = base_lr · (start + (end − start) · min(epoch, totalIters) / totalIters)`.
 *
 * ```ts
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 10 });
 * ```
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    super(optimizer, options.lastEpoch);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    const { startFactor, endFactor, totalIters } = this;
    checkSchedulerOption(startFactor > 0 && startFactor <= 1, 'LinearLR', 'startFactor', startFactor, 'a value in (0, 1]');
    checkSchedulerOption(endFactor >= 0 && endFactor <= 1, 'LinearLR', 'endFactor', endFactor, 'a value in [0, 1]');
    checkSchedulerOption(
      Number.isInteger(totalIters) && totalIters > 0,
      'LinearLR',
      'totalIters',
      totalIters,
      'a positive integer',
    );
    this.initialStep();
  }

  protected getLr(): number[] {
    const { startFactor: start, endFactor: end, totalIters: total, lastEpoch: e } = this;
    const lrs = this.groupLrs();
    if (e === 0) return lrs.map((lr) => lr * start);
    if (e > total) return lrs;
    return lrs.map((lr) => lr * (1 + (end - start) / (total * start + (e - 1) * (end - start))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: start, endFactor: end, totalIters: total } = this;
    return this.baseLrs.map((base) => base * (start + ((end - start) * Math.min(total, this.lastEpoch)) / total));
  }

  protected override extraState(): SchedulerStateDict {
    return { start_factor: this.startFactor, end_factor: this.endFactor, total_iters: this.totalIters };
  }
}
