/**
 * Gradient of the fused conv2d (input 4-d, symmetric padding, float32), in
 * im2col terms — the forward is Y_n = W · cols(X_n) per group, so:
 *  - dX = col2im(Wᵀ · dY)   (fold sums overlapping windows back),
 *  - dW = Σ_n dY_n · cols(X_n)ᵀ,
 *  - db = Σ dY over batch and space.
 * Works for any stride, dilation and groups; no second forward is needed.
 */
import { fold, matmul, reshape, sum, type Tensor, unfold } from '@strata/core';
import type { GradRules } from './types';

type Conv2dRule = GradRules['fused']['conv2d'];

export const conv2dRule: Conv2dRule = (g, { params, inputs, needs }) => {
  const [x, w, b] = inputs as [Tensor, Tensor, Tensor | undefined];
  const { groups } = params;
  const window = {
    padding: [...params.padding] as [number, number],
    dilation: [...params.dilation] as [number, number],
    stride: [...params.stride] as [number, number],
  };
  const [cout, cinPerGroup, kH, kW] = w.shape as [number, number, number, number];
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  const [outH, outW] = g.shape.slice(2) as [number, number];
  const l = outH * outW;
  const colRows = cinPerGroup * kH * kW;
  const gG = reshape(g, [n, groups, cout / groups, l]);
  const wG = reshape(w, [groups, cout / groups, colRows]);
  let dx: Tensor | null = null;
  if (needs[0]) {
    const dCols = matmul(wG.mT, gG); // (N, G, C/G·kH·kW, L)
    dx = fold(reshape(dCols, [n, cin * kH * kW, l]), [h, wd], [kH, kW], window);
  }
  let dw: Tensor | null = null;
  if (needs[1]) {
    const cols = reshape(unfold(x, [kH, kW], window), [n, groups, colRows, l]);
    dw = reshape(sum(matmul(gG, cols.mT), 0), [cout, cinPerGroup, kH, kW]);
  }
  const db = b && needs[2] ? sum(g, [0, 2, 3]) : null;
  return b ? [dx, dw, db] : [dx, dw];
};
