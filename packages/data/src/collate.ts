/**
 * Default batching, like PyTorch's `default_collate`: a list of items of one
 * structure becomes one item of that structure whose leaves are batched.
 *
 * | item leaf                  | batched as                                                     |
 * |----------------------------|----------------------------------------------------------------|
 * | Tensor of shape S          | `stack` → shape (B, ...S), same dtype                          |
 * | number                     | (B) int32 when every value is an int32 integer, else float32   |
 * | boolean                    | (B) bool                                                       |
 * | typed array of length L    | (B, L): float arrays → float32, integer arrays → int32         |
 * | string                     | string[] (kept as a list, like PyTorch)                        |
 * | array / tuple              | transposed: position k of the result collates position k       |
 * | plain object               | the same keys, each collated                                   |
 *
 * Unlike PyTorch, numbers have no int/float type of their own, so a batch of
 * whole numbers is int32 and a batch with any fraction is float32.
 */
import { fromStorageArray, isTensor, stack, type Tensor } from '@strata/core';

type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;

/** The type `defaultCollate` turns a list of `T` into. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean | TypedArray
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : never;

/** Turns a list of dataset items into one batch. */
export type CollateFn<T, B> = (items: readonly T[]) => B;

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (isTensor(v)) return 'Tensor';
  if (Array.isArray(v)) return 'array';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  if (typeof v === 'object') return Object.getPrototypeOf(v) === Object.prototype ? 'object' : (v.constructor?.name ?? 'object');
  return typeof v;
}

function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const isInt32 = (v: number) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;

function collateNumbers(values: readonly number[]): Tensor {
  const asInt = values.every(isInt32);
  return fromStorageArray(
    asInt ? Int32Array.from(values) : Float32Array.from(values),
    [values.length],
    asInt ? 'int32' : 'float32',
  );
}

function collateTypedArrays(values: readonly TypedArray[], path: string): Tensor {
  const first = values[0] as TypedArray;
  const length = first.length;
  values.forEach((v, i) => {
    if (v.constructor !== first.constructor || v.length !== length)
      throw new TypeError(
        `defaultCollate: ${path}: every item must be a ${first.constructor.name} of length ${length}; item ${i} is a ${v.constructor.name} of length ${v.length}`,
      );
  });
  const float = first instanceof Float32Array || first instanceof Float64Array;
  const out = float ? new Float32Array(values.length * length) : new Int32Array(values.length * length);
  values.forEach((v, i) => {
    for (let k = 0; k < length; k++) {
      const x = v[k] as number;
      if (!float && !isInt32(x))
        throw new TypeError(`defaultCollate: ${path}: value ${x} of item ${i} does not fit int32; use a Float32Array`);
      out[i * length + k] = x;
    }
  });
  return fromStorageArray(out, [values.length, length], float ? 'float32' : 'int32');
}

function collateAt(items: readonly unknown[], path: string, created: Tensor[]): unknown {
  const first = items[0];
  const kind = kindOf(first);
  items.forEach((v, i) => {
    const k = kindOf(v);
    if (k !== kind)
      throw new TypeError(`defaultCollate: ${path}: item 0 is ${kind === 'object' ? 'an' : 'a'} ${kind} but item ${i} is a ${k}`);
  });
  if (isTensor(first)) {
    const out = stack(items as Tensor[]);
    created.push(out);
    return out;
  }
  if (typeof first === 'number') {
    const out = collateNumbers(items as number[]);
    created.push(out);
    return out;
  }
  if (typeof first === 'boolean') {
    const out = fromStorageArray(Uint8Array.from(items as boolean[], Number), [items.length], 'bool');
    created.push(out);
    return out;
  }
  if (typeof first === 'string') return [...(items as string[])];
  if (isTypedArray(first)) {
    const out = collateTypedArrays(items as TypedArray[], path);
    created.push(out);
    return out;
  }
  if (Array.isArray(first)) {
    const length = first.length;
    (items as unknown[][]).forEach((v, i) => {
      if (v.length !== length)
        throw new TypeError(
          `defaultCollate: ${path}: every item must have the same length; item 0 has ${length}, item ${i} has ${v.length}`,
        );
    });
    return first.map((_, k) =>
      collateAt(
        (items as unknown[][]).map((v) => v[k]),
        `${path}[${k}]`,
        created,
      ),
    );
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    (items as Record<string, unknown>[]).forEach((v, i) => {
      const missing = keys.find((key) => !(key in v)) ?? Object.keys(v).find((key) => !(key in first));
      if (missing !== undefined)
        throw new TypeError(`defaultCollate: ${path}: item 0 and item ${i} have different keys (key '${missing}')`);
    });
    const out: Record<string, unknown> = {};
    for (const key of keys)
      out[key] = collateAt(
        (items as Record<string, unknown>[]).map((v) => v[key]),
        `${path}.${key}`,
        created,
      );
    return out;
  }
  throw new TypeError(
    `defaultCollate: ${path}: cannot batch a ${kind}; items must be tensors, numbers, booleans, strings, typed arrays, or arrays/plain objects of them (pass a custom collate for anything else)`,
  );
}

/**
 * Batches a list of items (see the table in this file's header). On error, the
 * tensors it had already made are disposed; the items themselves are untouched.
 *
 * @example
 * const batch = defaultCollate([
 *   { image: zeros([1, 28, 28]), label: 3 },
 *   { image: ones([1, 28, 28]), label: 7 },
 * ]);
 * batch.image.shape; // [2, 1, 28, 28]
 * batch.label.dtype; // 'int32'
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (items.length === 0) throw new RangeError('defaultCollate: cannot batch an empty list of items');
  const created: Tensor[] = [];
  try {
    return collateAt(items, 'batch', created) as Collated<T>;
  } catch (error) {
    for (const t of created) if (!t.isDisposed) t.dispose();
    throw error;
  }
}
