/**
 * The backend's fused fast paths (core's FusedKernels): conv2d as an implicit
 * GEMM, softmax and layerNorm in one pass over each lane. Core runs the
 * composite where an entry is missing, and the conformance suite checks each
 * entry against its composite.
 */
import type { FusedKernels, View } from '@strata/core';
import { type Executor, viewInfo } from '../exec';
import type { GpuStorage } from '../storage';
import { buildConv2d } from './conv2d';
import { outKey, PlanCache, viewKey } from './plan-cache';

export function createFused(exec: Executor): FusedKernels<GpuStorage> {
  const rt = exec.rt;
  const plans = new PlanCache();
  return {
    conv2d(inputs, params, out) {
      rt.check('conv2d');
      const [x, w, b] = inputs as [View<GpuStorage>, View<GpuStorage>, View<GpuStorage> | undefined];
      const [xi, wi, bi] = [viewInfo(x), viewInfo(w), b && viewInfo(b)];
      const { stride, padding, dilation, groups } = params;
      const key = `${viewKey(xi)} ${viewKey(wi)} ${bi ? viewKey(bi) : '-'} ${outKey(out)} ${stride} ${padding} ${dilation} ${groups}`;
      const plan = plans.get(key, () => buildConv2d(xi, wi, bi, params, out, rt.limits));
      return exec.run(plan, inputs, out);
    },
  };
}
