export interface EarlyStoppingOptions {
  /** Checks without improvement before stopping (default 5). */
  patience?: number;
  /** The least change that counts as an improvement (default 0). */
  minDelta?: number;
  /** 'min' (default): lower is better (a loss); 'max': higher is better (an accuracy). */
  mode?: 'min' | 'max';
}

/**
 * Stops training once a monitored metric has not improved for `patience`
 * checks. An improvement is `metric < best − minDelta` ('min') or
 * `metric > best + minDelta` ('max'); NaN never improves.
 *
 * ```ts
 * const stopper = new EarlyStopping({ patience: 3, minDelta: 1e-4 });
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   train();
 *   if (stopper.step(await validationLoss())) break;
 * }
 * ```
 */
export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  /** The best metric so far (undefined before the first step). */
  bestScore: number | undefined = undefined;
  /** Checks since the last improvement. */
  counter = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    this.patience = options.patience ?? 5;
    this.minDelta = options.minDelta ?? 0;
    this.mode = options.mode ?? 'min';
    if (!(Number.isInteger(this.patience) && this.patience >= 0)) {
      throw new RangeError(`EarlyStopping: patience must be an integer >= 0, got ${this.patience}`);
    }
    if (!(this.minDelta >= 0)) throw new RangeError(`EarlyStopping: minDelta must be >= 0, got ${this.minDelta}`);
    if (this.mode !== 'min' && this.mode !== 'max')
      throw new RangeError(`EarlyStopping: mode must be 'min' or 'max', got ${this.mode}`);
  }

  /** Whether the latest `step` asked to stop. */
  get shouldStop(): boolean {
    return this.counter > 0 && this.counter >= this.patience;
  }

  /** Records a metric; returns true when training should stop. */
  step(metric: number): boolean {
    const improved =
      !Number.isNaN(metric) &&
      (this.bestScore === undefined ||
        (this.mode === 'min' ? metric < this.bestScore - this.minDelta : metric > this.bestScore + this.minDelta));
    if (improved) {
      this.bestScore = metric;
      this.counter = 0;
    } else this.counter += 1;
    return this.shouldStop;
  }

  reset(): void {
    this.bestScore = undefined;
    this.counter = 0;
  }
}
