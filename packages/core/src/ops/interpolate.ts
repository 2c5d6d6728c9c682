/**
 * F.interpolate for 'nearest', 'nearest-exact', 'linear' (N, C, L) and
 * 'bilinear' (N, C, H, W). Source indices and weights depend only on the
 * shapes, so they are computed on the host with PyTorch's float32 formulas and
 * applied per spatial axis with indexSelect (a gather) and one elementwise blend.
 */
import { E } from '../backend/expr';
import type { DType } from '../dtype';
import { isFloat } from '../dtype';
import { runPrimitive } from '../engine';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import type { Tensor } from '../tensor/tensor';
import { add, mul } from './arithmetic';
import { tensor } from './creation';
import { indexSelect } from './indexing';
import { reshape } from './views';

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear';

export interface InterpolateOptions {
  /** Output spatial size: one number for every spatial dim, or one per dim. */
  size?: number | readonly number[];
  /** Multiplier of each spatial size (output = floor(input * scale)); exclusive with `size`. */
  scaleFactor?: number | readonly number[];
  /** Default 'nearest'. */
  mode?: InterpolateMode;
  /** linear/bilinear only: align the corner pixels' centres (default false). */
  alignCorners?: boolean;
  /** Compute the source scale from the sizes rather than from `scaleFactor` (default false, like PyTorch). */
  recomputeScaleFactor?: boolean;
}

const f = Math.fround;

function castTo(x: Tensor, dtype: DType): Tensor {
  return runPrimitive('elementwise', [x], { expr: E.cast(E.input(0, x.dtype), dtype) }, { shape: x.shape, dtype });
}

/** PyTorch's compute_scales_value: 1 / scale when a scale factor is used, else in / out (float32). */
function scaleOf(inSize: number, outSize: number, scale: number | undefined): number {
  return scale !== undefined && scale > 0 ? f(1 / scale) : f(inSize / outSize);
}

/** Nearest source index per output position (upsample_nearest / nearest-exact). */
function nearestIndices(inSize: number, outSize: number, scale: number | undefined, exact: boolean): number[] {
  const s = scaleOf(inSize, outSize, scale);
  return Array.from({ length: outSize }, (_, i) => {
    if (!exact && outSize === inSize) return i;
    if (!exact && outSize === 2 * inSize) return i >> 1;
    // nearest-exact's (dst + 0.5) is a double in PyTorch; nearest's dst * scale is float32.
    const src = exact ? Math.floor((i + 0.5) * s) : Math.floor(f(i * s));
    return Math.min(src, inSize - 1);
  });
}

/** Linear source indices (i0, i1) and weights (1 - λ, λ) per output position. */
function linearWeights(inSize: number, outSize: number, scale: number | undefined, alignCorners: boolean) {
  const s = alignCorners ? (outSize > 1 ? f((inSize - 1) / (outSize - 1)) : 0) : scaleOf(inSize, outSize, scale);
  const i0: number[] = [];
  const i1: number[] = [];
  const w0: number[] = [];
  const w1: number[] = [];
  for (let i = 0; i < outSize; i++) {
    let real = alignCorners ? f(s * i) : f(f(s * f(i + 0.5)) - 0.5);
    if (!alignCorners && real < 0) real = 0;
    const lo = Math.min(Math.floor(real), inSize - 1);
    const lambda = Math.min(Math.max(f(real - lo), 0), 1);
    i0.push(lo);
    i1.push(lo + (lo < inSize - 1 ? 1 : 0));
    w1.push(lambda);
    w0.push(f(1 - lambda));
  }
  return { i0, i1, w0, w1 };
}

function spatialList(op: string, value: number | readonly number[], n: number, what: string): number[] {
  const list = typeof value === 'number' ? new Array<number>(n).fill(value) : [...value];
  if (list.length !== n) throw new ShapeError(`${op}: ${what} needs ${n} values (one per spatial dim), got ${list.length}`);
  return list;
}

