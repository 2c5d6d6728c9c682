import type { Optimizer } from '../optimizer';
import { checkSchedulerOption, type LRSchedulerLike, type SchedulerStateDict } from './lr-scheduler';

export interface ReduceLROnPlateauOptions {
  /** 'min' (default): reduce when the metric stops decreasing; 'max': when it stops increasing. */
  mode?: 'min' | 'max';
  /** Factor the lr is multiplied by, < 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimum change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel' (default): relative to the best value; 'abs': absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr, for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than eps are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the lr by `factor` once the metric has not improved for more than
 * `patience` epochs, as torch's ReduceLROnPlateau. Call `step(metric)` once
 * per epoch with, e.g., the validation loss.
 *
 * ```ts
 * const sched = new ReduceLROnPlateau(opt, { mode: 'min', patience: 5 });
 * for (const epoch of epochs) { train(); sched.step(await validationLoss()); }
 * ```
 */
export class ReduceLROnPlateau implements LRSchedulerLike {
  readonly optimizer: Optimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  /** Best metric so far (±Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    this.optimizer = optimizer;
    this.mode = options.mode ?? 'min';
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    const n = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (typeof minLr !== 'number' && minLr.length !== n) {
      throw new RangeError(`ReduceLROnPlateau: expected ${n} values for minLr (one per param group), got ${minLr.length}`);
    }
    this.minLrs = typeof minLr === 'number' ? Array.from({ length: n }, () => minLr) : [...minLr];
    const name = 'ReduceLROnPlateau';
    checkSchedulerOption(this.factor < 1, name, 'factor', this.factor, 'a value < 1');
    checkSchedulerOption(this.mode === 'min' || this.mode === 'max', name, 'mode', this.mode, "'min' or 'max'");
    const tm = this.thresholdMode;
    checkSchedulerOption(tm === 'rel' || tm === 'abs', name, 'thresholdMode', tm, "'rel' or 'abs'");
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    const t = this.threshold;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - t) : a < best - t;
    return this.thresholdMode === 'rel' ? a > best * (t + 1) : a > best + t;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records one epoch's metric and reduces the lr if it has plateaued. */
  step(metric: number, epoch?: number): void {
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i] ?? 0);
      if (oldLr - newLr > this.eps) group.lr = newLr;
    });
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** PyTorch's attributes; `best` and `mode_worse` are ±Infinity until a metric arrives (null in JSON). */
  stateDict(): SchedulerStateDict {
    return {
      factor: this.factor,
      min_lrs: [...this.minLrs],
      patience: this.patience,
      cooldown: this.cooldown,
      cooldown_counter: this.cooldownCounter,
      mode: this.mode,
      threshold: this.threshold,
      threshold_mode: this.thresholdMode,
      best: this.best,
      num_bad_epochs: this.numBadEpochs,
      mode_worse: this.modeWorse,
      eps: this.eps,
      last_epoch: this.lastEpoch,
      _last_lr: [...this.lastLr],
    };
  }

  loadStateDict(stateDict: SchedulerStateDict): void {
    const best = stateDict.best;
    this.best = typeof best === 'number' ? best : this.modeWorse;
    this.numBadEpochs = Number(stateDict.num_bad_epochs ?? 0);
    this.cooldownCounter = Number(stateDict.cooldown_counter ?? 0);
    this.lastEpoch = Number(stateDict.last_epoch ?? 0);
    if (Array.isArray(stateDict._last_lr)) this.lastLr = stateDict._last_lr.map(Number);
  }
}
