/**
 * Convolutions with PyTorch's conventions (NCHW input, (out, in / groups, kH, kW)
 * weights, cross-correlation). The composite — the definition every backend
 * gets — is im2col (one gather, see ops/unfold.ts) and one batched matmul over
 * the groups; backends may run the fused `conv2d` fast path instead, which the
 * conformance suite checks against `conv2dComposite`. float16 computes in float32.
 */
import { runFused } from '../engine';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import type { Tensor } from '../tensor/tensor';
import {
  batched4d,
  castTo,
  checkBias,
  checkGroups,
  gatherWindows,
  type IntPair,
  pairOf,
  pooledSize,
  requireFloat,
  windowTable,
} from '../util/conv-windows';
import { add } from './arithmetic';
import { matmul } from './matmul';
import { pad } from './pad';
import { reshape, squeeze, unsqueeze } from './views';

/** Zero padding: one amount for both dims, (height, width), or PyTorch's 'same' / 'valid'. */
export type ConvPadding = IntPair | 'same' | 'valid';

export interface Conv2dOptions {
  /** Step between output positions (default 1). */
  stride?: IntPair;
  /** Default 0. 'same' keeps the spatial size (stride 1 only; odd totals put the extra row/column last). */
  padding?: ConvPadding;
  /** Spacing between kernel elements (default 1). */
  dilation?: IntPair;
  /** Channel groups (default 1); groups = in channels is a depthwise convolution. */
  groups?: number;
}

/** Everything a 2-d convolution needs, checked. */
interface ConvPlan {
  n: number;
  cin: number;
  h: number;
  w: number;
  cout: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  dH: number;
  dW: number;
  padT: number;
  padB: number;
  padL: number;
  padR: number;
  groups: number;
  outH: number;
  outW: number;
}

function planConv(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: Conv2dOptions): ConvPlan {
  const { n, c: cin, h, w } = batched4d(op, x);
  weight.assertAlive(op);
  requireFloat(op, x);
  if (weight.dtype !== x.dtype) throw new DTypeError(`${op}: weight dtype ${weight.dtype} must match the input's ${x.dtype}`);
  if (weight.ndim !== 4) {
    throw new ShapeError(`${op}: weight must be 4-d (out channels, in channels / groups, kH, kW), got ${fmtShape(weight.shape)}`);
  }
  const groups = checkGroups(op, options.groups ?? 1);
  const [cout, cinPerGroup, kH, kW] = weight.shape as [number, number, number, number];
  if (cinPerGroup * groups !== cin) {
    throw new ShapeError(
      `${op}: weight ${fmtShape(weight.shape)} with groups = ${groups} expects ${cinPerGroup * groups} input channels, but the input ${fmtShape(x.shape)} has ${cin}`,
    );
  }
  if (cout % groups !== 0) {
    throw new ShapeError(
      `${op}: the ${cout} output channels of weight ${fmtShape(weight.shape)} must be divisible by groups = ${groups}`,
    );
  }
  if (kH === 0 || kW === 0) throw new ShapeError(`${op}: weight ${fmtShape(weight.shape)} has an empty kernel`);
  checkBias(op, bias, cout, x.dtype);
  const [sH, sW] = pairOf(op, 'stride', options.stride ?? 1, 1);
  const [dH, dW] = pairOf(op, 'dilation', options.dilation ?? 1, 1);
  const padding = options.padding ?? 0;
  let pads: [number, number, number, number];
  if (padding === 'valid') pads = [0, 0, 0, 0];
  else if (padding === 'same') {
    if (sH !== 1 || sW !== 1)
      throw new RangeError(`${op}: padding 'same' needs stride 1, like PyTorch; got stride [${sH}, ${sW}]`);
    const [tH, tW] = [dH * (kH - 1), dW * (kW - 1)];
    pads = [Math.floor(tH / 2), tH - Math.floor(tH / 2), Math.floor(tW / 2), tW - Math.floor(tW / 2)];
  } else if (typeof padding === 'string') {
    throw new RangeError(`${op}: padding must be a number, a [height, width] pair, 'same' or 'valid', got '${padding}'`);
  } else {
    const [pH, pW] = pairOf(op, 'padding', padding, 0);
    pads = [pH, pH, pW, pW];
  }
  const [padT, padB, padL, padR] = pads;
  const outH = pooledSize(h, kH, padT, padB, sH, dH, false);
  const outW = pooledSize(w, kW, padL, padR, sW, dW, false);
  if (outH < 1 || outW < 1) {
    throw new ShapeError(
      `${op}: the kernel ${kH}x${kW} (dilation [${dH}, ${dW}], so ${dH * (kH - 1) + 1}x${dW * (kW - 1) + 1} wide) is larger than the padded input ${h + padT + padB}x${w + padL + padR} (input ${fmtShape(x.shape)}, padding [${padT}, ${padB}, ${padL}, ${padR}])`,
    );
  }
  return { n, cin, h, w, cout, kH, kW, sH, sW, dH, dW, padT, padB, padL, padR, groups, outH, outW };
}

