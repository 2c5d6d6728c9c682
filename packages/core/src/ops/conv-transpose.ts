/**
 * Transposed convolutions (the gradient of conv2d with respect to its input),
 * like `torch.nn.functional.conv_transpose2d`: one batched matmul per group
 * gives every input pixel's kernel-sized contribution, and col2im (one
 * scatterAdd, see ops/unfold.ts) sums them into the output. float16 computes in float32.
 */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import type { Tensor } from '../tensor/tensor';
import {
  batched4d,
  castTo,
  checkBias,
  checkGroups,
  type IntPair,
  pairOf,
  requireFloat,
  scatterWindows,
  windowTable,
} from '../util/conv-windows';
import { add } from './arithmetic';
import { matmul } from './matmul';
import { reshape, squeeze, transpose, unsqueeze } from './views';

export interface ConvTranspose2dOptions {
  /** Stride of the convolution this one transposes (default 1). */
  stride?: IntPair;
  /** Padding of the convolution this one transposes: trims that many rows/columns from each side (default 0). */
  padding?: IntPair;
  /** Extra rows/columns at the bottom/right of the output (default 0); smaller than stride or dilation. */
  outputPadding?: IntPair;
  /** Channel groups (default 1). */
  groups?: number;
  /** Spacing between kernel elements (default 1). */
  dilation?: IntPair;
}

function convTranspose(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: ConvTranspose2dOptions) {
  const { n, c: cin, h, w } = batched4d(op, x);
  weight.assertAlive(op);
  requireFloat(op, x);
  if (weight.dtype !== x.dtype) throw new DTypeError(`${op}: weight dtype ${weight.dtype} must match the input's ${x.dtype}`);
  if (weight.ndim !== 4) {
    throw new ShapeError(`${op}: weight must be 4-d (in channels, out channels / groups, kH, kW), got ${fmtShape(weight.shape)}`);
  }
  const groups = checkGroups(op, options.groups ?? 1);
  const [win, coutG, kH, kW] = weight.shape as [number, number, number, number];
  if (win !== cin) {
    throw new ShapeError(
      `${op}: weight ${fmtShape(weight.shape)} expects ${win} input channels (its dim 0), but the input ${fmtShape(x.shape)} has ${cin}`,
    );
  }
  if (cin % groups !== 0) {
    throw new ShapeError(`${op}: the ${cin} input channels of ${fmtShape(x.shape)} must be divisible by groups = ${groups}`);
  }
  if (kH === 0 || kW === 0) throw new ShapeError(`${op}: weight ${fmtShape(weight.shape)} has an empty kernel`);
  const cout = coutG * groups;
  checkBias(op, bias, cout, x.dtype);
  const [sH, sW] = pairOf(op, 'stride', options.stride ?? 1, 1);
  const [pH, pW] = pairOf(op, 'padding', options.padding ?? 0, 0);
  const [dH, dW] = pairOf(op, 'dilation', options.dilation ?? 1, 1);
  const [oH, oW] = pairOf(op, 'outputPadding', options.outputPadding ?? 0, 0);
  if ((oH >= sH && oH >= dH) || (oW >= sW && oW >= dW)) {
    throw new RangeError(
      `${op}: outputPadding [${oH}, ${oW}] must be smaller than either stride [${sH}, ${sW}] or dilation [${dH}, ${dW}] in each dim`,
    );
  }
  const outH = (h - 1) * sH - 2 * pH + dH * (kH - 1) + oH + 1;
  const outW = (w - 1) * sW - 2 * pW + dW * (kW - 1) + oW + 1;
  if (outH < 1 || outW < 1) {
    throw new ShapeError(
      `${op}: input ${fmtShape(x.shape)} with padding [${pH}, ${pW}] gives an output of ${outH}x${outW}, which is too small`,
    );
  }
  const K = kH * kW;
  const cinG = cin / groups;
  return tidy(() => {
    const half = x.dtype === 'float16';
    const up = (t: Tensor) => (half ? castTo(t, 'float32') : t);
    // (g, out/g * K, in/g) @ (N, g, in/g, H * W): every input pixel's contribution to each kernel slot.
    const wT = transpose(reshape(up(weight), [groups, cinG, coutG * K]), 1, 2);
    const cols = matmul(wT, reshape(up(x), [n, groups, cinG, h * w]));
    const table = windowTable({ h: outH, w: outW, outH: h, outW: w, kH, kW, sH, sW, dH, dW, padT: pH, padL: pW });
    let out = scatterWindows(reshape(cols, [n, cout, K, h * w]), table, outH, outW);
    if (bias) out = add(out, reshape(up(bias), [cout, 1, 1]));
    if (half) out = castTo(out, 'float16');
    return x.ndim === 4 ? out : reshape(out, [cout, outH, outW]);
  });
}

/**
 * 2-d transposed convolution, like `torch.nn.functional.conv_transpose2d`:
 * input (N, C_in, H, W) or (C_in, H, W), weight (C_in, C_out / groups, kH, kW),
 * bias (C_out) -> (N, C_out, H_out, W_out) with
 * H_out = (H - 1) * stride - 2 * padding + dilation * (kH - 1) + outputPadding + 1.
 *
 * @example
 * const x = tensor([[[[1, 2], [3, 4]]]], { dtype: 'float32' });
 * convTranspose2d(x, ones([1, 1, 2, 2]));                  // [[[[1, 3, 2], [4, 10, 6], [3, 7, 4]]]]
 * convTranspose2d(x, ones([1, 1, 2, 2]), null, { stride: 2 }); // each input pixel becomes a 2x2 block
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  return convTranspose('convTranspose2d', x, weight, bias, options);
}

export interface ConvTranspose1dOptions {
  stride?: number;
  padding?: number;
  outputPadding?: number;
  groups?: number;
  dilation?: number;
}

/**
 * 1-d transposed convolution, like `torch.nn.functional.conv_transpose1d`:
 * input (N, C_in, L) or (C_in, L), weight (C_in, C_out / groups, k) -> (N, C_out, L_out)
 * with L_out = (L - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1.
 *
 * @example
 * convTranspose1d(tensor([[[1, 2]]], { dtype: 'float32' }), tensor([[[1, 1, 1]]], { dtype: 'float32' })); // [[[1, 3, 3, 2]]]
 */
export function convTranspose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose1dOptions = {}): Tensor {
  const op = 'convTranspose1d';
  x.assertAlive(op);
  weight.assertAlive(op);
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new ShapeError(`${op}: expected a 2-d (C, L) or 3-d (N, C, L) input, got shape ${fmtShape(x.shape)}`);
  }
  if (weight.ndim !== 3) {
    throw new ShapeError(`${op}: weight must be 3-d (in channels, out channels / groups, k), got ${fmtShape(weight.shape)}`);
  }
  const one = (name: string, v: number | undefined, fallback: number, min: number): number =>
    pairOf(op, name, v ?? fallback, min)[0];
  const opts: ConvTranspose2dOptions = {
    stride: [1, one('stride', options.stride, 1, 1)],
    padding: [0, one('padding', options.padding, 0, 0)],
    outputPadding: [0, one('outputPadding', options.outputPadding, 0, 0)],
    dilation: [1, one('dilation', options.dilation, 1, 1)],
    groups: options.groups ?? 1,
  };
  return tidy(() => squeeze(convTranspose(op, unsqueeze(x, -2), unsqueeze(weight, 2), bias, opts), -2));
}
