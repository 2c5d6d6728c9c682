/** What one iteration of a case does, so timings turn into throughput. */
export interface Work {
  readonly amount: number;
  readonly unit: 'FLOP' | 'elements' | 'images' | 'bytes';
}

/** One way of running a case: Strata on some backend, or a peer library. */
export interface Implementation {
  readonly name: string;
  /** Peers are the yardstick: ratios are reported against the first peer of a case. */
  readonly peer: boolean;
  /** Shown beside the figures, e.g. to say that an implementation is a stand-in. */
  readonly note?: string;
  /** May throw runner.ts's `Unavailable` (as may run) to be listed as unavailable here, with the reason. */
  setup?(): void | Promise<void>;
  /** One timed iteration. It must finish its work (await GPU readback) before returning. */
  run(): unknown | Promise<unknown>;
  teardown?(): void | Promise<void>;
}

export interface BenchCase {
  readonly name: string;
  readonly work?: Work;
  /**
   * Caps on the run's warm-up and timed iterations for this case, for cases too
   * slow for the defaults (a 1024² matmul on a slow peer takes seconds). The
   * run's own figures apply when they are smaller, so `--reps 1` stays quick.
   */
  readonly limits?: Partial<RunOptions>;
  readonly implementations: readonly Implementation[];
}

export interface Suite {
  readonly name: string;
  readonly description: string;
  /** Built lazily so that listing suites loads no peer library. */
  cases(): BenchCase[] | Promise<BenchCase[]>;
  /**
   * Runs the whole suite elsewhere (a browser page: see browser/launch.ts), calling `onResult`
   * as each case finishes; the CLI uses it instead of running `cases()` itself.
   */
  run?(options: RunOptions, onResult: (result: CaseResult) => void): Promise<CaseResult[]>;
}

export interface RunOptions {
  readonly warmup: number;
  readonly repetitions: number;
}

export interface ImplementationResult {
  readonly name: string;
  readonly peer: boolean;
  readonly note?: string;
  /** Why the implementation could not run here; then medianMs is NaN and samplesMs empty. */
  readonly unavailable?: string;
  readonly medianMs: number;
  readonly samplesMs: readonly number[];
  /** Work per second in the case's unit, when the case declares its work. */
  readonly throughput?: number;
}

export interface CaseResult {
  readonly suite: string;
  readonly case: string;
  readonly work?: Work;
  /** The warm-up and repetitions this case ran with: the run's, capped by the case's limits. */
  readonly options: RunOptions;
  readonly results: readonly ImplementationResult[];
  /** Name of the first available peer, which the speedups are relative to, if the case has one. */
  readonly baseline?: string;
  /** speedup[name] = baseline median / name median (> 1 means faster than the peer); unavailable ones are left out. */
  readonly speedup: Readonly<Record<string, number>>;
}
