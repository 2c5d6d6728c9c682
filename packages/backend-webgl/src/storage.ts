/**
 * What a tensor's storage is on this backend, and how host data maps onto it.
 *
 * Every storage is one gpu.js pipeline texture holding `size` elements in
 * row-major order (element e at texel (e % width, e / width)):
 * - float32: R32F, the value itself (NaN, ±0, infinities and subnormals kept).
 * - float16: R32F, a float32 holding a float16 value: every kernel writing float16
 *   rounds its result to float16 (round to nearest even, f16r in glsl/access.ts),
 *   so the math runs in float32 and is rounded once per op, like the CPU.
 * - bool: R32F, 0.0 or 1.0.
 * - int32: RG32F, the value's high 16 bits as a signed integer (-32768..32767)
 *   and its low 16 bits (0..65535). A float32 holds integers exactly only up to
 *   2^24, so one float per int32 would lose values beyond ±16,777,216; the two
 *   halves are always exact, so the whole int32 range round-trips and int32
 *   arithmetic (done in GLSL ints) wraps like the CPU's. The cost is 8 bytes of
 *   texture per int32 element (core's memory() counts 4).
 * Empty tensors have no texture.
 */
import { BackendError, type DType, float16BitsToFloat32, float32ToFloat16Bits, type StorageArray } from '@strata/core';
import type { Texture } from 'gpu.js';

/** R32F (float32, bool) or RG32F (int32 as two exact 16-bit halves). */
export type Layout = 'r' | 'rg';

export interface WebGlStorage {
  /** null only when `size` is 0. */
  readonly texture: Texture | null;
  readonly size: number;
  readonly layout: Layout;
}

export const SUPPORTED_DTYPES: readonly DType[] = ['float32', 'float16', 'int32', 'bool'];

export function layoutOf(dtype: DType): Layout {
  return dtype === 'int32' ? 'rg' : 'r';
}

export function checkDType(dtype: DType, op: string): void {
  if (!SUPPORTED_DTYPES.includes(dtype)) {
    throw new BackendError(
      `webgl ${op}: dtype ${dtype} is not supported (float32, float16, int32 and bool are); convert with .to('float32') first`,
    );
  }
}

/** Host data → the float array a texture is filled from (int32 as hi/lo pairs, bool as 0/1). */
export function encodeHost(data: StorageArray, dtype: DType): Float32Array {
  if (dtype === 'float32') return data instanceof Float32Array ? data : Float32Array.from(data);
  if (dtype === 'float16') return Float32Array.from(data as Uint16Array, float16BitsToFloat32);
  if (dtype === 'bool') {
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0 ? 1 : 0;
    return out;
  }
  const out = new Float32Array(2 * data.length);
  for (let i = 0; i < data.length; i++) {
    const v = (data[i] as number) | 0;
    out[2 * i] = v >> 16;
    out[2 * i + 1] = v & 0xffff;
  }
  return out;
}

/** The float values read from a texture (int32: hi/lo pairs) → host data of `dtype`. */
export function decodeHost(values: Float32Array, dtype: DType, size: number): StorageArray {
  if (dtype === 'float32') return values.length === size ? values : values.slice(0, size);
  if (dtype === 'float16') return Uint16Array.from(values.subarray(0, size), float32ToFloat16Bits);
  if (dtype === 'bool') {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = values[i] !== 0 ? 1 : 0;
    return out;
  }
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = ((values[2 * i] as number) * 65536 + (values[2 * i + 1] as number)) | 0;
  return out;
}
