/**
 * TensorFlow.js as an independent oracle for layer tests: Strata tensors in and
 * out of tfjs (with layout permutations, e.g. NCHW → NHWC, OIHW → HWIO), and a
 * closeness check that names the worst element.
 */
import type { Tensor } from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';

await tf.setBackend('cpu');

export { tf };

/** A Strata tensor as a tfjs one, permuted by `perm` (tfjs axis i = Strata axis perm[i]). */
export function toTf(t: Tensor, perm?: readonly number[]): tf.Tensor {
  const out = tf.tensor(Float32Array.from(t.dataSync() as ArrayLike<number>), [...t.shape]);
  if (!perm) return out;
  const permuted = tf.transpose(out, [...perm]);
  out.dispose();
  return permuted;
}

/** Expects a Strata tensor to equal a tfjs tensor (after permuting the tfjs one by `perm`) within tol. */
export function expectMatchesTf(actual: Tensor, expected: tf.Tensor, tol = 1e-5, perm?: readonly number[]): void {
  const e = perm ? tf.transpose(expected, [...perm]) : expected;
  expect(actual.shape).toEqual(e.shape);
  const want = e.dataSync();
  const got = actual.dataSync() as ArrayLike<number>;
  let worst = 0;
  let at = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs((got[i] as number) - (want[i] as number)) / Math.max(1, Math.abs(want[i] as number));
    if (err > worst) [worst, at] = [err, i];
  }
  if (perm) e.dispose();
  expect(worst, `element ${at}: got ${got[at]}, tfjs ${want[at]}`).toBeLessThanOrEqual(tol);
}

export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;
export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;

/** Runs a tfjs layer on a Strata input (permuted by `perm`), after building it and setting its weights. */
export function runTf(layer: tfl.layers.Layer, x: Tensor, weights: tf.Tensor[], perm?: readonly number[]): tf.Tensor {
  const xt = toTf(x, perm);
  layer.apply(xt);
  layer.setWeights(weights);
  return layer.apply(xt) as tf.Tensor;
}
