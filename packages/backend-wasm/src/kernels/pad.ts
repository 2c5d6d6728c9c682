/**
 * Constant padding of a row-major float32 tensor as row copies
 * (TypedArray.set, memcpy speed) into a filled output. It pads the input of
 * every unfold (im2col) in conv backprop, where the CPU kernel's per-element
 * coordinate walk costs more than the convolution itself. Other modes and
 * layouts are the CPU kernel's.
 */
import type { Kernel, StorageArray, View } from '@strata/core';

type PadKernel = Kernel<StorageArray, 'pad'>;

export function createPadKernel(fallback: PadKernel): PadKernel {
  return (inputs, params, out) => {
    const x = inputs[0] as View<StorageArray>;
    const nd = x.shape.length;
    if (params.mode !== 'constant' || x.dtype !== 'float32' || out.dtype !== 'float32' || nd === 0) {
      return fallback(inputs, params, out);
    }
    let expected = 1;
    for (let d = nd - 1; d >= 0; d--) {
      if ((x.shape[d] as number) !== 1 && x.strides[d] !== expected) return fallback(inputs, params, out);
      expected *= x.shape[d] as number;
    }
    const outStrides = new Array<number>(nd);
    let size = 1;
    for (let d = nd - 1; d >= 0; d--) {
      outStrides[d] = size;
      size *= out.shape[d] as number;
    }
    const result = new Float32Array(size);
    if (params.value !== 0) result.fill(params.value);
    const rowLength = x.shape[nd - 1] as number;
    let rows = 1;
    for (let d = 0; d < nd - 1; d++) rows *= x.shape[d] as number;
    if (rowLength === 0 || rows === 0) return result;
    const src = x.storage as Float32Array;
    const counter = new Array<number>(nd - 1).fill(0);
    let dst = 0;
    for (let d = 0; d < nd; d++) dst += (params.pads[d]?.[0] ?? 0) * (outStrides[d] as number);
    for (let r = 0; r < rows; r++) {
      const from = x.offset + r * rowLength;
      result.set(src.subarray(from, from + rowLength), dst);
      for (let d = nd - 2; d >= 0; d--) {
        dst += outStrides[d] as number;
        if (++(counter[d] as number) < (x.shape[d] as number)) break;
        counter[d] = 0;
        dst -= (outStrides[d] as number) * (x.shape[d] as number);
      }
    }
    return result;
  };
}
