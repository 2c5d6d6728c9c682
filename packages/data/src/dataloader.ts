/**
 * DataLoader: batches of a dataset, in sampler order, as an async iterable.
 *
 * Design note. There are no worker threads: a batch is prepared by calling the
 * dataset and the collate function on the main thread, and the loader keeps
 * up to `prefetch` batches in flight as promises. When the consumer takes a
 * batch, the loader immediately starts the following ones, so asynchronous
 * work in the dataset (file or network reads, GPU uploads) overlaps with the
 * consumer's work on the current batch, and batches still arrive in order.
 *
 * Memory: a yielded batch belongs to the consumer (dispose it, or call
 * `disposeBatch`, or work inside `tidy`). The loader disposes the items it
 * collated, and when iteration stops early (`break`, an exception) it waits
 * for the prefetched batches and disposes them, so an epoch leaks nothing.
 */
import type { Collated, CollateFn } from './collate';
import { defaultCollate } from './collate';
import type { Dataset, IterableDataset } from './dataset';
import { disposeBatch, disposeExcept } from './ownership';
import type { RandomSource } from './random';
import { BatchSampler, type BatchSamplerLike, RandomSampler, type Sampler, SequentialSampler } from './samplers';

export interface DataLoaderOptions<T, B> extends RandomSource {
  /** Items per batch (default 1). Exclusive with `batchSampler`. */
  batchSize?: number;
  /** A new random order every epoch (default false); `seed` / `generator` make it reproducible. Exclusive with `sampler`. */
  shuffle?: boolean;
  /** Drop the last, smaller batch (default false). */
  dropLast?: boolean;
  /** Items → batch (default `defaultCollate`). */
  collate?: CollateFn<T, B>;
  /** Which indices make an epoch and in what order (default sequential, or random with `shuffle`). */
  sampler?: Sampler;
  /** Yields whole batches of indices; replaces batchSize, shuffle, sampler and dropLast. */
  batchSampler?: BatchSamplerLike;
  /** Batches prepared ahead of the one the consumer holds (default 2; 0 prepares on demand). */
  prefetch?: number;
  /**
   * Dispose the items' tensors once collated (default true). Set false only if
   * your dataset's `get` returns tensors it keeps and hands out again.
   */
  disposeItems?: boolean;
}

type Step<B> = { done: true } | { done: false; value: B };
const noop = () => {};

function isMapDataset<T>(dataset: Dataset<T> | IterableDataset<T>): dataset is Dataset<T> {
  return typeof (dataset as Partial<Dataset<T>>).get === 'function';
}

/**
 * Iterates a dataset in batches.
 *
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true, seed: 0 });
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   for await (const [xb, yb] of loader) {
 *     const loss = tidy(() => step(xb, yb));
 *     xb.dispose();
 *     yb.dispose();
 *   }
 * }
 */
export class DataLoader<T, B = Collated<T>> implements AsyncIterable<B> {
  readonly dataset: Dataset<T> | IterableDataset<T>;
  /** undefined when a `batchSampler` decides the batches. */
  readonly batchSize: number | undefined;
  readonly dropLast: boolean;
  readonly prefetch: number;
  /** Map-style datasets only: the batches of indices of an epoch. */
  readonly batchSampler: BatchSamplerLike | undefined;
  readonly #collate: CollateFn<T, B>;
  readonly #fastPath: boolean;
  readonly #disposeItems: boolean;
  #nextEpoch = 0;

  constructor(dataset: Dataset<T> | IterableDataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const where = 'DataLoader';
    this.dataset = dataset;
    this.prefetch = options.prefetch ?? 2;
    if (!Number.isInteger(this.prefetch) || this.prefetch < 0)
      throw new RangeError(`${where}: prefetch must be a non-negative integer, got ${options.prefetch}`);
    this.#collate = options.collate ?? (defaultCollate as unknown as CollateFn<T, B>);
    this.#fastPath = options.collate === undefined || options.collate === (defaultCollate as unknown);
    this.#disposeItems = options.disposeItems ?? true;
    if (options.batchSampler) {
      const clash = (['batchSize', 'shuffle', 'sampler', 'dropLast'] as const).filter((k) => options[k] !== undefined);
      if (clash.length > 0) throw new RangeError(`${where}: batchSampler is mutually exclusive with ${clash.join(', ')}`);
    }
    if (options.sampler && options.shuffle) throw new RangeError(`${where}: sampler is mutually exclusive with shuffle`);
    this.batchSize = options.batchSampler ? undefined : (options.batchSize ?? 1);
    if (this.batchSize !== undefined && (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1))
      throw new RangeError(`${where}: batchSize must be a positive integer, got ${options.batchSize}`);
    this.dropLast = options.dropLast ?? false;
    if (!isMapDataset(dataset)) {
      if (typeof dataset[Symbol.asyncIterator] !== 'function')
        throw new TypeError(`${where}: dataset must have get(index) and length, or [Symbol.asyncIterator]()`);
      const bad = (['shuffle', 'sampler', 'batchSampler'] as const).filter((k) => options[k]);
      if (bad.length > 0)
        throw new RangeError(
          `${where}: ${bad.join(', ')} need a map-style Dataset (get and length); this one is an IterableDataset`,
        );
      this.batchSampler = undefined;
      return;
    }
    if (options.batchSampler) {
      this.batchSampler = options.batchSampler;
      return;
    }
    const sampler =
      options.sampler ??
      (options.shuffle
        ? new RandomSampler(dataset, { generator: options.generator, seed: options.seed })
        : new SequentialSampler(dataset));
    this.batchSampler = new BatchSampler(sampler, this.batchSize as number, this.dropLast);
  }

