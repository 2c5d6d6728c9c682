import type { OutputSpec, PrimitiveParams, View } from '../backend/primitives';
import { allocStorageArray, type StorageArray } from '../dtype';
import { contiguousStrides, sizeOf } from '../shape';
import { stridedOffsets } from './strided';

/** Stable argsort along one axis; NaN is the largest value (last ascending, first descending). */
export function argsortKernel(
  inputs: readonly View<StorageArray>[],
  params: PrimitiveParams['argsort'],
  out: OutputSpec,
): StorageArray {
  const x = inputs[0] as View<StorageArray>;
  const { axis, descending } = params;
  const result = allocStorageArray(out.dtype, sizeOf(out.shape));
  if (result.length === 0) return result;
  const len = x.shape[axis] as number;
  const stride = x.strides[axis] as number;
  const outStrides = contiguousStrides(out.shape);
  const outStride = outStrides[axis] as number;
  const lanes = x.shape.map((d, i) => (i === axis ? 1 : d));
  const src = stridedOffsets(lanes, x.strides, x.offset);
  const dst = stridedOffsets(lanes, outStrides, 0);
  const values = new Float64Array(len);
  const order = Array.from({ length: len }, (_, i) => i);
  for (let l = 0; l < src.length; l++) {
    for (let k = 0; k < len; k++) values[k] = x.storage[(src[l] as number) + k * stride] as number;
    for (let k = 0; k < len; k++) order[k] = k;
    order.sort((i, j) => {
      const a = values[i] as number;
      const b = values[j] as number;
      const an = Number.isNaN(a);
      const bn = Number.isNaN(b);
      if (an || bn) return an === bn ? 0 : (an ? 1 : -1) * (descending ? -1 : 1);
      const c = a < b ? -1 : a > b ? 1 : 0;
      return descending ? -c : c;
    });
    for (let k = 0; k < len; k++) result[(dst[l] as number) + k * outStride] = order[k] as number;
  }
  return result;
}
