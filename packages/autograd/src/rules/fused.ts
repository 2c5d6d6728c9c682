/** Gradient rules that fused fast paths bring with them. */
import { exp, mean, mul, rsqrt, sub, sum, type Tensor, variance } from '@strata/core';
import { conv2dRule } from './conv';
import type { GradRules } from './types';

export const fusedRules: GradRules['fused'] = {
  softmax: (g, { params, output }) => {
    const y = output;
    if (params.log) return [sub(g, mul(exp(y), sum(g, params.axis, true)))];
    return [mul(y, sub(g, sum(mul(g, y), params.axis, true)))];
  },

  layerNorm: (g, { params, inputs, needs }) => {
    const [x, weight] = inputs as [Tensor, Tensor | undefined];
    const nd = x.ndim;
    const axes = Array.from({ length: params.normalizedDims }, (_, i) => nd - params.normalizedDims + i);
    const leading = Array.from({ length: nd - params.normalizedDims }, (_, i) => i);
    const mu = mean(x, axes, true);
    const invStd = rsqrt(variance(x, axes, { correction: 0, keepDim: true }).add(params.eps));
    const xhat = mul(sub(x, mu), invStd);
    const dxhat = params.hasWeight ? mul(g, weight as Tensor) : g;
    // dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sigma
    const dx = needs[0]
      ? mul(sub(sub(dxhat, mean(dxhat, axes, true)), mul(xhat, mean(mul(dxhat, xhat), axes, true))), invStd)
      : null;
    const sumLeading = (t: Tensor) => (leading.length > 0 ? sum(t, leading) : t);
    const grads: (Tensor | null)[] = [dx];
    if (params.hasWeight) grads.push(needs[1] ? sumLeading(mul(g, xhat)) : null);
    if (params.hasBias) grads.push(needs[grads.length] ? sumLeading(g) : null);
    return grads;
  },

  conv2d: conv2dRule,
};
