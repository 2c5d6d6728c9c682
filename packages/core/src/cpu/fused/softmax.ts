import type { FusedKernel } from '../../backend/fused';
import type { View } from '../../backend/primitives';
import type { StorageArray } from '../../dtype';
import { DTypeError } from '../../errors';
import { contiguousStrides, sizeOf } from '../../shape';
import { stridedOffsets } from '../strided';

/**
 * Softmax / log-softmax along one axis of a float32 view (any strides), one
 * lane at a time in float64: max (NaN wins), sum of exp(x - max), then the
 * output. Matches core's composite: an all -inf lane, or one holding +inf or
 * NaN, comes out NaN.
 */
export const softmaxKernel: FusedKernel<StorageArray, 'softmax'> = (inputs, params, out) => {
  const x = inputs[0] as View<StorageArray>;
  if (x.dtype !== 'float32' || out.dtype !== 'float32')
    throw new DTypeError(`softmax (cpu fused): expects float32, got ${x.dtype} -> ${out.dtype}`);
  const { axis, log } = params;
  const result = new Float32Array(sizeOf(out.shape));
  if (result.length === 0) return result;
  const data = x.storage as Float32Array;
  const len = x.shape[axis] as number;
  const stride = x.strides[axis] as number;
  const outStrides = contiguousStrides(out.shape);
  const outStride = outStrides[axis] as number;
  const lanes = x.shape.map((d, i) => (i === axis ? 1 : d));
  const src = stridedOffsets(lanes, x.strides, x.offset);
  const dst = stridedOffsets(lanes, outStrides, 0);
  const row = new Float64Array(len);
  for (let l = 0; l < src.length; l++) {
    const s0 = src[l] as number;
    let m = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < len; k++) {
      const v = data[s0 + k * stride] as number;
      row[k] = v;
      if (v > m || Number.isNaN(v)) m = Number.isNaN(m) ? m : v;
    }
    let total = 0;
    for (let k = 0; k < len; k++) total += Math.exp((row[k] as number) - m);
    const d0 = dst[l] as number;
    if (log) {
      const logTotal = Math.log(total);
      for (let k = 0; k < len; k++) result[d0 + k * outStride] = (row[k] as number) - m - logTotal;
    } else {
      for (let k = 0; k < len; k++) result[d0 + k * outStride] = Math.exp((row[k] as number) - m) / total;
    }
  }
  return result;
};
