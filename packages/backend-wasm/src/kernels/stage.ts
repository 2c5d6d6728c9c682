/**
 * Moving operands into WebAssembly memory. Storage is the CPU backend's typed
 * arrays, so every wasm kernel copies its inputs in and its output out; these
 * copies are memcpy-speed `TypedArray.set`s, small next to an O(n^3) kernel.
 *
 * A strided view is staged by copying the span of storage it touches, so its
 * strides (transposes, broadcasts, slices) still hold inside the memory; only
 * a sparse view (a span much larger than its elements) is gathered instead.
 */
import type { View } from '@strata/core';
import type { Arena } from '../runtime/arena';

/** Storage offsets of every index of `shape` (row-major) through `strides`, starting at `offset`. */
export function stridedOffsets(shape: readonly number[], strides: readonly number[], offset: number): Int32Array {
  let n = 1;
  for (const d of shape) n *= d;
  const out = new Int32Array(n);
  if (n === 0) return out;
  const counter = new Array<number>(shape.length).fill(0);
  let at = offset;
  for (let i = 0; i < n; i++) {
    out[i] = at;
    for (let d = shape.length - 1; d >= 0; d--) {
      at += strides[d] as number;
      if (++(counter[d] as number) < (shape[d] as number)) break;
      counter[d] = 0;
      at -= (strides[d] as number) * (shape[d] as number);
    }
  }
  return out;
}

/** A view copied into wasm memory: storage index `s` of the original sits at `base + 4 * s`. */
export interface Staged {
  /** Byte address such that element `s` of the original storage is at base + 4 * s (base may be negative). */
  readonly base: number;
  readonly strides: readonly number[];
  readonly offset: number;
}

function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Copies a float32 view into the arena. Dense enough views keep their strides
 * (the span [offset, last element] is copied as is); sparse ones are gathered
 * into a contiguous row-major block.
 */
export function stageView(arena: Arena, view: View<Float32Array>): Staged {
  const count = elementCount(view.shape);
  let last = view.offset;
  for (let d = 0; d < view.shape.length; d++) last += ((view.shape[d] as number) - 1) * (view.strides[d] as number);
  const span = count === 0 ? 0 : last - view.offset + 1;
  if (span <= 2 * count + 1024) {
    const at = arena.alloc(4 * span);
    arena.f32().set(view.storage.subarray(view.offset, view.offset + span), at >> 2);
    return { base: at - 4 * view.offset, strides: view.strides, offset: view.offset };
  }
  const strides = new Array<number>(view.shape.length);
  let s = 1;
  for (let d = view.shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= view.shape[d] as number;
  }
  return { base: stageContiguous(arena, view), strides, offset: 0 };
}

/** Whether a view's strides are the row-major ones of its shape (size-1 dims excepted). */
function isRowMajor(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if ((shape[d] as number) !== 1 && strides[d] !== expected) return false;
    expected *= shape[d] as number;
  }
  return true;
}

/** Copies a float32 view into the arena as a contiguous row-major block and returns its address. */
export function stageContiguous(arena: Arena, view: View<Float32Array>): number {
  const count = elementCount(view.shape);
  const at = arena.alloc(4 * count);
  const dst = arena.f32();
  const first = at >> 2;
  if (isRowMajor(view.shape, view.strides)) {
    dst.set(view.storage.subarray(view.offset, view.offset + count), first);
    return at;
  }
  const offsets = stridedOffsets(view.shape, view.strides, view.offset);
  for (let i = 0; i < count; i++) dst[first + i] = view.storage[offsets[i] as number] as number;
  return at;
}

/** Copies a contiguous block of `count` floats out of the arena into a fresh Float32Array. */
export function unstage(arena: Arena, at: number, count: number): Float32Array {
  // slice copies into a fresh buffer without zero-filling it first, as `new` + `set` would.
  return arena.f32().slice(at >> 2, (at >> 2) + count);
}
