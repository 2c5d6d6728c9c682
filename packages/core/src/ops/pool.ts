/**
 * Max and average pooling with PyTorch's output sizes (floor or ceil mode,
 * where the last window must start inside the input or its left padding).
 * Every window is gathered at once (see util/conv-windows.ts), then reduced
 * along the window axis; max pooling pads with -inf, average pooling with 0 and
 * divides by a per-window count built on the host. float16 computes in float32.
 */
import { fromStorageArray } from '../engine';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import type { Tensor } from '../tensor/tensor';
import {
  batched4d,
  castTo,
  gatherWindows,
  hostInt32,
  type IntPair,
  indexTable,
  pairOf,
  pooledSize,
  requireFloat,
  type WindowGeometry,
  windowTable,
} from '../util/conv-windows';
import { div } from './arithmetic';
import { gather } from './indexing';
import { argmax, max, sum } from './reduce';
import { expand, reshape, squeeze, unsqueeze } from './views';

export interface MaxPool2dOptions {
  /** Step between windows; default (or null) the kernel size. */
  stride?: IntPair | null;
  /** -inf padding on both sides, at most half the kernel (default 0). */
  padding?: IntPair;
  /** Spacing between window elements (default 1). */
  dilation?: IntPair;
  /** Ceil instead of floor in the output size (default false). */
  ceilMode?: boolean;
  /** Also return the argmax of each window as a flat h * W + w index into its input plane (int32). */
  returnIndices?: boolean;
}

export interface AvgPool2dOptions {
  /** Step between windows; default (or null) the kernel size. */
  stride?: IntPair | null;
  /** Zero padding on both sides, at most half the kernel (default 0). */
  padding?: IntPair;
  ceilMode?: boolean;
  /** Whether padding counts in the divisor (default true, like PyTorch; tfjs excludes it). */
  countIncludePad?: boolean;
  /** A fixed divisor instead of the window size. */
  divisorOverride?: number;
}

interface PoolPlan {
  n: number;
  c: number;
  h: number;
  w: number;
  geom: WindowGeometry;
}

interface PoolArgs {
  kernelSize: IntPair;
  stride?: IntPair | null | undefined;
  padding?: IntPair | undefined;
  dilation?: IntPair | undefined;
  ceilMode?: boolean | undefined;
}

function planPool(op: string, x: Tensor, args: PoolArgs): PoolPlan {
  const { n, c, h, w } = batched4d(op, x);
  const [kH, kW] = pairOf(op, 'kernelSize', args.kernelSize, 1);
  const [sH, sW] = pairOf(op, 'stride', args.stride ?? [kH, kW], 1);
  const [pH, pW] = pairOf(op, 'padding', args.padding ?? 0, 0);
  const [dH, dW] = pairOf(op, 'dilation', args.dilation ?? 1, 1);
  if (pH > Math.floor(kH / 2) || pW > Math.floor(kW / 2)) {
    throw new RangeError(`${op}: padding [${pH}, ${pW}] must be at most half the kernel size [${kH}, ${kW}]`);
  }
  const ceil = args.ceilMode ?? false;
  const outH = pooledSize(h, kH, pH, pH, sH, dH, ceil);
  const outW = pooledSize(w, kW, pW, pW, sW, dW, ceil);
  if (outH < 1 || outW < 1) {
    throw new ShapeError(
      `${op}: input ${fmtShape(x.shape)} is too small for kernel [${kH}, ${kW}] (dilation [${dH}, ${dW}], padding [${pH}, ${pW}]): the output would be ${outH}x${outW}`,
    );
  }
  return { n, c, h, w, geom: { h, w, outH, outW, kH, kW, sH, sW, dH, dW, padT: pH, padL: pW } };
}

/** The (N, C, outH, outW) result shape, without N for an unbatched input. */
const outShape = (x: Tensor, p: PoolPlan, ndim = x.ndim): number[] =>
  ndim === 4 ? [p.n, p.c, p.geom.outH, p.geom.outW] : [p.c, p.geom.outH, p.geom.outW];

/** PyTorch's index for a window with no element above -inf: its first in-bounds position. */
function firstInside(g: WindowGeometry, l: number): number {
  let hs = Math.floor(l / g.outW) * g.sH - g.padT;
  let ws = (l % g.outW) * g.sW - g.padL;
  while (hs < 0) hs += g.dH;
  while (ws < 0) ws += g.dW;
  return hs * g.w + ws;
}

