/**
 * Sliding blocks (im2col) and their inverse (col2im), like
 * `torch.nn.functional.unfold` / `fold`. Both are one gather / scatterAdd over
 * the flattened spatial axis with a host-built index table (see
 * util/conv-windows.ts); convolutions and pooling are built on the same tables.
 */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import type { Tensor } from '../tensor/tensor';
import {
  castTo,
  gatherWindows,
  type IntPair,
  pairOf,
  pooledSize,
  scatterWindows,
  type WindowGeometry,
  windowTable,
} from '../util/conv-windows';
import { reshape } from './views';

export interface UnfoldOptions {
  /** Spacing between kernel elements (default 1). */
  dilation?: IntPair;
  /** Zero padding on both sides of each spatial dim (default 0). */
  padding?: IntPair;
  /** Step between blocks (default 1). */
  stride?: IntPair;
}

interface Resolved {
  kH: number;
  kW: number;
  dH: number;
  dW: number;
  pH: number;
  pW: number;
  sH: number;
  sW: number;
}

function resolve(op: string, kernelSize: IntPair, options: UnfoldOptions): Resolved {
  const [kH, kW] = pairOf(op, 'kernelSize', kernelSize, 1);
  const [dH, dW] = pairOf(op, 'dilation', options.dilation ?? 1, 1);
  const [pH, pW] = pairOf(op, 'padding', options.padding ?? 0, 0);
  const [sH, sW] = pairOf(op, 'stride', options.stride ?? 1, 1);
  return { kH, kW, dH, dW, pH, pW, sH, sW };
}

/** Number of blocks down and across a (h, w) plane, with the error PyTorch gives when there are none. */
function blockCounts(op: string, h: number, w: number, r: Resolved): [number, number] {
  const bH = pooledSize(h, r.kH, r.pH, r.pH, r.sH, r.dH, false);
  const bW = pooledSize(w, r.kW, r.pW, r.pW, r.sW, r.dW, false);
  if (bH < 1 || bW < 1) {
    throw new ShapeError(
      `${op}: the ${h}x${w} plane (padding ${r.pH}x${r.pW}) is smaller than the kernel ${r.kH}x${r.kW} (dilation ${r.dH}x${r.dW}, so ${r.dH * (r.kH - 1) + 1}x${r.dW * (r.kW - 1) + 1} wide), giving ${bH}x${bW} blocks`,
    );
  }
  return [bH, bW];
}

const geometry = (h: number, w: number, bH: number, bW: number, r: Resolved): WindowGeometry => ({
  h,
  w,
  outH: bH,
  outW: bW,
  kH: r.kH,
  kW: r.kW,
  sH: r.sH,
  sW: r.sW,
  dH: r.dH,
  dW: r.dW,
  padT: r.pH,
  padL: r.pW,
});

/**
 * Extracts sliding blocks (im2col), like `torch.nn.functional.unfold`:
 * (N, C, H, W) -> (N, C * kH * kW, L), where L is the number of blocks and
 * row `c * kH * kW + i * kW + j` holds kernel element (i, j) of channel c in
 * every block (row-major over blocks). A 3-d (C, H, W) input gives (C * kH * kW, L).
 * Padding reads zeros.
 *
 * @example
 * unfold(arange(9, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 3, 3), 2);
 * // shape [1, 4, 4]: [[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]]
 */
export function unfold(x: Tensor, kernelSize: IntPair, options: UnfoldOptions = {}): Tensor {
  x.assertAlive('unfold');
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(`unfold: expected a 3-d (C, H, W) or 4-d (N, C, H, W) input, got shape ${fmtShape(x.shape)}`);
  }
  const r = resolve('unfold', kernelSize, options);
  const [n, c, h, w] = (x.ndim === 4 ? x.shape : [1, ...x.shape]) as [number, number, number, number];
  const [bH, bW] = blockCounts('unfold', h, w, r);
  const K = r.kH * r.kW;
  const L = bH * bW;
  return tidy(() => {
    const cols = gatherWindows(reshape(x, [n, c, h, w]), windowTable(geometry(h, w, bH, bW, r)), K, L, 0);
    return reshape(cols, x.ndim === 4 ? [n, c * K, L] : [c * K, L]);
  });
}

/**
 * Sums sliding blocks back into a plane (col2im), like
 * `torch.nn.functional.fold`: (N, C * kH * kW, L) -> (N, C, outH, outW), the
 * inverse layout of `unfold`; overlapping entries add up and entries in the
 * padding are dropped. L must equal the number of blocks the options give for
 * `outputSize`. A 2-d (C * kH * kW, L) input gives (C, outH, outW).
 *
 * @example
 * const x = ones([1, 1, 3, 3]);
 * fold(unfold(x, 2), [3, 3], 2); // [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]: how many blocks cover each pixel
 */
export function fold(cols: Tensor, outputSize: IntPair, kernelSize: IntPair, options: UnfoldOptions = {}): Tensor {
  cols.assertAlive('fold');
  if (cols.ndim !== 2 && cols.ndim !== 3) {
    throw new ShapeError(
      `fold: expected a 2-d (C * kH * kW, L) or 3-d (N, C * kH * kW, L) input, got shape ${fmtShape(cols.shape)}`,
    );
  }
  if (cols.dtype === 'bool') throw new DTypeError(`fold: bool inputs cannot be summed; convert with .to('float32')`);
  const [h, w] = pairOf('fold', 'outputSize', outputSize, 1);
  const r = resolve('fold', kernelSize, options);
  const [n, rows, L] = (cols.ndim === 3 ? cols.shape : [1, ...cols.shape]) as [number, number, number];
  const K = r.kH * r.kW;
  if (rows % K !== 0) {
    throw new ShapeError(
      `fold: dimension ${cols.ndim - 2} of the input ${fmtShape(cols.shape)} (${rows}) must be divisible by kH * kW = ${r.kH} * ${r.kW}`,
    );
  }
  const [bH, bW] = blockCounts('fold', h, w, r);
  if (bH * bW !== L) {
    throw new ShapeError(
      `fold: an output of ${h}x${w} with these options has ${bH}x${bW} = ${bH * bW} blocks, but the input ${fmtShape(cols.shape)} has L = ${L}`,
    );
  }
  const c = rows / K;
  return tidy(() => {
    const compute = cols.dtype === 'float16' ? castTo(cols, 'float32') : cols;
    let out = scatterWindows(reshape(compute, [n, c, K, L]), windowTable(geometry(h, w, bH, bW, r)), h, w);
    if (cols.dtype === 'float16') out = castTo(out, 'float16');
    return cols.ndim === 3 ? out : reshape(out, [c, h, w]);
  });
}
