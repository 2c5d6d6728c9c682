import type { OutputSpec, PrimitiveParams, View } from '../backend/primitives';
import { allocStorageArray, type StorageArray } from '../dtype';
import { bitsToUniform, bitsToUniformOpenZero, philox4x32 } from '../random/philox';
import { sizeOf } from '../shape';

/**
 * Fills the output from the Philox stream: block b (counter + b) gives elements
 * 4b .. 4b+3. One loop per distribution keeps the hot loop branch-free, and a
 * normal pair shares its radius (one log and one sqrt per two values); the
 * values are the same as evaluating boxMuller per element, which the GPU
 * backends do.
 */
export function randomKernel(
  _inputs: readonly View<StorageArray>[],
  params: PrimitiveParams['random'],
  out: OutputSpec,
): StorageArray {
  const n = sizeOf(out.shape);
  const result = allocStorageArray(out.dtype, n);
  const [k0, k1] = params.key;
  const value = VALUE[params.distribution];
  const words = new Uint32Array(4);
  const vals = new Float64Array(4);
  for (let b = 0; b * 4 < n; b++) {
    const counter = params.counter + b;
    philox4x32(k0, k1, counter % 2 ** 32, Math.floor(counter / 2 ** 32), words);
    value(words, vals);
    const base = b * 4;
    if (base + 4 <= n) {
      result[base] = vals[0] as number;
      result[base + 1] = vals[1] as number;
      result[base + 2] = vals[2] as number;
      result[base + 3] = vals[3] as number;
    } else {
      for (let w = 0; base + w < n; w++) result[base + w] = vals[w] as number;
    }
  }
  return result;
}

/** How each distribution turns one block of 4 words into 4 values. */
const VALUE: Record<PrimitiveParams['random']['distribution'], (words: Uint32Array, vals: Float64Array) => void> = {
  uniform(words, vals) {
    for (let w = 0; w < 4; w++) vals[w] = bitsToUniform(words[w] as number);
  },
  bits(words, vals) {
    for (let w = 0; w < 4; w++) vals[w] = (words[w] as number) | 0;
  },
  normal(words, vals) {
    for (let pair = 0; pair < 4; pair += 2) {
      const r = Math.sqrt(-2 * Math.log(bitsToUniformOpenZero(words[pair] as number)));
      const theta = 2 * Math.PI * bitsToUniform(words[pair + 1] as number);
      vals[pair] = r * Math.cos(theta);
      vals[pair + 1] = r * Math.sin(theta);
    }
  },
};
