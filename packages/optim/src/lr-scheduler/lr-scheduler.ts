/**
 * The LR scheduler base class, with PyTorch's semantics: a scheduler records
 * each group's `initialLr` (PyTorch's `initial_lr`) the first time one wraps
 * the optimizer, its constructor performs the initial step (the lr at epoch
 * 0), and `step()` is called once per epoch (or batch) after `optimizer.step()`.
 *
 * Design note: schedulers compute the lr "chainably" from the group's current
 * lr, exactly as torch.optim.lr_scheduler does, so that several schedulers on
 * one optimizer compose as in PyTorch; `step(epoch)` uses the closed form where
 * PyTorch has one. TypeScript runs a base constructor before the subclass's
 * fields exist, so each subclass calls `initialStep()` at the end of its own.
 */
import type { Optimizer } from '../optimizer';

/** A scheduler's state: plain, JSON-friendly values with PyTorch's attribute names. */
export type SchedulerStateDict = Record<string, unknown>;

/** What every scheduler (ReduceLROnPlateau included) offers. */
export interface LRSchedulerLike {
  readonly optimizer: Optimizer;
  /** The lr of each param group after the latest step. */
  getLastLr(): number[];
  stateDict(): SchedulerStateDict;
  loadStateDict(stateDict: SchedulerStateDict): void;
}

export interface LRSchedulerOptions {
  /** Index of the last epoch when resuming (default -1: start fresh; otherwise groups need `initialLr`). */
  lastEpoch?: number;
}

export abstract class LRScheduler implements LRSchedulerLike {
  readonly optimizer: Optimizer;
  /** Each group's `initialLr`. */
  baseLrs: number[];
  /** The epoch of the latest step (0 after construction). */
  lastEpoch: number;
  /** Number of `step()` calls, the initial one included. */
  protected stepCount = 0;
  protected lastLr: number[] = [];

  constructor(optimizer: Optimizer, lastEpoch = -1) {
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((group, i) => {
      if (lastEpoch === -1) group.initialLr ??= group.lr;
      else if (group.initialLr === undefined) {
        throw new RangeError(
          `${this.constructor.name}: paramGroups[${i}] has no initialLr, which resuming (lastEpoch ≠ -1) needs`,
        );
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The lr of each group at `lastEpoch`, computed from the current ones (PyTorch's `get_lr`). */
  protected abstract getLr(): number[];

  /** The lr of each group at `lastEpoch` from `baseLrs` alone, where a closed form exists. */
  protected closedFormLr(): number[] | undefined {
    return undefined;
  }

  /** Resets the step count and takes the initial step (constructors and SequentialLR call it). */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch; `step(epoch)` jumps to an epoch (the closed form where there is one). */
  step(epoch?: number): void {
    this.stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.setLrs(values);
  }

  protected setLrs(values: readonly number[]): void {
    const groups = this.optimizer.paramGroups;
    for (let i = 0; i < Math.min(groups.length, values.length); i++) (groups[i] as { lr: number }).lr = values[i] as number;
    this.lastLr = groups.map((g) => g.lr);
  }

  /** The current lr of each group, for `getLr` rules that keep or scale it. */
  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** `{ base_lrs, last_epoch, _step_count, _last_lr, ... }` like PyTorch's (the optimizer excluded). */
  stateDict(): SchedulerStateDict {
    return {
      base_lrs: [...this.baseLrs],
      last_epoch: this.lastEpoch,
      _step_count: this.stepCount,
      _last_lr: [...this.lastLr],
      ...this.extraState(),
    };
  }

  loadStateDict(stateDict: SchedulerStateDict): void {
    const numbers = (key: string): number[] => {
      const v = stateDict[key];
      if (!Array.isArray(v)) throw new TypeError(`${this.constructor.name}.loadStateDict: '${key}' must be an array of numbers`);
      return v.map(Number);
    };
    this.baseLrs = numbers('base_lrs');
    this.lastLr = numbers('_last_lr');
    this.lastEpoch = Number(stateDict.last_epoch);
    this.stepCount = Number(stateDict._step_count ?? this.stepCount);
    this.loadExtraState(stateDict);
  }

  /** Subclass state beyond the base's (PyTorch attribute names). */
  protected extraState(): SchedulerStateDict {
    return {};
  }

  protected loadExtraState(_stateDict: SchedulerStateDict): void {}
}

/** Number of values in the sorted `list` that are <= x (Python's bisect_right). */
export function bisectRight(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < (list[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Throws a RangeError naming the scheduler and option unless `ok`. */
export function checkSchedulerOption(ok: boolean, scheduler: string, option: string, value: unknown, expected: string): void {
  if (!ok) throw new RangeError(`${scheduler}: invalid ${option} ${JSON.stringify(value)}; expected ${expected}`);
}
