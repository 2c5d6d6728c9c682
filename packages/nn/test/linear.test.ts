import { Generator, randn, type Tensor } from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, it } from 'vitest';
import { Linear } from '../src/index';
import { expectMatchesTf, runTf, toTf } from './tfjs-oracle';

describe('Linear against tfjs', () => {
  it('matches Dense with kernel = Wᵀ, over any leading dims', () => {
    const fc = new Linear(5, 3, { generator: new Generator(0) });
    for (const shape of [
      [4, 5],
      [2, 3, 5],
    ]) {
      const x = randn(shape, { generator: new Generator(1) });
      const y = runTf(tfl.layers.dense({ units: 3 }), x, [toTf(fc.weight, [1, 0]), toTf(fc.bias as Tensor)]);
      expectMatchesTf(fc.forward(x), y, 1e-5);
    }
  });
});
