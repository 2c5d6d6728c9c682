/**
 * The `reduce` primitive's sum / max / min of a row-major float32 tensor in
 * wasm (see codegen/reduce.ts): the first run of adjacent reduced axes there,
 * any further runs on the smaller result. Everything else (other ops, strided
 * views, reductions of trailing axes alone) is the CPU kernel's.
 *
 * A wasm sum accumulates in float32 where the CPU kernel uses float64, so it
 * is taken only for short reductions (at most MAX_SUM_TERMS terms per output),
 * where the two differ by a few ulps: gradients summed over a batch, pooling
 * windows. Long sums stay on the CPU kernel.
 */
import type { Kernel, StorageArray, View } from '@strata/core';
import { reduceMidExport } from '../codegen/reduce';
import { ArenaFullError } from '../runtime/arena';
import type { WasmRuntime } from '../runtime/runtime';
import { stageContiguous, unstage } from './stage';

type ReduceKernel = Kernel<StorageArray, 'reduce'>;

const MIN_ELEMENTS = 4096;
const MAX_SUM_TERMS = 256;

function isRowMajor(view: View<StorageArray>): boolean {
  let expected = 1;
  for (let d = view.shape.length - 1; d >= 0; d--) {
    if ((view.shape[d] as number) !== 1 && view.strides[d] !== expected) return false;
    expected *= view.shape[d] as number;
  }
  return true;
}

/** [outer, mid, inner] when `axes` are one run of adjacent axes, else undefined. */
function midForm(shape: readonly number[], axes: readonly number[]): [number, number, number] | undefined {
  if (axes.length === 0) return undefined;
  const sorted = [...axes].sort((a, b) => a - b);
  const first = sorted[0] as number;
  const last = sorted[sorted.length - 1] as number;
  if (last - first + 1 !== sorted.length) return undefined;
  let outer = 1;
  let mid = 1;
  let inner = 1;
  shape.forEach((d, i) => {
    if (i < first) outer *= d;
    else if (i <= last) mid *= d;
    else inner *= d;
  });
  return [outer, mid, inner];
}

/** The leading run of adjacent axes in sorted `axes`. */
function firstRun(sorted: readonly number[]): number[] {
  const run = [sorted[0] as number];
  while (sorted[run.length] === (run[run.length - 1] as number) + 1) run.push(sorted[run.length] as number);
  return run;
}

export function createReduceKernel(rt: WasmRuntime, fallback: ReduceKernel): ReduceKernel {
  const reduce: ReduceKernel = (inputs, params, out) => {
    const x = inputs[0] as View<StorageArray>;
    const which = params.op;
    if (x.dtype !== 'float32' || out.dtype !== 'float32' || (which !== 'sum' && which !== 'max' && which !== 'min')) {
      return fallback(inputs, params, out);
    }
    if (params.axes.length === 0 || !isRowMajor(x)) return fallback(inputs, params, out);
    const sorted = [...params.axes].sort((a, b) => a - b);
    const run = firstRun(sorted);
    const [outer, mid, inner] = midForm(x.shape, run) as [number, number, number];
    if (inner < 4 || mid < 1 || outer * mid * inner < MIN_ELEMENTS || (which === 'sum' && mid > MAX_SUM_TERMS)) {
      return fallback(inputs, params, out);
    }
    let partial: Float32Array;
    try {
      const arena = rt.arena;
      arena.reset();
      const xs = stageContiguous(arena, x as View<Float32Array>);
      const at = arena.alloc(4 * outer * inner);
      rt.exports[reduceMidExport(which)](xs, at, outer, mid, inner);
      partial = unstage(arena, at, outer * inner);
    } catch (error) {
      if (error instanceof ArenaFullError) return fallback(inputs, params, out);
      throw error;
    }
    if (run.length === sorted.length) return partial;
    // Axes in several runs (a bias gradient's [0, 2, 3]): the first run in wasm, shrinking
    // the tensor, then the rest on what is left (renumbered past the removed run).
    const shape = x.shape.filter((_, d) => !run.includes(d));
    const strides = new Array<number>(shape.length);
    let stride = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      strides[d] = stride;
      stride *= shape[d] as number;
    }
    const rest = sorted.slice(run.length).map((a) => a - run.length);
    return reduce([{ storage: partial, dtype: 'float32', shape, strides, offset: 0 }], { op: which, axes: rest }, out);
  };
  return reduce;
}
