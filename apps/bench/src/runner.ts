import { median } from './stats';
import type { BenchCase, CaseResult, ImplementationResult, RunOptions, Suite } from './types';

const now = (): number => performance.now();

async function timeImplementation(
  impl: BenchCase['implementations'][number],
  work: BenchCase['work'],
  options: RunOptions,
): Promise<ImplementationResult> {
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
    const result: ImplementationResult = { name: impl.name, peer: impl.peer, medianMs, samplesMs };
    return {
      ...result,
      ...(impl.note !== undefined ? { note: impl.note } : {}),
      ...(work ? { throughput: work.amount / (medianMs / 1000) } : {}),
    };
  } finally {
    await impl.teardown?.();
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
  const baseline = results.find((r) => r.peer);
  const speedup: Record<string, number> = {};
  if (baseline) for (const r of results) speedup[r.name] = baseline.medianMs / r.medianMs;
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
