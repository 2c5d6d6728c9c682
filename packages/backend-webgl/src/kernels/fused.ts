/**
 * Fast paths for composites (core/backend/fused.ts). Only softmax is fused:
 * it is on every classifier's hot path, and two kernels replace five to eight.
 * layerNorm and conv2d run as core's composites (conv2d is im2col + matmul,
 * which is already one gather and one matmul kernel here).
 */
import { type FusedKernels, sizeOf, type View } from '@strata/core';
import type { Runtime } from '../runtime/runtime';
import type { WebGlStorage } from '../storage';
import { buildSoftmaxApply, buildSoftmaxStats } from './softmax';

export function createFused(rt: Runtime): FusedKernels<WebGlStorage> {
  return {
    softmax(inputs, params, out) {
      const x = inputs[0] as View<WebGlStorage>;
      const n = sizeOf(out.shape);
      if (n === 0) return { texture: null, size: 0, layout: 'r' };
      const lanes = n / (x.shape[params.axis] as number);
      const stats = rt.run(buildSoftmaxStats(x, params.axis), [x.storage], lanes);
      const result = rt.run(buildSoftmaxApply(x, params, out), [x.storage, stats], n);
      rt.free(stats);
      return result;
    },
  };
}
