import type { OutputSpec, PrimitiveParams, View } from '../backend/primitives';
import { allocStorageArray, type StorageArray } from '../dtype';
import { contiguousStrides, sizeOf } from '../shape';
import { stridedOffsets } from './strided';

/** Splits a view into the offsets of the kept positions and the relative offsets of the reduced block. */
function trailingContiguous(x: View<StorageArray>, axes: readonly number[]): boolean {
  const nd = x.shape.length;
  let expected = 1;
  for (let i = 0; i < axes.length; i++) {
    const d = nd - 1 - i;
    if (axes[axes.length - 1 - i] !== d) return false;
    if ((x.shape[d] as number) !== 1 && x.strides[d] !== expected) return false;
    expected *= x.shape[d] as number;
  }
  return true;
}

export function splitAxes(
  x: View<StorageArray>,
  axes: readonly number[],
  skipReduced = false,
): { kept: Int32Array; reduced: Int32Array } {
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  x.shape.forEach((d, i) => {
    if (axes.includes(i)) {
      redShape.push(d);
      redStrides.push(x.strides[i] as number);
    } else {
      keptShape.push(d);
      keptStrides.push(x.strides[i] as number);
    }
  });
  return {
    kept: stridedOffsets(keptShape, keptStrides, x.offset),
    reduced: skipReduced ? new Int32Array(0) : stridedOffsets(redShape, redStrides, 0),
  };
}

export function reduceKernel(
  inputs: readonly View<StorageArray>[],
  params: PrimitiveParams['reduce'],
  out: OutputSpec,
): StorageArray {
  const x = inputs[0] as View<StorageArray>;
  const data = x.storage;
  const result = allocStorageArray(out.dtype, sizeOf(out.shape));
  // The common case (reducing trailing dims laid out contiguously) reads one
  // contiguous run per output: no offset table for the reduced block then.
  const dense = trailingContiguous(x, params.axes);
  const { kept, reduced } = splitAxes(x, params.axes, dense);
  const m = dense ? params.axes.reduce((n, a) => n * (x.shape[a] as number), 1) : reduced.length;
  const at = dense ? (base: number, r: number) => base + r : (base: number, r: number) => base + (reduced[r] as number);
  for (let j = 0; j < kept.length; j++) {
    const base = kept[j] as number;
    let acc: number;
    switch (params.op) {
      case 'sum':
        acc = 0;
        if (dense) for (let r = base, end = base + m; r < end; r++) acc += data[r] as number;
        else for (let r = 0; r < m; r++) acc += data[base + (reduced[r] as number)] as number;
        break;
      case 'prod':
        acc = 1;
        for (let r = 0; r < m; r++) acc *= data[at(base, r)] as number;
        break;
      case 'max':
      case 'min': {
        const isMax = params.op === 'max';
        acc = isMax ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        for (let r = 0; r < m; r++) {
          const v = data[at(base, r)] as number;
          if (Number.isNaN(v)) {
            acc = Number.NaN;
            break;
          }
          if (isMax ? v > acc : v < acc) acc = v;
        }
        break;
      }
      case 'argmax':
      case 'argmin': {
        const isMax = params.op === 'argmax';
        let best = isMax ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        acc = 0;
        for (let r = 0; r < m; r++) {
          const v = data[at(base, r)] as number;
          if (Number.isNaN(v)) {
            acc = r;
            break;
          }
          if (r === 0 || (isMax ? v > best : v < best)) {
            best = v;
            acc = r;
          }
        }
        break;
      }
      case 'any':
        acc = 0;
        for (let r = 0; r < m; r++)
          if (data[at(base, r)] !== 0) {
            acc = 1;
            break;
          }
        break;
      case 'all':
        acc = 1;
        for (let r = 0; r < m; r++)
          if (data[at(base, r)] === 0) {
            acc = 0;
            break;
          }
        break;
    }
    result[j] = acc;
  }
  return result;
}

export function scanKernel(
  inputs: readonly View<StorageArray>[],
  params: PrimitiveParams['scan'],
  out: OutputSpec,
): StorageArray {
  const x = inputs[0] as View<StorageArray>;
  const n = sizeOf(out.shape);
  const result = allocStorageArray(out.dtype, n);
  if (n === 0) return result;
  const axis = params.axis;
  const len = x.shape[axis] as number;
  const xStride = x.strides[axis] as number;
  const outStrides = contiguousStrides(out.shape);
  const outStride = outStrides[axis] as number;
  // Lane starts (axis coordinate 0) in the input and the output, in the same order.
  const lanesShape = x.shape.map((d, i) => (i === axis ? 1 : d));
  const src = stridedOffsets(lanesShape, x.strides, x.offset);
  const dst = stridedOffsets(lanesShape, outStrides, 0);
  const isSum = params.op === 'sum';
  for (let l = 0; l < src.length; l++) {
    let acc = isSum ? 0 : 1;
    for (let k = 0; k < len; k++) {
      const v = x.storage[(src[l] as number) + k * xStride] as number;
      acc = isSum ? acc + v : acc * v;
      result[(dst[l] as number) + k * outStride] = acc;
    }
  }
  return result;
}