/**
 * Resizes the spatial dims of (N, C, ...) like F.interpolate. 'nearest' takes
 * `floor(dst * scale)` (PyTorch's legacy nearest), 'nearest-exact'
 * `floor((dst + 0.5) * scale)`; 'linear' (3-d input) and 'bilinear' (4-d) blend
 * the two nearest source positions with PyTorch's source-index formula
 * (clamped at 0 unless alignCorners). `scale` is 1 / scaleFactor when a factor
 * is given (and not recomputed), else in / out.
 *
 * @example
 * interpolate(x, { scaleFactor: 2 });                                     // nearest, (N, C, 2H, 2W)
 * interpolate(x, { size: [5, 7], mode: 'bilinear', alignCorners: true });
 */
export function interpolate(x: Tensor, options: InterpolateOptions = {}): Tensor {
  const op = 'interpolate';
  x.assertAlive(op);
  const mode = options.mode ?? 'nearest';
  if (!['nearest', 'nearest-exact', 'linear', 'bilinear'].includes(mode))
    throw new RangeError(`${op}: unknown mode '${String(mode)}'; expected 'nearest', 'nearest-exact', 'linear' or 'bilinear'`);
  const linear = mode === 'linear' || mode === 'bilinear';
  const wantDims = mode === 'linear' ? 3 : mode === 'bilinear' ? 4 : undefined;
  if (wantDims !== undefined ? x.ndim !== wantDims : x.ndim < 3)
    throw new ShapeError(
      `${op}: mode '${mode}' expects ${wantDims === undefined ? 'an (N, C, ...spatial) input with at least 3 dims' : `a ${wantDims}-d input`}, got shape ${fmtShape(x.shape)}`,
    );
  if (options.alignCorners !== undefined && !linear)
    throw new RangeError(`${op}: alignCorners only applies to 'linear' and 'bilinear' modes (not '${mode}')`);
  if ((options.size === undefined) === (options.scaleFactor === undefined))
    throw new RangeError(`${op}: pass exactly one of size and scaleFactor`);
  if (linear && !isFloat(x.dtype)) throw new DTypeError(`${op}: mode '${mode}' needs a float tensor, got ${x.dtype}`);
  const spatial = x.shape.slice(2);
  const n = spatial.length;
  let outSizes: number[];
  let scales: (number | undefined)[] = new Array<number | undefined>(n).fill(undefined);
  if (options.size !== undefined) {
    outSizes = spatialList(op, options.size, n, 'size');
  } else {
    const factors = spatialList(op, options.scaleFactor as number | readonly number[], n, 'scaleFactor');
    for (const s of factors)
      if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`${op}: scaleFactor must be positive, got ${s}`);
    outSizes = spatial.map((d, i) => Math.floor(d * (factors[i] as number)));
    if (!options.recomputeScaleFactor) scales = factors;
  }
  for (const s of outSizes)
    if (!Number.isInteger(s) || s < 1)
      throw new ShapeError(`${op}: output sizes must be positive integers, got ${fmtShape(outSizes)}`);
  spatial.forEach((d) => {
    if (d < 1) throw new ShapeError(`${op}: input spatial dims must be non-empty, got shape ${fmtShape(x.shape)}`);
  });
  const alignCorners = options.alignCorners ?? false;
  return tidy(() => {
    const backend = x.backend;
    const idx = (values: number[]) => tensor(values, { dtype: 'int32', backend });
    let y = linear && x.dtype !== 'float32' ? castTo(x, 'float32') : x;
    spatial.forEach((inSize, k) => {
      const axis = 2 + k;
      const outSize = outSizes[k] as number;
      if (!linear) {
        y = indexSelect(y, axis, idx(nearestIndices(inSize, outSize, scales[k], mode === 'nearest-exact')));
        return;
      }
      const { i0, i1, w0, w1 } = linearWeights(inSize, outSize, scales[k], alignCorners);
      const wShape = y.shape.map((_, d) => (d === axis ? outSize : 1));
      const weight = (values: number[]) => reshape(tensor(values, { dtype: 'float32', backend }), wShape);
      y = add(mul(indexSelect(y, axis, idx(i0)), weight(w0)), mul(indexSelect(y, axis, idx(i1)), weight(w1)));
    });
    return y.dtype === x.dtype ? y : castTo(y, x.dtype);
  });
}
