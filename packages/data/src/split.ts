/**
 * randomSplit: non-overlapping random subsets of a dataset
 * (torch.utils.data.random_split), reproducible from a seed or generator.
 */
import { type Dataset, Subset } from './dataset';
import { type RandomSource, randomPermutation, resolveGenerator } from './random';

/**
 * Integer lengths from `lengths` (used as is when they are integers summing
 * to the dataset's length) or fractions summing to 1: each gets `floor(n * fraction)`, and the
 * remainder is dealt one item at a time round-robin, like PyTorch.
 */
export function splitLengths(n: number, lengths: readonly number[]): number[] {
  if (lengths.length === 0) throw new RangeError('randomSplit: lengths must not be empty');
  const total = lengths.reduce((a, b) => a + b, 0);
  if (lengths.every((l) => Number.isInteger(l) && l >= 0) && total === n) return [...lengths];
  if (!lengths.every((f) => f >= 0 && f <= 1) || Math.abs(total - 1) > 1e-6)
    throw new RangeError(
      `randomSplit: lengths must be non-negative integers summing to the dataset's length ${n}, or fractions in [0, 1] summing to 1; got [${lengths.join(', ')}] (sum ${total})`,
    );
  const out = lengths.map((f) => Math.floor(n * f));
  let remainder = n - out.reduce((a, b) => a + b, 0);
  for (let i = 0; remainder > 0; i = (i + 1) % out.length, remainder--) out[i] = (out[i] as number) + 1;
  return out;
}

/**
 * Splits `dataset` into random, non-overlapping `Subset`s of the given lengths
 * or fractions. The permutation comes from `generator` (or a fresh generator
 * for `seed`; default: core's default generator).
 *
 * @example
 * const [train, val] = randomSplit(dataset, [0.9, 0.1], { seed: 42 });
 * const [a, b, c] = randomSplit(dataset, [50, 30, 20], { generator: new Generator(0) });
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: RandomSource = {}): Subset<T>[] {
  const sizes = splitLengths(dataset.length, lengths);
  const perm = randomPermutation(dataset.length, resolveGenerator(options, 'randomSplit'));
  let offset = 0;
  return sizes.map((size) => {
    const part = new Subset(dataset, perm.subarray(offset, offset + size));
    offset += size;
    return part;
  });
}
