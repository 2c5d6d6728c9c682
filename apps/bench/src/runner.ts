import { median } from './stats';
import type { BenchCase, CaseResult, ImplementationResult, RunOptions, Suite } from './types';

const now = (): number => performance.now();

/**
 * Thrown by an implementation's setup or run when it cannot run here (say, a
 * peer's WebGPU backend that fails to start on this adapter). The runner then
 * lists the implementation as unavailable, with this message as the reason,
 * instead of failing the whole run; any other error still fails it.
 */
export class Unavailable extends Error {
  override readonly name = 'Unavailable';
}

async function timeImplementation(
  impl: BenchCase['implementations'][number],
  work: BenchCase['work'],
  options: RunOptions,
): Promise<ImplementationResult> {
  const base = { name: impl.name, peer: impl.peer, ...(impl.note !== undefined ? { note: impl.note } : {}) };
  try {
    await impl.setup?.();
    try {
      for (let i = 0; i < options.warmup; i++) await impl.run();
      const samplesMs: number[] = [];
      for (let i = 0; i < options.repetitions; i++) {
        const start = now();
        await impl.run();
        samplesMs.push(now() - start);
      }
      const medianMs = median(samplesMs);
      return { ...base, medianMs, samplesMs, ...(work ? { throughput: work.amount / (medianMs / 1000) } : {}) };
    } finally {
      await impl.teardown?.();
    }
  } catch (error) {
    if (error instanceof Unavailable) return { ...base, medianMs: Number.NaN, samplesMs: [], unavailable: error.message };
    throw error;
  }
}

/** The run's warm-up and repetitions, capped by the case's limits where it sets them. */
export function caseOptions(benchCase: BenchCase, options: RunOptions): RunOptions {
  const { warmup, repetitions } = benchCase.limits ?? {};
  if (warmup !== undefined && !(Number.isInteger(warmup) && warmup >= 0)) {
    throw new RangeError(`${benchCase.name}: limits.warmup must be an integer >= 0, got ${warmup}`);
  }
  if (repetitions !== undefined && !(Number.isInteger(repetitions) && repetitions >= 1)) {
    throw new RangeError(`${benchCase.name}: limits.repetitions must be an integer >= 1, got ${repetitions}`);
  }
  return {
    warmup: Math.min(options.warmup, warmup ?? options.warmup),
    repetitions: Math.min(options.repetitions, repetitions ?? options.repetitions),
  };
}

/**
 * Runs every implementation of a case in turn, in this one process, so the
 * figures share the machine's state and the ratios between them are meaningful
 * even on a noisy shared machine where absolute numbers are not.
 */
export async function runCase(suite: string, benchCase: BenchCase, runOptions: RunOptions): Promise<CaseResult> {
  if (runOptions.repetitions < 1) throw new RangeError(`repetitions must be >= 1, got ${runOptions.repetitions}`);
  const options = caseOptions(benchCase, runOptions);
  const results: ImplementationResult[] = [];
  for (const impl of benchCase.implementations) results.push(await timeImplementation(impl, benchCase.work, options));
  const baseline = results.find((r) => r.peer && r.unavailable === undefined);
  const speedup: Record<string, number> = {};
  if (baseline) for (const r of results) if (r.unavailable === undefined) speedup[r.name] = baseline.medianMs / r.medianMs;
  return {
    suite,
    case: benchCase.name,
    options,
    results,
    speedup,
    ...(benchCase.work ? { work: benchCase.work } : {}),
    ...(baseline ? { baseline: baseline.name } : {}),
  };
}

export async function runSuite(
  suite: Suite,
  options: RunOptions,
  onResult: (result: CaseResult) => void = () => {},
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const benchCase of await suite.cases()) {
    const result = await runCase(suite.name, benchCase, options);
    onResult(result);
    results.push(result);
  }
  return results;
}
