import type { OutputSpec, PrimitiveParams, View } from '../backend/primitives';
import { allocStorageArray, type StorageArray } from '../dtype';
import { contiguousStrides, sizeOf } from '../shape';
import { stridedOffsets } from './strided';

function checkIndex(op: string, index: number, size: number, axis: number): void {
  if (index < 0 || index >= size) {
    throw new RangeError(`${op}: index ${index} is out of bounds for dimension ${axis} with size ${size}`);
  }
}

/** torch.gather: out[p] = x[p with p[axis] := index[p]]. */
export function gatherKernel(
  inputs: readonly View<StorageArray>[],
  params: PrimitiveParams['gather'],
  out: OutputSpec,
): StorageArray {
  const [x, index] = inputs as [View<StorageArray>, View<StorageArray>];
  const { axis } = params;
  const result = allocStorageArray(out.dtype, sizeOf(out.shape));
  // Offsets into x of each output position with its `axis` coordinate zeroed.
  const xBase = stridedOffsets(
    index.shape,
    x.strides.map((s, d) => (d === axis ? 0 : s)),
    x.offset,
  );
  const idx = stridedOffsets(index.shape, index.strides, index.offset);
  const size = x.shape[axis] as number;
  const stride = x.strides[axis] as number;
  for (let i = 0; i < result.length; i++) {
    const k = index.storage[idx[i] as number] as number;
    checkIndex('gather', k, size, axis);
    result[i] = x.storage[(xBase[i] as number) + k * stride] as number;
  }
  return result;
}

/** torch.scatter_add: out = base; out[p with p[axis] := index[p]] += src[p], for p over index's shape. */
export function scatterAddKernel(
  inputs: readonly View<StorageArray>[],
  params: PrimitiveParams['scatterAdd'],
  out: OutputSpec,
): StorageArray {
  const [base, index, src] = inputs as [View<StorageArray>, View<StorageArray>, View<StorageArray>];
  const { axis } = params;
  const n = sizeOf(out.shape);
  const result = allocStorageArray(out.dtype, n);
  const baseOffsets = stridedOffsets(base.shape, base.strides, base.offset);
  for (let i = 0; i < n; i++) result[i] = base.storage[baseOffsets[i] as number] as number;
  const outStrides = contiguousStrides(out.shape);
  const dst = stridedOffsets(
    index.shape,
    outStrides.map((s, d) => (d === axis ? 0 : s)),
    0,
  );
  const idx = stridedOffsets(index.shape, index.strides, index.offset);
  const srcOff = stridedOffsets(index.shape, src.strides, src.offset);
  const size = out.shape[axis] as number;
  const stride = outStrides[axis] as number;
  for (let i = 0; i < idx.length; i++) {
    const k = index.storage[idx[i] as number] as number;
    checkIndex('scatterAdd', k, size, axis);
    const o = (dst[i] as number) + k * stride;
    result[o] = (result[o] as number) + (src.storage[srcOff[i] as number] as number);
  }
  return result;
}

export function concatKernel(
  inputs: readonly View<StorageArray>[],
  params: PrimitiveParams['concat'],
  out: OutputSpec,
): StorageArray {
  const { axis } = params;
  const result = allocStorageArray(out.dtype, sizeOf(out.shape));
  let inner = 1;
  for (let d = axis + 1; d < out.shape.length; d++) inner *= out.shape[d] as number;
  const total = out.shape[axis] as number;
  let start = 0;
  for (const v of inputs) {
    const len = v.shape[axis] as number;
    const block = len * inner;
    const src = stridedOffsets(v.shape, v.strides, v.offset);
    for (let e = 0; e < src.length; e++) {
      const outer = Math.floor(e / block);
      result[outer * total * inner + start * inner + (e % block)] = v.storage[src[e] as number] as number;
    }
    start += len;
  }
  return result;
}

export function padKernel(inputs: readonly View<StorageArray>[], params: PrimitiveParams['pad'], out: OutputSpec): StorageArray {
  const x = inputs[0] as View<StorageArray>;
  const n = sizeOf(out.shape);
  const result = allocStorageArray(out.dtype, n);
  const nd = out.shape.length;
  const coord = new Array<number>(nd).fill(0);
  for (let i = 0; i < n; i++) {
    let offset = x.offset;
    let inside = true;
    for (let d = 0; d < nd; d++) {
      const size = x.shape[d] as number;
      let c = (coord[d] as number) - (params.pads[d]?.[0] ?? 0);
      if (c < 0 || c >= size) {
        if (params.mode === 'constant') {
          inside = false;
          break;
        }
        if (params.mode === 'replicate') c = c < 0 ? 0 : size - 1;
        else c = c < 0 ? -c : 2 * (size - 1) - c; // reflect (pads < size, checked by the op)
      }
      offset += c * (x.strides[d] as number);
    }
    result[i] = inside ? (x.storage[offset] as number) : params.value;
    for (let d = nd - 1; d >= 0; d--) {
      coord[d]++;
      if ((coord[d] as number) < (out.shape[d] as number)) break;
      coord[d] = 0;
    }
  }
  return result;
}
