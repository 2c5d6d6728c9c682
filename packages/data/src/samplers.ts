/**
 * Samplers choose which dataset indices make an epoch and in what order; batch
 * samplers group them into batches. Random samplers are reproducible: with a
 * `seed`, the order of epoch e is a pure function of (seed, e) — any epoch can
 * be replayed with `setEpoch(e)`; with a `generator`, each epoch continues the
 * generator's stream (PyTorch's behaviour). With neither, a seed is drawn from
 * core's default generator when the sampler is made, so `manualSeed(s)` first
 * makes the whole run reproducible.
 */
import { defaultGenerator, type Generator } from '@strata/core';
import { generatorForEpoch, type RandomSource, randomPermutation, uniforms } from './random';

/** An epoch's worth of dataset indices. */
export interface Sampler extends Iterable<number> {
  /** Indices per epoch. */
  readonly length: number;
  /** Chooses the epoch the next iteration produces (random samplers); the DataLoader calls it. */
  setEpoch?(epoch: number): void;
}

/** An epoch's worth of batches of dataset indices. */
export interface BatchSamplerLike extends Iterable<readonly number[]> {
  /** Batches per epoch. */
  readonly length: number;
  setEpoch?(epoch: number): void;
}

function lengthOf(source: number | { readonly length: number }, where: string): number {
  const n = typeof source === 'number' ? source : source.length;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${where}: length must be a non-negative integer, got ${n}`);
  return n;
}

/**
 * 0, 1, ..., n - 1 in order.
 *
 * @example
 * [...new SequentialSampler(3)]; // [0, 1, 2]
 */
export class SequentialSampler implements Sampler {
  readonly length: number;

  constructor(source: number | { readonly length: number }) {
    this.length = lengthOf(source, 'SequentialSampler');
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.length; i++) yield i;
  }
}

/** A seeded stream per epoch, or a shared generator's stream (see the file header). */
class EpochRandom {
  readonly #seed: number | bigint;
  readonly #generator: Generator | undefined;
  #epoch = 0;

  constructor(source: RandomSource, where: string) {
    if (source.seed !== undefined && source.generator !== undefined)
      throw new RangeError(`${where}: pass either seed or generator, not both`);
    this.#generator = source.generator;
    this.#seed = source.seed ?? defaultGenerator.nextUint32();
  }

  get epoch(): number {
    return this.#epoch;
  }

  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0)
      throw new RangeError(`setEpoch: epoch must be a non-negative integer, got ${epoch}`);
    this.#epoch = epoch;
  }

  /** The generator for the next epoch, and advances the epoch. */
  next(): Generator {
    const g = this.#generator ?? generatorForEpoch(this.#seed, this.#epoch);
    this.#epoch++;
    return g;
  }
}

export interface RandomSamplerOptions extends RandomSource {
  /** Draw with replacement (default false). */
  replacement?: boolean;
  /** Indices per epoch (default: the dataset's length). Without replacement, more than the length repeats whole permutations. */
  numSamples?: number;
}

/**
 * A random order of 0..n-1 per epoch (or `numSamples` draws with replacement).
 *
 * @example
 * const sampler = new RandomSampler(dataset, { seed: 0 });
 * const epoch0 = [...sampler]; // a permutation
 * const epoch1 = [...sampler]; // another one
 * sampler.setEpoch(0);
 * [...sampler];                // epoch0 again
 */
export class RandomSampler implements Sampler {
  readonly n: number;
  readonly length: number;
  readonly replacement: boolean;
  readonly #random: EpochRandom;

  constructor(source: number | { readonly length: number }, options: RandomSamplerOptions = {}) {
    this.n = lengthOf(source, 'RandomSampler');
    this.replacement = options.replacement ?? false;
    this.length = lengthOf(options.numSamples ?? this.n, 'RandomSampler numSamples');
    if (this.n === 0 && this.length > 0) throw new RangeError('RandomSampler: cannot draw samples from an empty dataset');
    this.#random = new EpochRandom(options, 'RandomSampler');
  }

  /** The epoch the next iteration produces. */
  get epoch(): number {
    return this.#random.epoch;
  }

  setEpoch(epoch: number): void {
    this.#random.setEpoch(epoch);
  }

  [Symbol.iterator](): Iterator<number> {
    const g = this.#random.next();
    if (this.replacement) return Array.from(uniforms(g, this.length), (u) => Math.floor(u * this.n))[Symbol.iterator]();
    const out = new Int32Array(this.length);
    for (let filled = 0; filled < this.length; filled += this.n)
      out.set(randomPermutation(this.n, g).subarray(0, this.length - filled), filled);
    return out[Symbol.iterator]();
  }
}

/**
 * A random order of the given indices per epoch
 * (torch.utils.data.SubsetRandomSampler).
 *
 * @example
 * const valSampler = new SubsetRandomSampler([0, 5, 9], { seed: 1 });
 */
export class SubsetRandomSampler implements Sampler {
  readonly indices: readonly number[];
  readonly #random: EpochRandom;

  constructor(indices: ArrayLike<number>, options: RandomSource = {}) {
    this.indices = Array.from(indices, (i) => {
      if (!Number.isSafeInteger(i) || i < 0)
        throw new RangeError(`SubsetRandomSampler: indices must be non-negative integers, got ${i}`);
      return i;
    });
    this.#random = new EpochRandom(options, 'SubsetRandomSampler');
  }

  get length(): number {
    return this.indices.length;
  }

  get epoch(): number {
    return this.#random.epoch;
  }

  setEpoch(epoch: number): void {
    this.#random.setEpoch(epoch);
  }

  [Symbol.iterator](): Iterator<number> {
    const perm = randomPermutation(this.indices.length, this.#random.next());
    return Array.from(perm, (k) => this.indices[k] as number)[Symbol.iterator]();
  }
}

export interface WeightedRandomSamplerOptions extends RandomSource {
  /** Draw with replacement (default true). Without it, `numSamples` may not exceed the number of positive weights. */
  replacement?: boolean;
}

/**
 * `numSamples` indices drawn with probability proportional to `weights`
 * (torch.utils.data.WeightedRandomSampler) — e.g. to rebalance classes.
 * Without replacement it uses Efraimidis–Spirakis keys `u^(1/w)`.
 *
 * @example
 * const sampler = new WeightedRandomSampler([0.1, 0.9], 100, { seed: 0 }); // mostly index 1
 */
export class WeightedRandomSampler implements Sampler {
  readonly weights: Float64Array;
  readonly length: number;
  readonly replacement: boolean;
  readonly #cumulative: Float64Array;
  readonly #random: EpochRandom;

  constructor(weights: ArrayLike<number>, numSamples: number, options: WeightedRandomSamplerOptions = {}) {
    this.weights = Float64Array.from(weights);
    this.length = lengthOf(numSamples, 'WeightedRandomSampler numSamples');
    this.replacement = options.replacement ?? true;
    let total = 0;
    this.#cumulative = this.weights.map((w, i) => {
      if (!(w >= 0) || !Number.isFinite(w))
        throw new RangeError(`WeightedRandomSampler: weights must be finite and non-negative; weight ${i} is ${w}`);
      total += w;
      return total;
    });
    const positive = this.weights.filter((w) => w > 0).length;
    if (this.length > 0 && positive === 0) throw new RangeError('WeightedRandomSampler: needs at least one positive weight');
    if (!this.replacement && this.length > positive)
      throw new RangeError(
        `WeightedRandomSampler: cannot draw ${this.length} samples without replacement from ${positive} positive weights`,
      );
    this.#random = new EpochRandom(options, 'WeightedRandomSampler');
  }

  get epoch(): number {
    return this.#random.epoch;
  }

  setEpoch(epoch: number): void {
    this.#random.setEpoch(epoch);
  }

  [Symbol.iterator](): Iterator<number> {
    const g = this.#random.next();
    const cumulative = this.#cumulative;
    const total = cumulative[cumulative.length - 1] ?? 0;
    if (this.replacement) {
      return Array.from(uniforms(g, this.length), (u) => {
        const target = u * total;
        let lo = 0;
        let hi = cumulative.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((cumulative[mid] as number) > target) hi = mid;
          else lo = mid + 1;
        }
        return lo;
      })[Symbol.iterator]();
    }
    const u = uniforms(g, this.weights.length);
    const keys = Array.from(this.weights, (w, i) => ({ i, key: w > 0 ? Math.log(1 - (u[i] as number)) / w : -Infinity }));
    keys.sort((a, b) => b.key - a.key || a.i - b.i);
    return keys
      .slice(0, this.length)
      .map((k) => k.i)
      [Symbol.iterator]();
  }
}

/**
 * Groups a sampler's indices into batches of `batchSize` (the last one smaller
 * unless `dropLast`). Pass one to the DataLoader as `batchSampler` for full
 * control over batch composition.
 *
 * @example
 * [...new BatchSampler(new SequentialSampler(5), 2, false)]; // [[0, 1], [2, 3], [4]]
 */
export class BatchSampler implements BatchSamplerLike {
  readonly sampler: Sampler;
  readonly batchSize: number;
  readonly dropLast: boolean;

  constructor(sampler: Sampler, batchSize: number, dropLast = false) {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1)
      throw new RangeError(`BatchSampler: batchSize must be a positive integer, got ${batchSize}`);
    this.sampler = sampler;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
  }

  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  setEpoch(epoch: number): void {
    this.sampler.setEpoch?.(epoch);
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
