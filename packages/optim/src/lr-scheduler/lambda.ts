import type { Optimizer } from '../optimizer';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler';

export type LrLambda = (epoch: number) => number;

export interface LambdaLROptions extends LRSchedulerOptions {
  /** The factor for an epoch, one function for all groups or one per group. */
  lrLambda: LrLambda | readonly LrLambda[];
}

/**
 * Sets the lr to `base_lr · lrLambda(epoch)`, as torch's LambdaLR. The
 * functions are not part of the state dict.
 *
 * ```ts
 * const warmup = new LambdaLR(opt, { lrLambda: (epoch) => Math.min(1, (epoch + 1) / 10) });
 * ```
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: readonly LrLambda[];

  constructor(optimizer: Optimizer, options: LambdaLROptions) {
    super(optimizer, options.lastEpoch);
    const n = optimizer.paramGroups.length;
    if (typeof options.lrLambda === 'function') this.lrLambdas = Array.from({ length: n }, () => options.lrLambda as LrLambda);
    else {
      if (options.lrLambda.length !== n) {
        throw new RangeError(`LambdaLR: expected ${n} lrLambda functions (one per param group), got ${options.lrLambda.length}`);
      }
      this.lrLambdas = [...options.lrLambda];
    }
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((base, i) => base * (this.lrLambdas[i] as LrLambda)(this.lastEpoch));
  }
}
