/**
 * Creating tensors: from JS data, constant fills, ranges, and seeded random
 * streams. Fills and ranges are `elementwise` expressions over the output index,
 * so they run on the device without uploading host data.
 */
import type { Backend } from '../backend/backend';
import { E, type Expr } from '../backend/expr';
import { allocStorageArray, assertDType, type DType, type StorageArray } from '../dtype';
import { fromStorageArray, getBackend, runPrimitive } from '../engine';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { float32ToFloat16Bits } from '../float16';
import { defaultGenerator, type Generator } from '../random/generator';
import { checkShape, sizeOf } from '../shape';
import type { Tensor } from '../tensor/tensor';

export type NestedArray<T> = T | readonly NestedArray<T>[];
export type TensorData = NestedArray<number | boolean> | ArrayLike<number> | Float32Array | Int32Array | Uint8Array;

export interface CreateOptions {
  dtype?: DType;
  backend?: Backend;
}

export interface TensorOptions extends CreateOptions {
  /** Shape for flat data (typed arrays or flat lists); inferred from nesting otherwise. */
  shape?: readonly number[];
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}

function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (isArrayLike(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = (level as ArrayLike<unknown>)[0];
  }
  return shape;
}

function flatten(data: unknown, shape: readonly number[], depth: number, out: (number | boolean)[]): void {
  if (depth === shape.length) {
    if (typeof data !== 'number' && typeof data !== 'boolean') {
      throw new TypeError(
        `tensor: expected a number or boolean at depth ${depth}, got ${Array.isArray(data) ? 'an array (ragged nesting)' : typeof data}`,
      );
    }
    out.push(data);
    return;
  }
  if (!isArrayLike(data) || data.length !== shape[depth]) {
    throw new ShapeError(
      `tensor: ragged nested array: expected length ${shape[depth]} at depth ${depth} (shape ${fmtShape(shape)}), got ${isArrayLike(data) ? data.length : typeof data}`,
    );
  }
  if (depth === shape.length - 1 && ArrayBuffer.isView(data)) {
    for (let i = 0; i < data.length; i++) out.push((data as unknown as ArrayLike<number>)[i] as number);
    return;
  }
  for (let i = 0; i < data.length; i++) flatten((data as ArrayLike<unknown>)[i], shape, depth + 1, out);
}

function defaultDType(data: unknown, flat: readonly (number | boolean)[]): DType {
  if (data instanceof Float32Array || data instanceof Float64Array) return 'float32';
  if (
    data instanceof Int32Array ||
    data instanceof Int16Array ||
    data instanceof Int8Array ||
    data instanceof Uint16Array ||
    data instanceof Uint8Array ||
    data instanceof Uint8ClampedArray
  )
    return 'int32';
  if (flat.length > 0 && flat.every((v) => typeof v === 'boolean')) return 'bool';
  // Like PyTorch: integer-valued numbers give an integer tensor, any fraction a float one.
  return flat.every((v) => typeof v !== 'number' || Number.isInteger(v)) && flat.length > 0 && !(data instanceof Float32Array)
    ? 'int32'
    : 'float32';
}

/** Converts JS values to a dtype's storage array, checking what cannot be represented. */
export function toStorageArray(values: ArrayLike<number | boolean>, dtype: DType): StorageArray {
  const out = allocStorageArray(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (dtype === 'float16') out[i] = float32ToFloat16Bits(v);
    else if (dtype === 'bool') out[i] = v !== 0 ? 1 : 0;
    else if (dtype === 'int32') {
      if (!Number.isFinite(v)) throw new DTypeError(`tensor: ${v} cannot be stored as int32; use dtype 'float32'`);
      out[i] = Math.trunc(v);
    } else out[i] = v;
  }
  return out;
}

/**
 * A tensor from nested arrays, a typed array, or a scalar.
 * `tensor([[1, 2], [3, 4]])` is int32 (like PyTorch); `tensor([0.5, 1])` float32;
 * `tensor(new Float32Array(6), { shape: [2, 3] })`.
 */
