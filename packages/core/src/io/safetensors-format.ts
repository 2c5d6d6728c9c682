/** The safetensors format's constants, dtypes, errors and option types, shared by the reader and the writer. */
import type { Backend } from '../backend/backend';
import type { DType } from '../dtype';
import type { Tensor } from '../tensor/tensor';

/** A malformed safetensors file, or a record/metadata that cannot be written as one. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** The dtypes `loadSafetensors` reads, and what each becomes. */
export const safetensorsReadDTypes: Readonly<Record<SafetensorsDType, DType>> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'float32',
  F64: 'float32',
  I32: 'int32',
  I64: 'int32',
  U8: 'int32',
  BOOL: 'bool',
};

/** Safetensors dtype names this library reads. */
export type SafetensorsDType = 'F32' | 'F16' | 'BF16' | 'F64' | 'I32' | 'I64' | 'U8' | 'BOOL';

export const itemSize: Readonly<Record<SafetensorsDType, number>> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  F64: 8,
  I32: 4,
  I64: 8,
  U8: 1,
  BOOL: 1,
};

/** Dtypes of the format this library knows but cannot read (for a clearer error). */
export const knownUnsupported = new Set([
  'I8',
  'I16',
  'U16',
  'U32',
  'U64',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
  'C64',
]);

/** The reference implementation's limit on the header size. */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

export const METADATA_KEY = '__metadata__';

export const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface SaveSafetensorsOptions {
  /**
   * How float32 tensors are written: `'F32'` (default, exact) or `'BF16'`
   * (bfloat16, rounded to nearest even; halves the size, keeps float32's range).
   */
  float32As?: 'F32' | 'BF16';
}

export interface LoadSafetensorsOptions {
  /** The backend the tensors are created on (default: the current backend). */
  backend?: Backend;
}

export interface LoadedSafetensors {
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` (an empty object when there is none). */
  metadata: Record<string, string>;
}
