import type { Optimizer } from '../optimizer';
import { bisectRight, LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler';

export interface SequentialLROptions extends LRSchedulerOptions {
  /** Schedulers on the same optimizer, run one after another. */
  schedulers: readonly LRScheduler[];
  /** Epochs at which to switch to the next scheduler (one fewer than schedulers). */
  milestones: readonly number[];
}

/**
 * Runs schedulers one after another, switching at the milestones, as torch's
 * SequentialLR: at a milestone the next scheduler restarts from epoch 0
 * (`step(0)`, its closed form where it has one).
 *
 * ```ts
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new CosineAnnealingLR(opt, { TMax: 95 });
 * const sched = new SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 * ```
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: readonly LRScheduler[];
  readonly milestones: readonly number[];

  constructor(optimizer: Optimizer, options: SequentialLROptions) {
    const { schedulers, milestones } = options;
    if (schedulers.length < 1) throw new RangeError('SequentialLR: expects at least one scheduler');
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) {
        throw new TypeError(`SequentialLR: schedulers[${i}] is not an LRScheduler (ReduceLROnPlateau cannot be sequenced)`);
      }
      if (s.optimizer !== optimizer) {
        throw new RangeError(`SequentialLR: schedulers[${i}] wraps a different optimizer than the one given`);
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new RangeError(
        `SequentialLR: expects ${schedulers.length - 1} milestones (one fewer than schedulers), got ${milestones.length}`,
      );
    }
    super(optimizer, -1);
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = (options.lastEpoch ?? -1) + 1;
    for (const group of optimizer.paramGroups) group.lr = group.initialLr as number;
    undoSteps(this.schedulers);
    (this.schedulers[0] as LRScheduler).initialStep();
    this.lastLr = (this.schedulers[0] as LRScheduler).getLastLr();
  }

  protected getLr(): number[] {
    return this.groupLrs();
  }

  override step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[idx] as LRScheduler;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  protected override extraState(): SchedulerStateDict {
    return { _milestones: [...this.milestones], _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  protected override loadExtraState(stateDict: SchedulerStateDict): void {
    const states = stateDict._schedulers;
    if (!Array.isArray(states) || states.length !== this.schedulers.length) {
      throw new RangeError(`SequentialLR.loadStateDict: expected ${this.schedulers.length} scheduler states in '_schedulers'`);
    }
    this.schedulers.forEach((s, i) => {
      s.loadStateDict(states[i] as SchedulerStateDict);
    });
  }
}

/** Undoes the initial step of each scheduler (recursively through nested SequentialLRs). */
function undoSteps(schedulers: readonly LRScheduler[]): void {
  for (const s of schedulers) {
    if (s instanceof SequentialLR) undoSteps(s.schedulers);
    else s.lastEpoch -= 1;
  }
}