export function tensor(data: TensorData, options: TensorOptions = {}): Tensor {
  const nestedShape = inferShape(data);
  const flat: (number | boolean)[] = [];
  flatten(data, nestedShape, 0, flat);
  const dtype = options.dtype ? assertDType(options.dtype, 'tensor') : defaultDType(data, flat);
  let shape = nestedShape;
  if (options.shape) {
    shape = checkShape(options.shape, 'tensor');
    if (sizeOf(shape) !== flat.length) {
      throw new ShapeError(`tensor: shape ${fmtShape(shape)} needs ${sizeOf(shape)} elements, but the data has ${flat.length}`);
    }
  }
  return fromStorageArray(toStorageArray(flat, dtype), shape, dtype, options.backend ?? getBackend());
}

function fillExpr(shape: readonly number[], expr: Expr, dtype: DType, backend?: Backend): Tensor {
  return runPrimitive(
    'elementwise',
    [],
    { expr: E.cast(expr, dtype) },
    { shape: checkShape(shape, 'fill'), dtype },
    backend ?? getBackend(),
  );
}

export function full(shape: readonly number[], value: number | boolean, options: CreateOptions = {}): Tensor {
  // Like torch.full: booleans give bool, numbers the default float dtype.
  const dtype = options.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  return fillExpr(shape, E.const(Number(value), dtype), dtype, options.backend);
}

export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return full(shape, 1, options);
}

const likeOptions = (x: Tensor, options: CreateOptions): CreateOptions => ({
  dtype: options.dtype ?? x.dtype,
  backend: options.backend ?? x.backend,
});

export const zerosLike = (x: Tensor, options: CreateOptions = {}): Tensor => zeros(x.shape, likeOptions(x, options));
export const onesLike = (x: Tensor, options: CreateOptions = {}): Tensor => ones(x.shape, likeOptions(x, options));
export const fullLike = (x: Tensor, value: number | boolean, options: CreateOptions = {}): Tensor =>
  full(x.shape, value, likeOptions(x, options));

/**
 * Values from `start` (inclusive) to `end` (exclusive) by `step`:
 * `arange(5)`, `arange(1, 4)`, `arange(0, 1, 0.25)`. Integer arguments give int32.
 */
