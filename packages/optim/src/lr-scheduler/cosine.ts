import type { Optimizer } from '../optimizer';
import { checkSchedulerOption, LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler';

export interface CosineAnnealingLROptions extends LRSchedulerOptions {
  /** Half-period T_max, in epochs. */
  TMax: number;
  /** Minimum lr η_min (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing (SGDR without restarts), as torch's CosineAnnealingLR:
 * `η_t = η_min + (η_base − η_min) · (1 + cos(π t / T_max)) / 2`, computed
 * recursively from the current lr as PyTorch does (equal to that closed form
 * when nothing else changes the lr; past T_max it rises again).
 *
 * ```ts
 * const sched = new CosineAnnealingLR(opt, { TMax: 100, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly TMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super(optimizer, options.lastEpoch);
    checkSchedulerOption(options.TMax > 0, 'CosineAnnealingLR', 'TMax', options.TMax, 'a number > 0');
    this.TMax = options.TMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { TMax, etaMin, lastEpoch: e } = this;
    const lrs = this.groupLrs();
    if (e === 0) return lrs;
    if (this.stepCount === 1 && e > 0) return this.closedFormLr();
    if ((e - 1 - TMax) % (2 * TMax) === 0) {
      return lrs.map((lr, i) => lr + (((this.baseLrs[i] as number) - etaMin) * (1 - Math.cos(Math.PI / TMax))) / 2);
    }
    return lrs.map(
      (lr) => ((1 + Math.cos((Math.PI * e) / TMax)) / (1 + Math.cos((Math.PI * (e - 1)) / TMax))) * (lr - etaMin) + etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    const { TMax, etaMin } = this;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / TMax))) / 2);
  }

  protected override extraState(): SchedulerStateDict {
    return { T_max: this.TMax, eta_min: this.etaMin };
  }
}

export interface CosineAnnealingWarmRestartsOptions extends LRSchedulerOptions {
  /** Epochs until the first restart. */
  T0: number;
  /** Factor by which the period grows after each restart (integer >= 1, default 1). */
  TMult?: number;
  /** Minimum lr η_min (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017), as
 * torch's CosineAnnealingWarmRestarts: `η_t = η_min + (η_base − η_min) · (1 + cos(π T_cur / T_i)) / 2`,
 * where T_cur counts epochs since the last restart and the period T_i starts
 * at T0 and is multiplied by TMult at each restart. `step(epoch)` accepts
 * fractional epochs (`sched.step(epoch + i / itersPerEpoch)`).
 *
 * ```ts
 * const sched = new CosineAnnealingWarmRestarts(opt, { T0: 10, TMult: 2 });
 * ```
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly T0: number;
  readonly TMult: number;
  readonly etaMin: number;
  /** Current period. */
  TI: number;
  /** Epochs since the last restart. */
  TCur: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingWarmRestartsOptions) {
    super(optimizer, options.lastEpoch);
    const { T0, TMult = 1, etaMin = 0 } = options;
    checkSchedulerOption(Number.isInteger(T0) && T0 > 0, 'CosineAnnealingWarmRestarts', 'T0', T0, 'a positive integer');
    checkSchedulerOption(Number.isInteger(TMult) && TMult >= 1, 'CosineAnnealingWarmRestarts', 'TMult', TMult, 'an integer >= 1');
    this.T0 = T0;
    this.TMult = TMult;
    this.etaMin = etaMin;
    this.TI = T0;
    this.TCur = this.lastEpoch;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { etaMin } = this;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.TI))) / 2);
  }

  override step(epoch?: number): void {
    this.stepCount += 1;
    let e = epoch;
    if (e === undefined && this.lastEpoch < 0) e = 0;
    if (e === undefined) {
      e = this.lastEpoch + 1;
      this.TCur += 1;
      if (this.TCur >= this.TI) {
        this.TCur -= this.TI;
        this.TI *= this.TMult;
      }
    } else {
      checkSchedulerOption(e >= 0, 'CosineAnnealingWarmRestarts', 'epoch', e, 'a number >= 0');
      if (e >= this.T0) {
        if (this.TMult === 1) this.TCur = e % this.T0;
        else {
          const n = Math.floor(Math.log((e / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = e - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.TI = this.T0 * this.TMult ** n;
        }
      } else {
        this.TI = this.T0;
        this.TCur = e;
      }
    }
    this.lastEpoch = Math.floor(e);
    this.setLrs(this.getLr());
  }

  protected override extraState(): SchedulerStateDict {
    return { T_0: this.T0, T_i: this.TI, T_mult: this.TMult, eta_min: this.etaMin, T_cur: this.TCur };
  }

  protected override loadExtraState(stateDict: SchedulerStateDict): void {
    this.TI = Number(stateDict.T_i);
    this.TCur = Number(stateDict.T_cur);
  }
}
