import type { FusedKernel } from '../../backend/fused';
import type { View } from '../../backend/primitives';
import type { StorageArray } from '../../dtype';
import { DTypeError } from '../../errors';
import { sizeOf } from '../../shape';
import { stridedOffsets } from '../strided';

/**
 * Layer normalisation over the last `normalizedDims` dims of a float32 view
 * (any strides): per lane, mean and biased variance in float64 (two passes),
 * then `(x - mean) / sqrt(var + eps) * weight + bias`. Matches core's composite.
 */
export const layerNormKernel: FusedKernel<StorageArray, 'layerNorm'> = (inputs, params, out) => {
  const [x, ...affine] = inputs as View<StorageArray>[];
  if (!x) throw new RangeError('layerNorm (cpu fused): missing input');
  for (const v of inputs) {
    if (v.dtype !== 'float32') throw new DTypeError(`layerNorm (cpu fused): expects float32 inputs, got ${v.dtype}`);
  }
  const { normalizedDims, eps, hasWeight, hasBias } = params;
  const weight = hasWeight ? affine[0] : undefined;
  const bias = hasBias ? affine[hasWeight ? 1 : 0] : undefined;
  const result = new Float32Array(sizeOf(out.shape));
  if (result.length === 0) return result;
  const lead = x.shape.length - normalizedDims;
  const normShape = x.shape.slice(lead);
  const n = sizeOf(normShape);
  const lanes = stridedOffsets(x.shape.slice(0, lead), x.strides.slice(0, lead), x.offset);
  const inner = stridedOffsets(normShape, x.strides.slice(lead), 0);
  const w = weight ? stridedOffsets(normShape, weight.strides, weight.offset) : undefined;
  const b = bias ? stridedOffsets(normShape, bias.strides, bias.offset) : undefined;
  const data = x.storage as Float32Array;
  const row = new Float64Array(n);
  for (let l = 0; l < lanes.length; l++) {
    const base = lanes[l] as number;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const v = data[base + (inner[k] as number)] as number;
      row[k] = v;
      total += v;
    }
    const mean = total / n;
    let ss = 0;
    for (let k = 0; k < n; k++) {
      const c = (row[k] as number) - mean;
      ss += c * c;
    }
    const rstd = 1 / Math.sqrt(ss / n + eps);
    const o = l * n;
    for (let k = 0; k < n; k++) {
      let y = ((row[k] as number) - mean) * rstd;
      if (weight && w) y *= weight.storage[w[k] as number] as number;
      if (bias && b) y += bias.storage[b[k] as number] as number;
      result[o + k] = y;
    }
  }
  return result;
};