export function arange(startOrEnd: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  const [start, stop] = end === undefined ? [0, startOrEnd] : [startOrEnd, end];
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be finite and non-zero, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(stop))
    throw new RangeError(`arange: start and end must be finite, got ${start} and ${stop}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = options.dtype ?? ([start, stop, step].every(Number.isInteger) ? 'int32' : 'float32');
  const compute = dtype === 'int32' ? 'int32' : 'float32';
  const idx = E.cast(E.index(), compute);
  return fillExpr(
    [n],
    E.binary('add', E.const(start, compute), E.binary('mul', idx, E.const(step, compute))),
    dtype,
    options.backend,
  );
}

/** `steps` evenly spaced values from start to end, both included. */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = options.dtype ?? 'float32';
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const idx = E.cast(E.index(), 'float32');
  // Fill from both ends (like PyTorch) so the last value is exactly `end`.
  const fromStart = E.binary('add', E.const(start), E.binary('mul', idx, E.const(step)));
  const fromEnd = E.binary('sub', E.const(end), E.binary('mul', E.binary('sub', E.const(steps - 1), idx), E.const(step)));
  // steps = 1 gives [start], like PyTorch and NumPy.
  const expr = E.select(E.binary('lt', idx, E.const(Math.max(1, Math.floor(steps / 2)))), fromStart, fromEnd);
  return fillExpr([steps], expr, dtype, options.backend);
}

/** Identity-like matrix: ones on the main diagonal of an n x m matrix. */
export function eye(n: number, m: number = n, options: CreateOptions = {}): Tensor {
  const dtype = options.dtype ?? 'float32';
  checkShape([n, m], 'eye');
  const idx = E.index();
  const cols = E.const(Math.max(m, 1), 'int32');
  const row = E.binary('div', idx, cols);
  const col = E.binary('sub', idx, E.binary('mul', row, cols));
  return fillExpr([n, m], E.binary('eq', row, col), dtype, options.backend);
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

function randomTensor(shape: readonly number[], distribution: 'uniform' | 'normal' | 'bits', options: RandomOptions): Tensor {
  const s = checkShape(shape, distribution === 'normal' ? 'randn' : 'rand');
  const { key, counter } = (options.generator ?? defaultGenerator).take(Math.ceil(sizeOf(s) / 4));
  const dtype = distribution === 'bits' ? 'int32' : 'float32';
  return runPrimitive('random', [], { key, counter, distribution }, { shape: s, dtype }, options.backend ?? getBackend());
}

function castIfNeeded(t: Tensor, dtype: DType | undefined, op: string): Tensor {
  if (!dtype || dtype === t.dtype) return t;
  if (dtype !== 'float16' && dtype !== 'float32') throw new DTypeError(`${op}: dtype must be float32 or float16, got ${dtype}`);
  const out = runPrimitive('elementwise', [t], { expr: E.cast(E.input(0, t.dtype), dtype) }, { shape: t.shape, dtype });
  t.dispose();
  return out;
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return castIfNeeded(randomTensor(shape, 'uniform', options), options.dtype, 'rand');
}

/** Standard normal samples. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return castIfNeeded(randomTensor(shape, 'normal', options), options.dtype, 'randn');
}

/**
 * Integers uniform in [low, high). Drawn as floor(u * (high - low)) from 24-bit
 * uniforms, so ranges must not exceed 2^24.
 */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new RangeError(`randint: need integers low < high, got low=${low}, high=${high}`);
  }
  if (high - low > 2 ** 24) throw new RangeError(`randint: the range high - low = ${high - low} exceeds 2^24`);
  const u = randomTensor(shape, 'uniform', options);
  const expr = E.binary(
    'add',
    E.cast(E.unary('floor', E.binary('mul', E.input(0, 'float32'), E.const(high - low))), 'int32'),
    E.const(low, 'int32'),
  );
  const out = runPrimitive('elementwise', [u], { expr }, { shape: u.shape, dtype: options.dtype ?? 'int32' });
  u.dispose();
  return out;
}

/** 1 with probability p, else 0 (float32), elementwise over p (a number needs `shape`). */
export function bernoulli(p: Tensor | number, options: RandomOptions & { shape?: readonly number[] } = {}): Tensor {
  const shape = typeof p === 'number' ? (options.shape ?? []) : p.shape;
  if (typeof p === 'number' && !(p >= 0 && p <= 1)) throw new RangeError(`bernoulli: p must be in [0, 1], got ${p}`);
  const u = randomTensor(shape, 'uniform', {
    ...options,
    backend: options.backend ?? (typeof p === 'number' ? undefined : p.backend),
  });
  const prob = typeof p === 'number' ? E.const(p) : E.cast(E.input(1, p.dtype), 'float32');
  const expr = E.cast(E.binary('lt', E.input(0, 'float32'), prob), options.dtype ?? 'float32');
  const out = runPrimitive(
    'elementwise',
    typeof p === 'number' ? [u] : [u, p],
    { expr },
    { shape, dtype: options.dtype ?? 'float32' },
  );
  u.dispose();
  return out;
}

/** A random permutation of 0..n-1 (int32). */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randperm: n must be a non-negative integer, got ${n}`);
  const keys = randomTensor([n], 'bits', options);
  const out = runPrimitive('argsort', [keys], { axis: 0, descending: false }, { shape: [n], dtype: 'int32' });
  keys.dispose();
  return out;
}