function maxPoolCore(op: string, x: Tensor, p: PoolPlan, withIndices: boolean): Tensor | [Tensor, Tensor] {
  if (x.dtype === 'bool') throw new DTypeError(`${op}: bool inputs are not supported; convert with .to('float32')`);
  const g = p.geom;
  const K = g.kH * g.kW;
  const L = g.outH * g.outW;
  return tidy(() => {
    const half = x.dtype === 'float16';
    const x4 = reshape(half ? castTo(x, 'float32') : x, [p.n, p.c, p.h, p.w]);
    const table = windowTable(g);
    const cols = gatherWindows(x4, table, K, L, x.dtype === 'int32' ? -(2 ** 31) : Number.NEGATIVE_INFINITY);
    const m = reshape(max(cols, 2), outShape(x, p));
    const values = half ? castTo(m, 'float16') : m;
    if (!withIndices) return values;
    const key = `max:${Object.values(g).join(',')}`;
    const positions = indexTable(table, g.h * g.w, L, (l) => firstInside(g, l), key);
    const where = expand(reshape(hostInt32(positions, [K * L], x), [1, 1, K, L]), [p.n, p.c, K, L]);
    const indices = reshape(gather(where, 2, argmax(cols, 2, true)), outShape(x, p));
    return [values, indices];
  });
}

function avgPoolCore(op: string, x: Tensor, p: PoolPlan, includePad: boolean, divisorOverride: number | undefined): Tensor {
  requireFloat(op, x);
  if (divisorOverride !== undefined && (!Number.isInteger(divisorOverride) || divisorOverride === 0)) {
    throw new RangeError(`${op}: divisorOverride must be a non-zero integer, got ${divisorOverride}`);
  }
  const g = p.geom;
  const L = g.outH * g.outW;
  return tidy(() => {
    const half = x.dtype === 'float16';
    const x4 = reshape(half ? castTo(x, 'float32') : x, [p.n, p.c, p.h, p.w]);
    const sums = sum(gatherWindows(x4, windowTable(g), g.kH * g.kW, L, 0), 2);
    let divisor: Tensor | number;
    if (divisorOverride !== undefined) divisor = divisorOverride;
    else {
      // PyTorch's avg_pool2d: windows end at most at the far padding; without countIncludePad, clip to the input.
      const counts = new Float32Array(L);
      for (let oh = 0; oh < g.outH; oh++) {
        const hs = oh * g.sH - g.padT;
        const he = Math.min(hs + g.kH, g.h + g.padT);
        for (let ow = 0; ow < g.outW; ow++) {
          const ws = ow * g.sW - g.padL;
          const we = Math.min(ws + g.kW, g.w + g.padL);
          const inside = (Math.min(he, g.h) - Math.max(hs, 0)) * (Math.min(we, g.w) - Math.max(ws, 0));
          const count = includePad ? (he - hs) * (we - ws) : inside;
          counts[oh * g.outW + ow] = inside > 0 && count > 0 ? count : 1; // an all-padding window sums to 0, like PyTorch
        }
      }
      divisor = fromStorageArray(counts, [L], 'float32', x.backend);
    }
    const out = reshape(div(sums, divisor), outShape(x, p));
    return half ? castTo(out, 'float16') : out;
  });
}

/**
 * 2-d max pooling, like `torch.nn.functional.max_pool2d`: (N, C, H, W) or
 * (C, H, W) -> (N, C, H_out, W_out) with
 * H_out = floor((H + 2 * padding - dilation * (k - 1) - 1) / stride) + 1 (ceil in ceilMode).
 * With `returnIndices` it returns [values, indices], indices (int32) being
 * flat h * W + w positions in each input plane (ties pick the first window element).
 *
 * @example
 * const x = arange(16, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 4, 4);
 * maxPool2d(x, 2);                                   // [[[[5, 7], [13, 15]]]]
 * const [v, i] = maxPool2d(x, 2, { returnIndices: true }); // i: [[[[5, 7], [13, 15]]]]
 */
export function maxPool2d(x: Tensor, kernelSize: IntPair, options?: MaxPool2dOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, kernelSize: IntPair, options: MaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: IntPair, options?: MaxPool2dOptions): Tensor | [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: IntPair, options: MaxPool2dOptions = {}): Tensor | [Tensor, Tensor] {
  const p = planPool('maxPool2d', x, { kernelSize, ...options });
  return maxPoolCore('maxPool2d', x, p, options.returnIndices ?? false);
}

