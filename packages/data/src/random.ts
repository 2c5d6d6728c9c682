/**
 * Host-side random numbers drawn from a core `Generator` (Philox-4x32-10), for
 * choices made on the CPU: shuffles, crop offsets, flips, synthetic points.
 * Every draw takes whole Philox blocks from the generator, so the numbers
 * depend only on the generator's seed and the sequence of draws.
 */
import { defaultGenerator, Generator, philox4x32 } from '@strata/core';

/** Options that choose a random stream: a generator to draw from, or a seed for a fresh one. */
export interface RandomSource {
  /** Draw from this generator (its state advances). Default: core's default generator. */
  generator?: Generator;
  /** Shorthand for `generator: new Generator(seed)`. */
  seed?: number | bigint;
}

/** The generator a `RandomSource` names (a new one for `seed`, else `generator`, else the default). */
export function resolveGenerator(source: RandomSource = {}, where = 'random'): Generator {
  if (source.seed !== undefined && source.generator !== undefined)
    throw new RangeError(`${where}: pass either seed or generator, not both`);
  if (source.seed !== undefined) return new Generator().manualSeed(source.seed);
  return source.generator ?? defaultGenerator;
}

/** `count` uint32 words from `ceil(count / 4)` Philox blocks. */
export function uint32s(generator: Generator, count: number): Uint32Array {
  const blocks = Math.ceil(count / 4);
  const out = new Uint32Array(blocks * 4);
  if (blocks === 0) return out;
  const { key, counter } = generator.take(blocks);
  const block = new Uint32Array(4);
  for (let b = 0; b < blocks; b++) {
    const c = counter + b;
    philox4x32(key[0], key[1], c % 2 ** 32, Math.floor(c / 2 ** 32), block);
    out.set(block, b * 4);
  }
  return out.subarray(0, count);
}

/** `count` doubles uniform in [0, 1), 53 random bits each (two words per number). */
export function uniforms(generator: Generator, count: number): Float64Array {
  const words = uint32s(generator, count * 2);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const hi = (words[2 * i] as number) >>> 5; // 27 bits
    const lo = (words[2 * i + 1] as number) >>> 6; // 26 bits
    out[i] = (hi * 2 ** 26 + lo) / 2 ** 53;
  }
  return out;
}

/** `count` standard normal samples (Box–Muller over `uniforms`). */
export function normals(generator: Generator, count: number): Float64Array {
  const u = uniforms(generator, 2 * Math.ceil(count / 2));
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - (u[i] as number)));
    const theta = 2 * Math.PI * (u[i + 1] as number);
    out[i] = r * Math.cos(theta);
    if (i + 1 < count) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/** One integer uniform in [low, high). */
export function randomInt(generator: Generator, low: number, high: number): number {
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low)
    throw new RangeError(`randomInt: need integers low < high, got ${low} and ${high}`);
  return low + Math.floor((uniforms(generator, 1)[0] as number) * (high - low));
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function randomPermutation(n: number, generator: Generator): Int32Array {
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1)
    throw new RangeError(`randomPermutation: n must be an integer in [0, 2^31), got ${n}`);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const u = uniforms(generator, Math.max(0, n - 1));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((u[n - 1 - i] as number) * (i + 1));
    const t = perm[i] as number;
    perm[i] = perm[j] as number;
    perm[j] = t;
  }
  return perm;
}

/** Philox blocks reserved per epoch by `generatorForEpoch` (2^32 blocks = 2^34 words). */
const EPOCH_STRIDE = 2 ** 32;

/**
 * A generator whose stream is a pure function of `(seed, epoch)`: the seed's
 * key with the counter moved to `epoch * 2^32`, so epochs never overlap and
 * any epoch can be replayed on its own.
 */
export function generatorForEpoch(seed: number | bigint, epoch: number): Generator {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch * EPOCH_STRIDE > Number.MAX_SAFE_INTEGER)
    throw new RangeError(`epoch must be an integer in [0, 2^21), got ${epoch}`);
  const g = new Generator().manualSeed(seed);
  return g.setState({ key: g.getState().key, counter: epoch * EPOCH_STRIDE });
}
