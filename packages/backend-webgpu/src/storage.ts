/**
 * How each dtype lives in a GPU buffer: float32 and int32 as themselves, bool
 * as one u32 (0 or 1) per element, and float16 packed two per u32 (element 2k
 * in the low half, the layout `unpack2x16float` reads), since shader-f16 is
 * often missing. Host data converts on upload and read.
 */
import type { DType, StorageArray } from '@strata/core';

/** The backend's storage handle: a pooled buffer (possibly larger than needed) and what it holds. */
export interface GpuStorage {
  readonly buffer: GPUBuffer;
  /** Elements. */
  readonly size: number;
  readonly dtype: DType;
  /** Bytes that hold the elements (≤ buffer.size). */
  readonly byteLength: number;
}

/** Bytes `size` elements of `dtype` take on the GPU (a multiple of 4). */
export function gpuByteLength(dtype: DType, size: number): number {
  return dtype === 'float16' ? Math.ceil(size / 2) * 4 : size * 4;
}

/** Host storage → the bytes to write into the buffer. */
export function toGpuLayout(data: StorageArray, dtype: DType): ArrayBufferView<ArrayBuffer> {
  switch (dtype) {
    case 'bool':
      return Uint32Array.from(data as Uint8Array);
    case 'float16': {
      const halves = new Uint16Array(Math.ceil(data.length / 2) * 2);
      halves.set(data as Uint16Array);
      return halves;
    }
    case 'float32':
      return new Float32Array(data as Float32Array);
    case 'int32':
      return new Int32Array(data as Int32Array);
  }
}

/** Buffer bytes → host storage of `size` elements (what `Backend.read` returns). */
export function fromGpuLayout(bytes: ArrayBuffer, dtype: DType, size: number): StorageArray {
  switch (dtype) {
    case 'bool':
      return Uint8Array.from(new Uint32Array(bytes, 0, size), (v) => (v !== 0 ? 1 : 0));
    case 'float16':
      return new Uint16Array(bytes, 0, size).slice();
    case 'float32':
      return new Float32Array(bytes, 0, size);
    case 'int32':
      return new Int32Array(bytes, 0, size);
  }
}
