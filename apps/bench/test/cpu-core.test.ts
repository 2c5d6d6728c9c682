import { type Tensor, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import suite, { inputData, specs } from '../src/suites/cpu-core';

const cheap = specs.filter((s) => s.work?.unit !== 'FLOP' || s.work.amount <= 2 * 256 ** 3);

describe('cpu-core suite', () => {
  it('has Strata CPU, then tfjs-cpu as the baseline peer, then tfjs-wasm, in every case', async () => {
    const cases = await suite.cases();
    expect(cases.map((c) => c.name)).toEqual([...specs.map((s) => s.name), 'conv2d 3x3 same, 32x32x28x28 -> 32 f32']);
    for (const c of cases) {
      expect(c.implementations.slice(0, 3).map((i) => [i.name, i.peer])).toEqual([
        ['Strata CPU', false],
        ['tfjs-cpu', true],
        ['tfjs-wasm', true],
      ]);
    }
    expect(cases.find((c) => c.name === 'matmul 1024x1024 f32')?.work).toEqual({ amount: 2 * 1024 ** 3, unit: 'FLOP' });
  });

  it('runs every implementation of the cheap cases through setup, run and teardown', async () => {
    const cases = (await suite.cases()).filter((c) => cheap.some((s) => s.name === c.name));
    for (const c of cases) {
      for (const impl of c.implementations) {
        await impl.setup?.();
        await impl.run();
        await impl.teardown?.();
      }
    }
  }, 60_000);

  it('computes the same values on Strata as on tfjs-cpu', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    for (const spec of cheap) {
      const data = inputData(spec);
      const ours = tidy(() => {
        const xs: Tensor[] = spec.inputs.map((input, i) => tensor(data[i] as Float32Array, { shape: input.shape }));
        return Array.from(spec.strata(xs).dataSync() as Float32Array);
      });
      const theirs = tf.tidy(() => {
        const xs = spec.inputs.map((input, i) => tf.tensor(data[i] as Float32Array, [...input.shape], 'float32'));
        return Array.from(spec.tfjs(tf, xs).dataSync());
      });
      expect(ours.length, spec.name).toBe(theirs.length);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) {
        const b = theirs[i] as number;
        worst = Math.max(worst, Math.abs((ours[i] as number) - b) / (1 + Math.abs(b)));
      }
      expect(worst, spec.name).toBeLessThanOrEqual(1e-5); // float32 rounding
    }
  }, 60_000);
});
