import { conv2d, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { benchSpec, type ConvSpec, convData, convFlops, convImplementations } from '../src/cases/conv';
import suite from '../src/suites/conv';

describe('cpu-conv suite', () => {
  it('has one case: Strata CPU, tfjs-cpu (baseline peer), tfjs-wasm, then the composite, with its FLOP count', async () => {
    const cases = await suite.cases();
    expect(cases).toHaveLength(1);
    const c = cases[0];
    expect(c?.work).toEqual({ amount: 2 * 32 * 32 * 28 * 28 * 32 * 9, unit: 'FLOP' });
    expect(convFlops(benchSpec)).toBe(c?.work?.amount);
    expect(c?.implementations.map((i) => [i.name, i.peer])).toEqual([
      ['Strata CPU', false],
      ['tfjs-cpu', true],
      ['tfjs-wasm', true],
      ['Strata CPU (composite)', false],
    ]);
  });

  it('runs every implementation of a small case, and Strata computes what tfjs-cpu does', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const small: ConvSpec = { batch: 2, cin: 3, cout: 4, size: 6 };
    for (const impl of convImplementations(tf, small).filter((i) => i.name !== 'tfjs-wasm')) {
      await impl.setup?.();
      await impl.run();
      await impl.teardown?.();
    }
    await tf.setBackend('cpu');
    const { x, w } = convData(small);
    const ours = tidy(() =>
      Array.from(
        conv2d(tensor(x, { shape: [2, 3, 6, 6] }), tensor(w, { shape: [4, 3, 3, 3] }), null, { padding: 'same' }).dataSync(),
      ),
    );
    const theirs = tf.tidy(() => {
      const xt = tf.transpose(tf.tensor(x, [2, 3, 6, 6]), [0, 2, 3, 1]) as import('@tensorflow/tfjs-core').Tensor4D;
      const wt = tf.transpose(tf.tensor(w, [4, 3, 3, 3]), [2, 3, 1, 0]) as import('@tensorflow/tfjs-core').Tensor4D;
      return Array.from(tf.transpose(tf.conv2d(xt, wt, 1, 'same'), [0, 3, 1, 2]).dataSync());
    });
    expect(ours).toHaveLength(theirs.length);
    ours.forEach((v, i) => {
      expect(Math.abs(v - (theirs[i] as number))).toBeLessThanOrEqual(1e-5);
    });
  });
});
