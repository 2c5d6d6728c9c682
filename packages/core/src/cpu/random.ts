import type { OutputSpec, PrimitiveParams, View } from '../backend/primitives';
import { allocStorageArray, type StorageArray } from '../dtype';
import { bitsToUniform, boxMuller, philox4x32 } from '../random/philox';
import { sizeOf } from '../shape';

export function randomKernel(
  _inputs: readonly View<StorageArray>[],
  params: PrimitiveParams['random'],
  out: OutputSpec,
): StorageArray {
  const n = sizeOf(out.shape);
  const result = allocStorageArray(out.dtype, n);
  const block = new Uint32Array(4);
  const [k0, k1] = params.key;
  for (let b = 0; b * 4 < n; b++) {
    const counter = params.counter + b;
    philox4x32(k0, k1, counter % 2 ** 32, Math.floor(counter / 2 ** 32), block);
    for (let w = 0; w < 4 && b * 4 + w < n; w++) {
      const bits = block[w] as number;
      let v: number;
      if (params.distribution === 'uniform') v = bitsToUniform(bits);
      else if (params.distribution === 'bits') v = bits | 0;
      else {
        const pair = w & 2;
        v = boxMuller(block[pair] as number, block[pair + 1] as number, (w & 1) === 1);
      }
      result[b * 4 + w] = v;
    }
  }
  return result;
}