/**
 * 2-d average pooling, like `torch.nn.functional.avg_pool2d`: (N, C, H, W) or
 * (C, H, W) -> (N, C, H_out, W_out), same output size as maxPool2d (no dilation).
 * Padding counts in the divisor unless `countIncludePad` is false.
 *
 * @example
 * const x = arange(16, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 4, 4);
 * avgPool2d(x, 2);                                              // [[[[2.5, 4.5], [10.5, 12.5]]]]
 * avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false }); // means of the in-bounds 3x3 neighbourhoods
 */
export function avgPool2d(x: Tensor, kernelSize: IntPair, options: AvgPool2dOptions = {}): Tensor {
  const p = planPool('avgPool2d', x, {
    kernelSize,
    stride: options.stride,
    padding: options.padding,
    ceilMode: options.ceilMode,
  });
  return avgPoolCore('avgPool2d', x, p, options.countIncludePad ?? true, options.divisorOverride);
}

export interface MaxPool1dOptions {
  stride?: number | null;
  padding?: number;
  dilation?: number;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

export interface AvgPool1dOptions {
  stride?: number | null;
  padding?: number;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** A (N, C, L) or (C, L) input as (N, C, 1, L) or (C, 1, L), checked for op. */
function as2d(op: string, x: Tensor): Tensor {
  x.assertAlive(op);
  if ((x.ndim !== 2 && x.ndim !== 3) || x.shape.slice(-2).includes(0)) {
    throw new ShapeError(
      `${op}: expected a non-empty 2-d (C, L) or 3-d (N, C, L) input (N may be 0), got shape ${fmtShape(x.shape)}`,
    );
  }
  return unsqueeze(x, -2);
}

function one(op: string, name: string, v: number | null | undefined, min: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw new RangeError(`${op}: ${name} must be a single integer, got ${JSON.stringify(v)}`);
  return pairOf(op, name, v, min)[0];
}

/**
 * 1-d max pooling, like `torch.nn.functional.max_pool1d`: (N, C, L) or (C, L)
 * -> (N, C, L_out); indices are positions along L. maxPool2d over a unit height.
 *
 * @example
 * maxPool1d(tensor([[[1, 3, 2, 5, 4]]], { dtype: 'float32' }), 2); // [[[3, 5]]]
 */
export function maxPool1d(x: Tensor, kernelSize: number, options?: MaxPool1dOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, kernelSize: number, options: MaxPool1dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: number, options?: MaxPool1dOptions): Tensor | [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: number, options: MaxPool1dOptions = {}): Tensor | [Tensor, Tensor] {
  const op = 'maxPool1d';
  const k = one(op, 'kernelSize', kernelSize, 1) as number;
  const s = one(op, 'stride', options.stride, 1) ?? k;
  const args: PoolArgs = {
    kernelSize: [1, k],
    stride: [1, s],
    padding: [0, one(op, 'padding', options.padding, 0) ?? 0],
    dilation: [1, one(op, 'dilation', options.dilation, 1) ?? 1],
    ceilMode: options.ceilMode,
  };
  return tidy(() => {
    const x2 = as2d(op, x);
    const out = maxPoolCore(op, x2, planPool(op, x2, args), options.returnIndices ?? false);
    return Array.isArray(out) ? [squeeze(out[0], -2), squeeze(out[1], -2)] : squeeze(out, -2);
  });
}

/**
 * 1-d average pooling, like `torch.nn.functional.avg_pool1d`: (N, C, L) or (C, L) -> (N, C, L_out).
 *
 * @example
 * avgPool1d(tensor([[[1, 3, 2, 6]]], { dtype: 'float32' }), 2); // [[[2, 4]]]
 */
export function avgPool1d(x: Tensor, kernelSize: number, options: AvgPool1dOptions = {}): Tensor {
  const op = 'avgPool1d';
  const k = one(op, 'kernelSize', kernelSize, 1) as number;
  const args: PoolArgs = {
    kernelSize: [1, k],
    stride: [1, one(op, 'stride', options.stride, 1) ?? k],
    padding: [0, one(op, 'padding', options.padding, 0) ?? 0],
    ceilMode: options.ceilMode,
  };
  return tidy(() => {
    const x2 = as2d(op, x);
    return squeeze(avgPoolCore(op, x2, planPool(op, x2, args), options.countIncludePad ?? true, undefined), -2);
  });
}