/** The composite on a 4-d float32 input: im2col, then (groups, out / g, K) @ (N, groups, K, L). */
function convComposite(x: Tensor, weight: Tensor, bias: Tensor | null | undefined, p: ConvPlan): Tensor {
  const K = p.kH * p.kW;
  const L = p.outH * p.outW;
  const table = windowTable({
    h: p.h,
    w: p.w,
    outH: p.outH,
    outW: p.outW,
    kH: p.kH,
    kW: p.kW,
    sH: p.sH,
    sW: p.sW,
    dH: p.dH,
    dW: p.dW,
    padT: p.padT,
    padL: p.padL,
  });
  const g = p.groups;
  const cols = reshape(gatherWindows(x, table, K, L, 0), [p.n, g, (p.cin / g) * K, L]);
  const out = reshape(matmul(reshape(weight, [g, p.cout / g, (p.cin / g) * K]), cols), [p.n, p.cout, p.outH, p.outW]);
  return bias ? add(out, reshape(bias, [p.cout, 1, 1])) : out;
}

/** The backend's fused conv2d on a 4-d float32 input, or undefined when it has none. */
function convFused(x: Tensor, weight: Tensor, bias: Tensor | null | undefined, p: ConvPlan): Tensor | undefined {
  if (!x.backend.fused?.conv2d) return undefined;
  // The fast path takes symmetric padding: the extra row/column of an odd 'same' total is padded here.
  const input = p.padB !== p.padT || p.padR !== p.padL ? pad(x, [0, p.padR - p.padL, 0, p.padB - p.padT]) : x;
  return runFused(
    'conv2d',
    bias ? [input, weight, bias] : [input, weight],
    { stride: [p.sH, p.sW], padding: [p.padT, p.padL], dilation: [p.dH, p.dW], groups: p.groups },
    { shape: [p.n, p.cout, p.outH, p.outW], dtype: 'float32' },
  );
}

function convolve(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: Conv2dOptions,
  fused: boolean,
): Tensor {
  const p = planConv(op, x, weight, bias, options);
  return tidy(() => {
    const half = x.dtype === 'float16';
    const up = (t: Tensor) => (half ? castTo(t, 'float32') : t);
    const x4 = reshape(up(x), [p.n, p.cin, p.h, p.w]);
    const w32 = up(weight);
    const b32 = bias ? up(bias) : undefined;
    let out = (fused ? convFused(x4, w32, b32, p) : undefined) ?? convComposite(x4, w32, b32, p);
    if (half) out = castTo(out, 'float16');
    return x.ndim === 4 ? out : reshape(out, [p.cout, p.outH, p.outW]);
  });
}

/**
 * 2-d convolution (cross-correlation), like `torch.nn.functional.conv2d`:
 * input (N, C_in, H, W) or (C_in, H, W), weight (C_out, C_in / groups, kH, kW),
 * bias (C_out) -> (N, C_out, H_out, W_out) with
 * H_out = floor((H + 2 * padding - dilation * (kH - 1) - 1) / stride) + 1.
 * Runs the backend's fused fast path when it has one.
 *
 * @example
 * const x = arange(9, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 3, 3);
 * conv2d(x, ones([1, 1, 2, 2]));                            // [[[[8, 12], [20, 24]]]]
 * conv2d(x, ones([1, 1, 3, 3]), null, { padding: 'same' }); // 3x3 sums of the neighbourhoods
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  return convolve('conv2d', x, weight, bias, options, true);
}

/**
 * `conv2d` computed from primitives only (im2col + matmul), never a fused
 * kernel: the definition the fast paths are checked against.
 *
 * @example
 * conv2dComposite(x, weight, bias, { stride: 2 }); // same values as conv2d(x, weight, bias, { stride: 2 })
 */
export function conv2dComposite(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  return convolve('conv2d', x, weight, bias, options, false);
}

export interface Conv1dOptions {
  stride?: number;
  /** Default 0; 'same' keeps the length (stride 1 only). */
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

/**
 * 1-d convolution, like `torch.nn.functional.conv1d`: input (N, C_in, L) or
 * (C_in, L), weight (C_out, C_in / groups, k), bias (C_out) -> (N, C_out, L_out).
 * A conv2d over a unit height.
 *
 * @example
 * conv1d(tensor([[[1, 2, 3, 4]]], { dtype: 'float32' }), tensor([[[1, -1]]], { dtype: 'float32' })); // [[[-1, -1, -1]]]
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  x.assertAlive('conv1d');
  weight.assertAlive('conv1d');
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new ShapeError(`conv1d: expected a 2-d (C, L) or 3-d (N, C, L) input, got shape ${fmtShape(x.shape)}`);
  }
  if (weight.ndim !== 3) {
    throw new ShapeError(`conv1d: weight must be 3-d (out channels, in channels / groups, k), got ${fmtShape(weight.shape)}`);
  }
  const groups = checkGroups('conv1d', options.groups ?? 1);
  const cin = x.shape[x.ndim - 2] as number;
  if ((weight.shape[1] as number) * groups !== cin) {
    throw new ShapeError(
      `conv1d: weight ${fmtShape(weight.shape)} with groups = ${groups} expects ${(weight.shape[1] as number) * groups} input channels, but the input ${fmtShape(x.shape)} has ${cin}`,
    );
  }
  const one = (name: string, v: number | undefined, min: number): number => {
    if (v !== undefined && typeof v !== 'number') {
      throw new RangeError(`conv1d: ${name} must be a single integer, got ${JSON.stringify(v)}`);
    }
    return pairOf('conv1d', name, v ?? min, min)[0];
  };
  const padding = options.padding ?? 0;
  const opts: Conv2dOptions = {
    stride: [1, one('stride', options.stride, 1)],
    dilation: [1, one('dilation', options.dilation, 1)],
    padding: typeof padding === 'string' ? padding : [0, one('padding', padding, 0)],
    groups,
  };
  return tidy(() => squeeze(convolve('conv1d', unsqueeze(x, -2), unsqueeze(weight, 2), bias, opts, true), -2));
}
