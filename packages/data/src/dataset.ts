/**
 * Datasets, PyTorch-style. A map-style `Dataset<T>` has a `length` and
 * `get(i)`; an `IterableDataset<T>` is an async stream of items.
 *
 * Ownership: `get(i)` returns tensors the caller owns — fresh handles (a view
 * made by `slice` is one; storage is reference-counted), never a tensor the
 * dataset keeps and hands out twice. The DataLoader disposes items once it has
 * collated them into a batch, and the batch belongs to the consumer.
 */
import { fromStorageArray, indexSelect, slice, type Tensor, tidy } from '@strata/core';
import type { Collated } from './collate';
import { disposeExcept } from './ownership';

/**
 * A map-style dataset: items `0 .. length - 1`, fetched one at a time
 * (synchronously or asynchronously).
 *
 * @example
 * const squares: Dataset<{ x: number; y: number }> = {
 *   length: 10,
 *   get: (i) => ({ x: i, y: i * i }),
 * };
 */
export interface Dataset<T> {
  readonly length: number;
  /** Item `index`; its tensors belong to the caller (see the ownership note above). */
  get(index: number): T | Promise<T>;
  /**
   * Optional fast path: the default-collated batch of `indices` in one go (one
   * gather instead of B views and a stack). The DataLoader uses it only with
   * the default collate; returning `undefined` falls back to `get`.
   */
  getBatch?(indices: readonly number[]): Collated<T> | undefined | Promise<Collated<T> | undefined>;
}

/**
 * A stream of items (a file read line by line, a generator of samples...).
 * `length`, when known, lets the DataLoader report its number of batches.
 *
 * @example
 * const stream: IterableDataset<number> = {
 *   async *[Symbol.asyncIterator]() { for (let i = 0; i < 5; i++) yield i; },
 * };
 */
export interface IterableDataset<T> {
  [Symbol.asyncIterator](): AsyncIterator<T>;
  readonly length?: number;
}

/** Throws a RangeError unless `index` is an integer in [0, length). */
export function checkIndex(index: number, length: number, where: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= length)
    throw new RangeError(`${where}: index ${index} is out of range for a dataset of length ${length}`);
}

/**
 * Wraps tensors that share their first dimension; item i is the tuple of
 * their rows i (views, no copy). Like torch.utils.data.TensorDataset. The
 * dataset keeps references to the tensors: keep them alive while it is used.
 *
 * @example
 * const ds = new TensorDataset(x, y); // x (N, 2) float32, y (N) int32
 * const [xi, yi] = ds.get(0);         // shapes [2] and []
 */
export class TensorDataset<T extends readonly Tensor[] = Tensor[]> implements Dataset<T> {
  readonly tensors: T;
  readonly length: number;

  constructor(...tensors: T) {
    const first = tensors[0];
    if (!first) throw new RangeError('TensorDataset: needs at least one tensor');
    tensors.forEach((t, i) => {
      t.assertAlive('TensorDataset');
      if (t.ndim === 0) throw new RangeError(`TensorDataset: tensor ${i} is 0-d; every tensor needs a first (sample) dimension`);
      if (t.shape[0] !== first.shape[0])
        throw new RangeError(
          `TensorDataset: every tensor must have the same first dimension; tensor 0 has ${first.shape[0]}, tensor ${i} has ${t.shape[0]} (shapes ${tensors.map((x) => `[${x.shape.join(', ')}]`).join(', ')})`,
        );
    });
    this.tensors = tensors;
    this.length = first.shape[0] as number;
  }

  get(index: number): T {
    checkIndex(index, this.length, 'TensorDataset.get');
    return this.tensors.map((t) => slice(t, [index])) as unknown as T;
  }

  getBatch(indices: readonly number[]): Collated<T> {
    for (const i of indices) checkIndex(i, this.length, 'TensorDataset.getBatch');
    return tidy(() => {
      const rows = fromStorageArray(Int32Array.from(indices), [indices.length], 'int32', this.tensors[0]?.backend);
      return this.tensors.map((t) => indexSelect(t, 0, rows));
    }) as unknown as Collated<T>;
  }
}

/**
 * The items of `dataset` at `indices`, in that order (torch.utils.data.Subset).
 *
 * @example
 * const firstHundred = new Subset(mnist, Array.from({ length: 100 }, (_, i) => i));
 */
export class Subset<T> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    const list = Array.from(indices);
    for (const i of list) checkIndex(i, dataset.length, 'Subset');
    this.dataset = dataset;
    this.indices = list;
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T | Promise<T> {
    checkIndex(index, this.length, 'Subset.get');
    return this.dataset.get(this.indices[index] as number);
  }

  getBatch(indices: readonly number[]): Collated<T> | undefined | Promise<Collated<T> | undefined> {
    if (!this.dataset.getBatch) return undefined;
    return this.dataset.getBatch(
      indices.map((i) => {
        checkIndex(i, this.length, 'Subset.getBatch');
        return this.indices[i] as number;
      }),
    );
  }
}

/**
 * Datasets one after another (torch.utils.data.ConcatDataset).
 *
 * @example
 * const all = new ConcatDataset([trainSet, extraSet]);
 */
export class ConcatDataset<T> implements Dataset<T> {
  readonly datasets: readonly Dataset<T>[];
  /** Running totals: `cumulativeSizes[k]` items in datasets 0..k. */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: readonly Dataset<T>[]) {
    if (datasets.length === 0) throw new RangeError('ConcatDataset: needs at least one dataset');
    this.datasets = [...datasets];
    let total = 0;
    this.cumulativeSizes = datasets.map((d) => {
      total += d.length;
      return total;
    });
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1] as number;
  }

  get(index: number): T | Promise<T> {
    checkIndex(index, this.length, 'ConcatDataset.get');
    let lo = 0;
    let hi = this.cumulativeSizes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (index < (this.cumulativeSizes[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    const start = lo === 0 ? 0 : (this.cumulativeSizes[lo - 1] as number);
    return (this.datasets[lo] as Dataset<T>).get(index - start);
  }
}

/**
 * Applies `fn` to every item of `dataset` as it is fetched. The tensors of the
 * original item that `fn` does not return are disposed, so `fn` may build new
 * tensors freely (a transform) without leaking the old ones.
 *
 * @example
 * const augmented = new MapDataset(mnist, ({ image, label }) => ({ image: flip.apply(image), label }));
 */
export class MapDataset<T, U> implements Dataset<U> {
  readonly dataset: Dataset<T>;
  readonly fn: (item: T, index: number) => U;

  constructor(dataset: Dataset<T>, fn: (item: T, index: number) => U) {
    this.dataset = dataset;
    this.fn = fn;
  }

  get length(): number {
    return this.dataset.length;
  }

  get(index: number): U | Promise<U> {
    const item = this.dataset.get(index);
    if (item instanceof Promise) return item.then((value) => this.#apply(value, index));
    return this.#apply(item, index);
  }

  #apply(item: T, index: number): U {
    let out: U;
    try {
      out = this.fn(item, index);
    } catch (error) {
      disposeExcept(item, undefined);
      throw error;
    }
    disposeExcept(item, out);
    return out;
  }
}
