/**
 * The `gather` and `scatterAdd` primitives along the last axis (what unfold,
 * fold and pooling use) in wasm; other axes, dtypes and layouts go to the CPU
 * kernels, as does any call whose index is out of range (so the CPU kernel's
 * error, naming the index, is the one thrown).
 *
 * Leading dimensions become per-row byte addresses computed here, one per row
 * of the index: strides and broadcasts of any kind cost nothing in the loop.
 */
import type { Kernel, StorageArray, View } from '@strata/core';
import { ArenaFullError } from '../runtime/arena';
import type { ThreadJob, WasmRuntime } from '../runtime/runtime';
import { stageContiguous, stageView, unstage } from './stage';

type GatherKernel = Kernel<StorageArray, 'gather'>;
type ScatterAddKernel = Kernel<StorageArray, 'scatterAdd'>;

/** Below this many elements the CPU kernel is as fast as staging operands into wasm memory. */
const MIN_ELEMENTS = 4096;

/** Byte address of each row (leading index of `shape`) of an operand staged at `base`, element stride `strides`. */
function rowTable(rt: WasmRuntime, shape: readonly number[], strides: readonly number[], base: number, offset: number): number {
  const lead = shape.length - 1;
  let rows = 1;
  for (let d = 0; d < lead; d++) rows *= shape[d] as number;
  const at = rt.arena.alloc(4 * rows);
  const words = rt.arena.i32();
  const counter = new Array<number>(lead).fill(0);
  let element = offset;
  for (let r = 0; r < rows; r++) {
    words[(at >> 2) + r] = base + 4 * element;
    for (let d = lead - 1; d >= 0; d--) {
      element += strides[d] as number;
      if (++(counter[d] as number) < (shape[d] as number)) break;
      counter[d] = 0;
      element -= (strides[d] as number) * (shape[d] as number);
    }
  }
  return at;
}

/** Reinterprets int32 storage as float32 (same bytes) so the float32 staging copies it unchanged. */
function asFloatBits(view: View<StorageArray>): View<Float32Array> {
  const s = view.storage as Int32Array;
  return { ...view, storage: new Float32Array(s.buffer, s.byteOffset, s.length) };
}

const lastAxisLayout = (view: View<StorageArray>): boolean => {
  const last = view.shape.length - 1;
  return last >= 0 && (view.strides[last] === 1 || view.shape[last] === 1);
};

/**
 * Runs `fn` over `rows` rows split across the threads worth using for `count`
 * elements; `args(r0, rows)` gives a job's arguments before its flag word.
 * Returns whether every job finished without a bad index.
 */
function runRows(
  rt: WasmRuntime,
  fn: 'gatherRows' | 'scatterAddRows',
  rows: number,
  count: number,
  args: (r0: number, rows: number) => number[],
): boolean {
  const threads = Math.min(rows, rt.threadsFor(count));
  const per = Math.ceil(rows / Math.max(1, threads));
  const flags = rt.arena.alloc(4 * Math.max(1, threads));
  const words = rt.arena.i32();
  const jobs: ThreadJob[] = [];
  for (let t = 0, r0 = 0; r0 < rows; t++, r0 += per) {
    words[(flags >> 2) + t] = 0;
    jobs.push({ fn, args: [...args(r0, Math.min(per, rows - r0)), flags + 4 * t] });
  }
  rt.run(jobs);
  const after = rt.arena.i32();
  return jobs.every((_, t) => after[(flags >> 2) + t] === 0);
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function createGatherKernel(rt: WasmRuntime, fallback: GatherKernel): GatherKernel {
  return (inputs, params, out) => {
    const [x, index] = inputs as [View<StorageArray>, View<StorageArray>];
    const count = sizeOf(out.shape);
    const fast =
      x.dtype === 'float32' &&
      index.dtype === 'int32' &&
      params.axis === x.shape.length - 1 &&
      count >= MIN_ELEMENTS &&
      lastAxisLayout(x) &&
      lastAxisLayout(index);
    if (!fast) return fallback(inputs, params, out);
    try {
      const arena = rt.arena;
      arena.reset();
      const xs = stageView(arena, x as View<Float32Array>);
      const is = stageView(arena, asFloatBits(index));
      const xRows = rowTable(rt, index.shape, xs.strides, xs.base, xs.offset);
      const idxRows = rowTable(rt, index.shape, is.strides, is.base, is.offset);
      const n = index.shape[index.shape.length - 1] as number;
      const at = arena.alloc(4 * count);
      const size = x.shape[params.axis] as number;
      const ok = runRows(rt, 'gatherRows', count / n, count, (r0, rowCount) => [
        xRows + 4 * r0,
        idxRows + 4 * r0,
        at + 4 * r0 * n,
        rowCount,
        n,
        size,
      ]);
      return ok ? unstage(arena, at, count) : fallback(inputs, params, out);
    } catch (error) {
      if (error instanceof ArenaFullError) return fallback(inputs, params, out);
      throw error;
    }
  };
}

export function createScatterAddKernel(rt: WasmRuntime, fallback: ScatterAddKernel): ScatterAddKernel {
  return (inputs, params, out) => {
    const [base, index, src] = inputs as [View<StorageArray>, View<StorageArray>, View<StorageArray>];
    const count = sizeOf(out.shape);
    const fast =
      base.dtype === 'float32' &&
      src.dtype === 'float32' &&
      index.dtype === 'int32' &&
      params.axis === out.shape.length - 1 &&
      sizeOf(index.shape) >= MIN_ELEMENTS &&
      lastAxisLayout(index) &&
      lastAxisLayout(src);
    if (!fast) return fallback(inputs, params, out);
    try {
      const arena = rt.arena;
      arena.reset();
      const at = stageContiguous(arena, base as View<Float32Array>);
      const is = stageView(arena, asFloatBits(index));
      const ss = stageView(arena, src as View<Float32Array>);
      // out is row-major: its row strides are the contiguous ones of out.shape.
      const outStrides = new Array<number>(out.shape.length);
      let stride = 1;
      for (let d = out.shape.length - 1; d >= 0; d--) {
        outStrides[d] = stride;
        stride *= out.shape[d] as number;
      }
      const outRows = rowTable(rt, index.shape, outStrides, at, 0);
      const idxRows = rowTable(rt, index.shape, is.strides, is.base, is.offset);
      const srcRows = rowTable(rt, index.shape, ss.strides, ss.base, ss.offset);
      const n = index.shape[index.shape.length - 1] as number;
      const rows = n === 0 ? 0 : sizeOf(index.shape) / n;
      const size = out.shape[params.axis] as number;
      const ok = runRows(rt, 'scatterAddRows', rows, rows * n, (r0, rowCount) => [
        outRows + 4 * r0,
        idxRows + 4 * r0,
        srcRows + 4 * r0,
        rowCount,
        n,
        size,
      ]);
      return ok ? unstage(arena, at, count) : fallback(inputs, params, out);
    } catch (error) {
      if (error instanceof ArenaFullError) return fallback(inputs, params, out);
      throw error;
    }
  };
}