  /** Batches per epoch. An IterableDataset without a `length` has none, and this throws. */
  get length(): number {
    if (this.batchSampler) return this.batchSampler.length;
    const n = (this.dataset as IterableDataset<T>).length;
    if (n === undefined)
      throw new TypeError('DataLoader.length: the IterableDataset has no length, so the number of batches is unknown');
    const size = this.batchSize as number;
    return this.dropLast ? Math.floor(n / size) : Math.ceil(n / size);
  }

  /** The epoch the next iteration runs (0 first; each iteration advances it). */
  get epoch(): number {
    return this.#nextEpoch;
  }

  /** Chooses the epoch the next iteration runs; with a seeded shuffle, replays that epoch's order. */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0)
      throw new RangeError(`setEpoch: epoch must be a non-negative integer, got ${epoch}`);
    this.#nextEpoch = epoch;
  }

  /** One epoch of batches; starting a new iteration starts a new epoch. */
  [Symbol.asyncIterator](): AsyncIterableIterator<B> {
    const epoch = this.#nextEpoch++;
    if (this.batchSampler) {
      this.batchSampler.setEpoch?.(epoch);
      const batches = this.batchSampler[Symbol.iterator]();
      return new PrefetchIterator<B>(
        () => {
          const next = batches.next();
          return next.done ? undefined : this.#fetch([...next.value]);
        },
        this.prefetch,
        async () => {
          batches.return?.();
        },
      );
    }
    return this.#streamIterator(this.dataset as IterableDataset<T>);
  }

  async #fetch(indices: readonly number[]): Promise<Step<B>> {
    const dataset = this.dataset as Dataset<T>;
    if (this.#fastPath && dataset.getBatch) {
      const batch = await dataset.getBatch(indices);
      if (batch !== undefined) return { done: false, value: batch as unknown as B };
    }
    const pending: (T | Promise<T>)[] = [];
    let syncError: { error: unknown } | undefined;
    for (const i of indices) {
      try {
        pending.push(dataset.get(i));
      } catch (error) {
        syncError = { error };
        break;
      }
    }
    const settled = await Promise.allSettled(pending);
    const items = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (syncError || failed) {
      disposeBatch(items);
      throw syncError ? syncError.error : failed?.reason;
    }
    return { done: false, value: this.#collateItems(items) };
  }

  #collateItems(items: T[]): B {
    let batch: B;
    try {
      batch = this.#collate(items);
    } catch (error) {
      if (this.#disposeItems) disposeBatch(items);
      throw error;
    }
    if (this.#disposeItems) disposeExcept(items, batch);
    return batch;
  }

  #streamIterator(dataset: IterableDataset<T>): PrefetchIterator<B> {
    const source = dataset[Symbol.asyncIterator]();
    const size = this.batchSize as number;
    let ended = false;
    let chain: Promise<unknown> = Promise.resolve();
    const pull = async (): Promise<Step<B>> => {
      if (ended) return { done: true };
      const items: T[] = [];
      try {
        while (items.length < size) {
          const r = await source.next();
          if (r.done) {
            ended = true;
            break;
          }
          items.push(r.value);
        }
      } catch (error) {
        disposeBatch(items);
        throw error;
      }
      if (items.length === 0 || (this.dropLast && items.length < size)) {
        disposeBatch(items);
        return { done: true };
      }
      return { done: false, value: this.#collateItems(items) };
    };
    return new PrefetchIterator<B>(
      () => {
        if (ended) return undefined;
        const step = chain.then(pull); // one pull at a time: the stream is sequential
        chain = step.catch(noop);
        return step;
      },
      this.prefetch,
      async () => {
        if (!ended) {
          ended = true;
          await source.return?.();
        }
      },
    );
  }
}

/**
 * Keeps up to `depth` batches in flight beyond the one the consumer holds.
 * `produce` starts the next batch (undefined when the epoch has no more).
 */
class PrefetchIterator<B> implements AsyncIterableIterator<B> {
  readonly #queue: Promise<Step<B>>[] = [];
  readonly #produce: () => Promise<Step<B>> | undefined;
  readonly #depth: number;
  readonly #close: () => Promise<void>;
  #exhausted = false;
  #closed = false;

  constructor(produce: () => Promise<Step<B>> | undefined, depth: number, close: () => Promise<void>) {
    this.#produce = produce;
    this.#depth = depth;
    this.#close = close;
  }

  #start(): boolean {
    if (this.#exhausted || this.#closed) return false;
    let step: Promise<Step<B>> | undefined;
    try {
      step = this.#produce();
    } catch (error) {
      step = Promise.reject(error);
    }
    if (!step) {
      this.#exhausted = true;
      return false;
    }
    step.catch(noop); // rejections surface when the consumer reaches this batch
    this.#queue.push(step);
    return true;
  }

  async next(): Promise<IteratorResult<B>> {
    if (this.#closed) return { done: true, value: undefined };
    if (this.#queue.length === 0) this.#start();
    const head = this.#queue.shift();
    if (!head) return this.return();
    while (this.#queue.length < this.#depth && this.#start()) {}
    let step: Step<B>;
    try {
      step = await head;
    } catch (error) {
      await this.return();
      throw error;
    }
    if (step.done) return this.return();
    return { done: false, value: step.value };
  }

  /** Stops the epoch: waits for batches in flight and disposes them. */
  async return(): Promise<IteratorResult<B>> {
    if (this.#closed) return { done: true, value: undefined };
    this.#closed = true;
    const pending = this.#queue.splice(0);
    for (const p of pending) {
      try {
        const step = await p;
        if (!step.done) disposeBatch(step.value);
      } catch {
        // Its error belongs to a batch the consumer never asked for.
      }
    }
    await this.#close();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<B> {
    return this;
  }
}
