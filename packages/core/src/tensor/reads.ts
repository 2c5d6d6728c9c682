/**
 * Reading values back to JS, printing, and moving between backends and dtypes.
 * Reads of a view first materialise it (one `elementwise` copy), so callers
 * always get row-major data of exactly `size` elements.
 */
import { E } from '../backend/expr';
import type { DataArray, DType, StorageArray } from '../dtype';
import { assertDType, dtypes } from '../dtype';
import { backendByName, fromStorageArray, runPrimitive } from '../engine';
import { BackendError, fmtShape } from '../errors';
import { float16BitsToFloat32 } from '../float16';
import type { NestedArray } from '../ops/creation';
import { isContiguous } from '../shape';
import { formatTensor } from './format';
import { Tensor } from './tensor';

function widen(raw: StorageArray, dtype: DType): DataArray {
  if (dtype !== 'float16') return raw as DataArray;
  return Float32Array.from(raw as Uint16Array, float16BitsToFloat32);
}

/** The storage to read and whether it is a temporary copy. */
function readable(t: Tensor, op: string): { source: Tensor; temporary: boolean } {
  t.assertAlive(op);
  if (t.offset === 0 && isContiguous(t.shape, t.strides) && t.storage.size === t.size) return { source: t, temporary: false };
  const copy = runPrimitive('elementwise', [t], { expr: E.input(0, t.dtype) }, { shape: t.shape, dtype: t.dtype });
  return { source: copy, temporary: true };
}

async function data(this: Tensor): Promise<DataArray> {
  const { source, temporary } = readable(this, 'data');
  try {
    return widen(await source.backend.read(source.storage.handle, source.dtype, source.size), source.dtype);
  } finally {
    if (temporary) source.dispose();
  }
}

function dataSync(this: Tensor): DataArray {
  if (!this.backend.readSync) {
    throw new BackendError(`dataSync: the '${this.backend.name}' backend cannot read synchronously; use \`await t.data()\``);
  }
  const { source, temporary } = readable(this, 'dataSync');
  try {
    return widen(this.backend.readSync(source.storage.handle, source.dtype, source.size), source.dtype);
  } finally {
    if (temporary) source.dispose();
  }
}

function nest(values: DataArray, shape: readonly number[], dtype: DType): NestedArray<number | boolean> {
  const scalar = (i: number) => (dtype === 'bool' ? values[i] !== 0 : (values[i] as number));
  if (shape.length === 0) return scalar(0);
  let pos = 0;
  const build = (d: number): NestedArray<number | boolean>[] => {
    const n = shape[d] as number;
    const out: NestedArray<number | boolean>[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = d === shape.length - 1 ? scalar(pos++) : build(d + 1);
    return out;
  };
  return build(0);
}

function checkItem(t: Tensor): void {
  if (t.size !== 1)
    throw new RangeError(`item: only a tensor with one element has an item; this one has shape ${fmtShape(t.shape)}`);
}

Object.assign(Tensor.prototype, {
  data,
  dataSync,
  async item(this: Tensor) {
    checkItem(this);
    const v = (await this.data())[0] as number;
    return this.dtype === 'bool' ? v !== 0 : v;
  },
  itemSync(this: Tensor) {
    checkItem(this);
    const v = this.dataSync()[0] as number;
    return this.dtype === 'bool' ? v !== 0 : v;
  },
  async toArray(this: Tensor) {
    return nest(await this.data(), this.shape, this.dtype);
  },
  arraySync(this: Tensor) {
    return nest(this.dataSync(), this.shape, this.dtype);
  },
  toString(this: Tensor) {
    if (this.isDisposed) return `tensor(<disposed>, shape=${fmtShape(this.shape)}, dtype=${this.dtype})`;
    if (!this.backend.readSync)
      return `tensor(<on ${this.backend.name}; await t.data() to read>, shape=${fmtShape(this.shape)}, dtype=${this.dtype})`;
    return formatTensor(this.dataSync(), this.shape, this.dtype, this.backend.name);
  },
  to(this: Tensor, target: string): Tensor | Promise<Tensor> {
    if ((dtypes as readonly string[]).includes(target)) {
      const dtype = assertDType(target, 'to');
      return runPrimitive('elementwise', [this], { expr: E.cast(E.input(0, this.dtype), dtype) }, { shape: this.shape, dtype });
    }
    return transfer(this, target);
  },
});

async function transfer(t: Tensor, backendName: string): Promise<Tensor> {
  const target = await backendByName(backendName);
  const { source, temporary } = readable(t, 'to');
  try {
    const raw = await source.backend.read(source.storage.handle, source.dtype, source.size);
    return fromStorageArray(raw, t.shape, t.dtype, target);
  } finally {
    if (temporary) source.dispose();
  }
}

declare module './tensor' {
  interface Tensor {
    /** Row-major values (float16 widened to float32, bool as 0/1 bytes). */
    data(): Promise<DataArray>;
    /** Synchronous `data()`, where the backend can read synchronously (CPU, WebGL); otherwise throws. */
    dataSync(): DataArray;
    /** The single value of a one-element tensor. */
    item(): Promise<number | boolean>;
    itemSync(): number | boolean;
    /** Nested JS arrays (booleans for bool tensors). */
    toArray(): Promise<NestedArray<number | boolean>>;
    arraySync(): NestedArray<number | boolean>;
    /** Cast to a dtype (a new tensor; a copy even when the dtype is unchanged). */
    to(dtype: DType): Tensor;
    /** Copy to another backend: `await t.to('cpu')`. */
    to(backend: string): Promise<Tensor>;
  }
}
