import type { Shape } from '../shape';

/**
 * Storage offsets of every element of a strided view, in row-major order of
 * `shape`. Kernels use this for non-contiguous operands: one pass of index
 * arithmetic, then the hot loop reads `data[offsets[i]]`.
 */
export function stridedOffsets(shape: Shape, strides: readonly number[], offset: number): Int32Array {
  let n = 1;
  for (const d of shape) n *= d;
  const out = new Int32Array(n);
  if (n === 0) return out;
  const ndim = shape.length;
  if (ndim === 0) {
    out[0] = offset;
    return out;
  }
  const last = ndim - 1;
  const lastSize = shape[last] as number;
  const lastStride = strides[last] as number;
  const counter = new Array<number>(ndim).fill(0);
  let base = offset;
  for (let i = 0; i < n; i += lastSize) {
    for (let j = 0; j < lastSize; j++) out[i + j] = base + j * lastStride;
    // Advance the multi-index over all but the last dim.
    for (let d = last - 1; d >= 0; d--) {
      counter[d]++;
      base += strides[d] as number;
      if ((counter[d] as number) < (shape[d] as number)) break;
      base -= (strides[d] as number) * (shape[d] as number);
      counter[d] = 0;
    }
  }
  return out;
}

export type Access =
  | { kind: 'contiguous'; offset: number }
  | { kind: 'scalar'; offset: number }
  | { kind: 'strided'; offsets: Int32Array };

/** How a kernel should read a view laid over `shape`: the cheapest of three access patterns. */
export function accessFor(shape: Shape, strides: readonly number[], offset: number): Access {
  let expected = 1;
  let contiguous = true;
  let allZero = true;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] as number;
    const s = strides[i] as number;
    if (d !== 1 && s !== 0) allZero = false;
    if (d !== 1 && s !== expected) contiguous = false;
    expected *= d;
  }
  if (allZero) return { kind: 'scalar', offset };
  if (contiguous) return { kind: 'contiguous', offset };
  return { kind: 'strided', offsets: stridedOffsets(shape, strides, offset) };
}
