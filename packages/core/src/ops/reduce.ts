/**
 * Reductions over any set of axes (`axis` undefined = all), with `keepDim`.
 * sum/prod/max/min/argmax/argmin/any/all are the `reduce` primitive; mean, var,
 * std, logSumExp and norm are composites of it. float16 reduces in float32.
 */
import { E } from '../backend/expr';
import type { ReduceOp } from '../backend/primitives';
import type { DType } from '../dtype';
import { runPrimitive } from '../engine';
import { fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import { normAxes, normAxis } from '../shape';
import type { Tensor } from '../tensor/tensor';
import { add, div, mul, sub } from './arithmetic';
import { where } from './compare';
import { mapUnary } from './elementwise';
import { abs, exp as expOp, isFinite as isFiniteOp, log, sqrt } from './math';
import { defineMethods } from './tensor-method';
import { reshape } from './views';

export type Axis = number | readonly number[];

function castTo(x: Tensor, dtype: DType): Tensor {
  return runPrimitive('elementwise', [x], { expr: E.cast(E.input(0, x.dtype), dtype) }, { shape: x.shape, dtype });
}

function reduceCore(op: ReduceOp, name: string, x: Tensor, axis: Axis | undefined, keepDim: boolean, outDType: DType): Tensor {
  x.assertAlive(name);
  const axes = normAxes(axis, x.ndim, name);
  if (['max', 'min', 'argmax', 'argmin'].includes(op) && axes.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(
      `${name}: cannot reduce over an empty dimension (shape ${fmtShape(x.shape)}); there is no identity for ${op}`,
    );
  }
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const input = x.dtype === 'float16' ? castTo(x, 'float32') : x;
  const kernelOut: DType = outDType === 'float16' ? 'float32' : outDType;
  let result = runPrimitive('reduce', [input], { op, axes }, { shape: outShape, dtype: kernelOut });
  if (input !== x) input.dispose();
  if (outDType !== kernelOut) {
    const cast = castTo(result, outDType);
    result.dispose();
    result = cast;
  }
  if (!keepDim) return result;
  const kept = reshape(
    result,
    x.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
  );
  result.dispose();
  return kept;
}

const accumulateType = (d: DType): DType => (d === 'bool' ? 'int32' : d);

export function sum(x: Tensor, axis?: Axis, keepDim = false): Tensor {
  return reduceCore('sum', 'sum', x, axis, keepDim, accumulateType(x.dtype));
}

export function prod(x: Tensor, axis?: Axis, keepDim = false): Tensor {
  return reduceCore('prod', 'prod', x, axis, keepDim, accumulateType(x.dtype));
}

export function max(x: Tensor, axis?: Axis, keepDim = false): Tensor {
  return reduceCore('max', 'max', x, axis, keepDim, x.dtype);
}

export function min(x: Tensor, axis?: Axis, keepDim = false): Tensor {
  return reduceCore('min', 'min', x, axis, keepDim, x.dtype);
}

/** Index of the first maximum along `axis` (over the flattened tensor when omitted). NaN counts as the maximum. */
export function argmax(x: Tensor, axis?: number, keepDim = false): Tensor {
  if (axis === undefined) return tidy(() => reduceCore('argmax', 'argmax', reshape(x, [-1]), 0, false, 'int32'));
  return reduceCore('argmax', 'argmax', x, normAxis(axis, x.ndim, 'argmax'), keepDim, 'int32');
}

export function argmin(x: Tensor, axis?: number, keepDim = false): Tensor {
  if (axis === undefined) return tidy(() => reduceCore('argmin', 'argmin', reshape(x, [-1]), 0, false, 'int32'));
  return reduceCore('argmin', 'argmin', x, normAxis(axis, x.ndim, 'argmin'), keepDim, 'int32');
}

export function all(x: Tensor, axis?: Axis, keepDim = false): Tensor {
  return reduceCore('all', 'all', x, axis, keepDim, 'bool');
}

export function any(x: Tensor, axis?: Axis, keepDim = false): Tensor {
  return reduceCore('any', 'any', x, axis, keepDim, 'bool');
}

function countOf(x: Tensor, axis: Axis | undefined): number {
  return normAxes(axis, x.ndim, 'mean').reduce((n, a) => n * (x.shape[a] as number), 1);
}

const floatOf = (x: Tensor): Tensor => (x.dtype === 'float32' || x.dtype === 'float16' ? x : castTo(x, 'float32'));

/** Arithmetic mean; integer input gives float32. The mean of nothing is NaN (like PyTorch). */
export function mean(x: Tensor, axis?: Axis, keepDim = false): Tensor {
  normAxes(axis, x.ndim, 'mean'); // axis errors name the op the caller used
  return tidy(() => div(sum(floatOf(x), axis, keepDim), countOf(x, axis)));
}

export interface VarianceOptions {
  /** Subtracted from the count in the denominator: 1 (default) is Bessel's correction, 0 the population variance. */
  correction?: number;
  keepDim?: boolean;
}

export function variance(x: Tensor, axis?: Axis, options: VarianceOptions = {}): Tensor {
  normAxes(axis, x.ndim, 'var');
  const correction = options.correction ?? 1;
  return tidy(() => {
    const xf = floatOf(x);
    const centered = sub(xf, mean(xf, axis, true));
    const ss = sum(mul(centered, centered), axis, options.keepDim ?? false);
    return div(ss, Math.max(0, countOf(x, axis) - correction));
  });
}

export function std(x: Tensor, axis?: Axis, options: VarianceOptions = {}): Tensor {
  normAxes(axis, x.ndim, 'std');
  return tidy(() => sqrt(variance(x, axis, options)));
}

/** log(sum(exp(x))) without overflow: the max is subtracted first (and infinities handled). */
export function logSumExp(x: Tensor, axis?: Axis, keepDim = false): Tensor {
  normAxes(axis, x.ndim, 'logSumExp');
  return tidy(() => {
    const xf = floatOf(x);
    const m = max(xf, axis, true);
    const shift = where(isFiniteOp(m), m, 0);
    const s = log(sum(expOp(sub(xf, shift)), axis, true));
    const out = add(s, shift);
    return keepDim
      ? out
      : reshape(
          out,
          out.shape.filter((_, i) => !normAxes(axis, x.ndim, 'logSumExp').includes(i)),
        );
  });
}

export type NormOrder = 1 | 2 | 'inf' | '-inf' | 'fro';

/** Vector norm over the axes: p = 1, 2 (default; 'fro' is the same over two axes), or 'inf' / '-inf'. */
export function norm(x: Tensor, p: NormOrder = 2, axis?: Axis, keepDim = false): Tensor {
  normAxes(axis, x.ndim, 'norm');
  return tidy(() => {
    const xf = floatOf(x);
    switch (p) {
      case 1:
        return sum(abs(xf), axis, keepDim);
      case 2:
      case 'fro':
        return sqrt(
          sum(
            mapUnary('norm', xf, (v) => E.binary('mul', v, v)),
            axis,
            keepDim,
          ),
        );
      case 'inf':
        return max(abs(xf), axis, keepDim);
      case '-inf':
        return min(abs(xf), axis, keepDim);
    }
    throw new RangeError(`norm: unsupported order ${String(p)}; use 1, 2, 'fro', 'inf' or '-inf'`);
  });
}

function scan(op: 'sum' | 'prod', x: Tensor, axis: number): Tensor {
  x.assertAlive(op === 'sum' ? 'cumsum' : 'cumprod');
  const a = normAxis(axis, x.ndim, op === 'sum' ? 'cumsum' : 'cumprod');
  if (x.ndim === 0) return tidy(() => reshape(scan(op, reshape(x, [1]), 0), []));
  const outType = accumulateType(x.dtype);
  const input = x.dtype === 'float16' || x.dtype === 'bool' ? castTo(x, x.dtype === 'bool' ? 'int32' : 'float32') : x;
  const result = runPrimitive('scan', [input], { op, axis: a }, { shape: x.shape, dtype: input.dtype });
  if (input !== x) input.dispose();
  if (result.dtype === outType) return result;
  const cast = castTo(result, outType);
  result.dispose();
  return cast;
}

export const cumsum = (x: Tensor, axis: number): Tensor => scan('sum', x, axis);
export const cumprod = (x: Tensor, axis: number): Tensor => scan('prod', x, axis);

defineMethods({ sum, prod, max, min, argmax, argmin, all, any, mean, var: variance, std, logSumExp, norm, cumsum, cumprod });

declare module '../tensor/tensor' {
  interface Tensor {
    sum(axis?: Axis, keepDim?: boolean): Tensor;
    prod(axis?: Axis, keepDim?: boolean): Tensor;
    max(axis?: Axis, keepDim?: boolean): Tensor;
    min(axis?: Axis, keepDim?: boolean): Tensor;
    argmax(axis?: number, keepDim?: boolean): Tensor;
    argmin(axis?: number, keepDim?: boolean): Tensor;
    all(axis?: Axis, keepDim?: boolean): Tensor;
    any(axis?: Axis, keepDim?: boolean): Tensor;
    mean(axis?: Axis, keepDim?: boolean): Tensor;
    var(axis?: Axis, options?: VarianceOptions): Tensor;
    std(axis?: Axis, options?: VarianceOptions): Tensor;
    logSumExp(axis?: Axis, keepDim?: boolean): Tensor;
    norm(p?: NormOrder, axis?: Axis, keepDim?: boolean): Tensor;
    cumsum(axis: number): Tensor;
    cumprod(axis: number): Tensor;
  }
}
