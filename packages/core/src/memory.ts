import { keep, runScoped } from './tensor/scope';
import { allStats, type BackendMemory } from './tensor/storage';
import { isTensor } from './tensor/tensor';

export interface MemoryInfo {
  /** Live tensor handles (a view counts as a handle) on all backends. */
  numTensors: number;
  /** Bytes of live storage on all backends. */
  numBytes: number;
  backends: Record<string, BackendMemory>;
}

/** Live tensors and bytes, in total and per backend. */
export function memory(): MemoryInfo {
  const backends: Record<string, BackendMemory> = {};
  let numTensors = 0;
  let numBytes = 0;
  for (const [name, s] of allStats()) {
    backends[name] = { ...s };
    numTensors += s.numTensors;
    numBytes += s.numBytes;
  }
  return { numTensors, numBytes, backends };
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns (in
 * arrays, plain objects or Maps, nested) and those passed to `keep`.
 * `fn` must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  return runScoped(fn, isTensor);
}

export { keep };
