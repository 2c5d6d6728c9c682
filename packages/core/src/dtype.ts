/**
 * Element types. float32 is the default; float16 is a storage type (computed in
 * float32, stored rounded to nearest even); bool is stored one byte per element.
 */
export type DType = 'float32' | 'float16' | 'int32' | 'bool';

export const dtypes: readonly DType[] = ['float32', 'float16', 'int32', 'bool'];

/** The typed array that holds each dtype's storage on the CPU (float16 as raw bits). */
export interface StorageArrays {
  float32: Float32Array;
  float16: Uint16Array;
  int32: Int32Array;
  bool: Uint8Array;
}
export type StorageArray = StorageArrays[DType];

/** What `data()` returns per dtype: float16 is widened to float32 (JS has no Float16Array in Node 20). */
export interface DataArrays {
  float32: Float32Array;
  float16: Float32Array;
  int32: Int32Array;
  bool: Uint8Array;
}
export type DataArray = DataArrays[DType];

export const bytesPerElement: Readonly<Record<DType, number>> = { float32: 4, float16: 2, int32: 4, bool: 1 };

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16';
}

export function allocStorageArray(dtype: DType, size: number): StorageArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float16':
      return new Uint16Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

const rank: Readonly<Record<DType, number>> = { bool: 0, int32: 1, float16: 2, float32: 3 };

/** PyTorch's promotion over tensor dtypes: bool < int32 < float16 < float32. */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

/**
 * The category of a plain JS scalar operand. Like PyTorch, a scalar only lifts
 * the result's *category* (bool → integer → float), never its width: a
 * float16 tensor plus 0.5 stays float16, an int32 tensor plus 0.5 becomes float32.
 */
export function scalarDType(value: number | boolean): DType {
  if (typeof value === 'boolean') return 'bool';
  return Number.isInteger(value) ? 'int32' : 'float32';
}

export function promoteWithScalar(tensorDType: DType, scalar: DType): DType {
  const category = (d: DType) => (d === 'bool' ? 0 : d === 'int32' ? 1 : 2);
  if (category(scalar) <= category(tensorDType)) return tensorDType;
  return scalar === 'int32' ? 'int32' : 'float32';
}

export function assertDType(value: unknown, where: string): DType {
  if (typeof value === 'string' && (dtypes as readonly string[]).includes(value)) return value as DType;
  throw new TypeError(`${where}: unknown dtype ${JSON.stringify(value)}; expected one of ${dtypes.join(', ')}`);
}
