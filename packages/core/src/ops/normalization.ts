/**
 * Normalisation layers' functional forms: batchNorm, layerNorm, groupNorm and
 * instanceNorm, with PyTorch's statistics (biased variance to normalise,
 * unbiased for running estimates) and default eps = 1e-5. Tensors are
 * immutable, so batchNorm and instanceNorm return the updated running
 * statistics instead of writing them: a module assigns them to its buffers.
 * Everything computes in float32 (float16 results are stored back as float16).
 */
import { E, type Expr } from '../backend/expr';
import type { DType } from '../dtype';
import { runFused, runPrimitive } from '../engine';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import { shapesEqual } from '../shape';
import type { Tensor } from '../tensor/tensor';
import { add, mul, sub } from './arithmetic';
import { elementwise } from './elementwise';
import { rsqrt } from './math';
import { mean } from './reduce';
import { reshape } from './views';

function castTo(x: Tensor, dtype: DType): Tensor {
  return runPrimitive('elementwise', [x], { expr: E.cast(E.input(0, x.dtype), dtype) }, { shape: x.shape, dtype });
}

const f32 = (t: Tensor): Tensor => (t.dtype === 'float32' ? t : castTo(t, 'float32'));
/** The result back in the input's dtype when that is float16 (float32 otherwise). */
const restore = (y: Tensor, like: Tensor): Tensor => (like.dtype === 'float16' ? castTo(y, 'float16') : y);

function checkParam(op: string, name: string, t: Tensor | undefined, shape: readonly number[]): void {
  if (!t) return;
  t.assertAlive(op);
  if (!shapesEqual(t.shape, shape))
    throw new ShapeError(`${op}: ${name} must have shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
  if (t.dtype === 'bool') throw new DTypeError(`${op}: ${name} must be a float tensor, got bool`);
}

/** Mean and biased variance over `axes` (kept as size-1 dims). */
function moments(x: Tensor, axes: readonly number[]): { mu: Tensor; variance: Tensor } {
  const mu = mean(x, axes, true);
  const centered = sub(x, mu);
  return { mu, variance: mean(mul(centered, centered), axes, true) };
}

/** `(x - mu) * rsqrt(var + eps) * weight + bias` with weight/bias already broadcastable. */
/**
 * `(x - mu) * rsqrt(variance + eps) * weight + bias` as one elementwise pass
 * over x: the statistics and affine parameters are small broadcast tensors
 * (per channel, or per row for layerNorm), so only rsqrt runs separately, on
 * the small tensor. Written op by op this was four full passes over x — a third
 * of a ResNet's inference time.
 */
function normalize(x: Tensor, mu: Tensor, variance: Tensor, eps: number, weight?: Tensor, bias?: Tensor): Tensor {
  const invStd = rsqrt(add(variance, eps));
  try {
    const affine = [weight, bias].filter((t): t is Tensor => t !== undefined);
    return elementwise('normalize', [x, mu, invStd, ...affine], ([xv, m, s, ...rest]) => {
      let y = E.binary('mul', E.binary('sub', xv as Expr, m as Expr), s as Expr);
      if (weight) y = E.binary('mul', y, rest[0] as Expr);
      if (bias) y = E.binary('add', y, rest[weight ? 1 : 0] as Expr);
      return y;
    });
  } finally {
    invStd.dispose();
  }
}

export interface NormAffine {
  /** Per-channel (or per-element, for layerNorm) scale. */
  weight?: Tensor;
  /** Per-channel (or per-element, for layerNorm) shift. */
  bias?: Tensor;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

export interface BatchNormOptions extends NormAffine {
  /** Use (and update) batch statistics (default false: use the running ones). */
  training?: boolean;
  /** Weight of the new batch statistic in the running estimate (default 0.1). */
  momentum?: number;
}

/**
 * What batchNorm and instanceNorm return: the output, plus the updated running
 * statistics when they were given and batch statistics were used (otherwise
 * undefined: nothing to update). A module assigns these to its buffers.
 */
export interface NormResult {
  output: Tensor;
  runningMean?: Tensor;
  runningVar?: Tensor;
}

function checkChannels(op: string, x: Tensor): number {
  x.assertAlive(op);
  if (x.ndim < 2) throw new ShapeError(`${op}: input must be (N, C, ...), got shape ${fmtShape(x.shape)}`);
  if (x.dtype === 'bool') throw new DTypeError(`${op}: input must be a float tensor, got bool`);
  return x.shape[1] as number;
}

/** A (C) vector shaped to broadcast along dim 1 of an ndim-d input. */
const channelView = (t: Tensor, ndim: number): Tensor =>
  reshape(
    t,
    Array.from({ length: ndim }, (_, i) => (i === 1 ? (t.shape[0] as number) : 1)),
  );

/** running = (1 - momentum) * running + momentum * stat (PyTorch's update). */
const updateRunning = (running: Tensor, stat: Tensor, momentum: number): Tensor =>
  restore(add(mul(f32(running), 1 - momentum), mul(stat, momentum)), running);

/**
 * F.batch_norm over dim 1 of (N, C, ...). Training normalises with the batch
 * mean and biased variance (over N and the spatial dims) and, when running
 * statistics are given, returns them updated with the unbiased variance:
 * `running = (1 - momentum) * running + momentum * batchStat`. Eval mode
 * (the default) normalises with the running statistics, which are required.
 *
 * @example
 * const { output, runningMean, runningVar } = batchNorm(x, rm, rv, { training: true });
 */
export function batchNorm(x: Tensor, runningMean?: Tensor, runningVar?: Tensor, options: BatchNormOptions = {}): NormResult {
  const c = checkChannels('batchNorm', x);
  for (const [name, t] of [
    ['runningMean', runningMean],
    ['runningVar', runningVar],
    ['weight', options.weight],
    ['bias', options.bias],
  ] as const)
    checkParam('batchNorm', name, t, [c]);
  const eps = options.eps ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  const training = options.training ?? false;
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const count = axes.reduce((n, a) => n * (x.shape[a] as number), 1);
  if (training && count <= 1)
    throw new RangeError(`batchNorm: expected more than 1 value per channel when training, got input shape ${fmtShape(x.shape)}`);
  if (!training && (!runningMean || !runningVar))
    throw new RangeError('batchNorm: runningMean and runningVar are required when training is false');
  return tidy(() => {
    const xf = f32(x);
    const w = options.weight && channelView(f32(options.weight), x.ndim);
    const b = options.bias && channelView(f32(options.bias), x.ndim);
    if (!training) {
      const mu = channelView(f32(runningMean as Tensor), x.ndim);
      const variance = channelView(f32(runningVar as Tensor), x.ndim);
      return { output: restore(normalize(xf, mu, variance, eps, w, b), x) };
    }
    const { mu, variance } = moments(xf, axes);
    const output = restore(normalize(xf, mu, variance, eps, w, b), x);
    const result: NormResult = { output };
    if (runningMean) result.runningMean = updateRunning(runningMean, reshape(mu, [c]), momentum);
    if (runningVar) result.runningVar = updateRunning(runningVar, mul(reshape(variance, [c]), count / (count - 1)), momentum);
    return result;
  });
}

/** The layerNorm composite (what a backend's fused kernel must match); float32 tensors, validated shapes. */
export function layerNormComposite(x: Tensor, normalizedDims: number, eps: number, weight?: Tensor, bias?: Tensor): Tensor {
  return tidy(() => {
    const axes = Array.from({ length: normalizedDims }, (_, i) => x.ndim - normalizedDims + i);
    const { mu, variance } = moments(x, axes);
    return normalize(x, mu, variance, eps, weight, bias);
  });
}

/**
 * F.layer_norm: normalises over the trailing dims given by `normalizedShape`
 * (which must match them), then applies the element-wise `weight` and `bias`
 * (each of shape `normalizedShape`). Uses a backend's fused kernel when it has one.
 *
 * @example
 * layerNorm(tensor([[1, 3]]), [2]); // ≈ [[-1, 1]]
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], options: NormAffine = {}): Tensor {
  x.assertAlive('layerNorm');
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const k = shape.length;
  if (k === 0 || k > x.ndim || !shapesEqual(x.shape.slice(x.ndim - k), shape)) {
    throw new ShapeError(
      `layerNorm: normalizedShape ${fmtShape(shape)} must be non-empty and match the trailing dims of the input ${fmtShape(x.shape)}`,
    );
  }
  if (x.dtype === 'bool') throw new DTypeError('layerNorm: input must be a float tensor, got bool');
  checkParam('layerNorm', 'weight', options.weight, shape);
  checkParam('layerNorm', 'bias', options.bias, shape);
  const eps = options.eps ?? 1e-5;
  return tidy(() => {
    const xf = f32(x);
    const w = options.weight && f32(options.weight);
    const b = options.bias && f32(options.bias);
    const inputs = [xf, ...(w ? [w] : []), ...(b ? [b] : [])];
    const params = { normalizedDims: k, eps, hasWeight: w !== undefined, hasBias: b !== undefined };
    const y =
      xf.size === 0
        ? layerNormComposite(xf, k, eps, w, b)
        : (runFused('layerNorm', inputs, params, { shape: xf.shape, dtype: 'float32' }) ?? layerNormComposite(xf, k, eps, w, b));
    return restore(y, x);
  });
}

/**
 * F.group_norm: splits the C channels of (N, C, ...) into `numGroups` groups
 * and normalises each (sample, group) over its channels and spatial dims;
 * `weight` and `bias` are per channel (C).
 *
 * @example
 * groupNorm(x, 2, { weight, bias }); // x: (N, 4, H, W), groups of 2 channels
 */
export function groupNorm(x: Tensor, numGroups: number, options: NormAffine = {}): Tensor {
  const c = checkChannels('groupNorm', x);
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0)
    throw new RangeError(`groupNorm: numGroups (${numGroups}) must be a positive integer dividing the channels (${c})`);
  checkParam('groupNorm', 'weight', options.weight, [c]);
  checkParam('groupNorm', 'bias', options.bias, [c]);
  const eps = options.eps ?? 1e-5;
  return tidy(() => {
    const n = x.shape[0] as number;
    const grouped = reshape(f32(x), [n, numGroups, -1]);
    const { mu, variance } = moments(grouped, [2]);
    const y = reshape(normalize(grouped, mu, variance, eps), x.shape);
    const w = options.weight && channelView(f32(options.weight), x.ndim);
    const b = options.bias && channelView(f32(options.bias), x.ndim);
    return restore(add(w ? mul(y, w) : y, b ?? 0), x);
  });
}

export interface InstanceNormOptions extends NormAffine {
  runningMean?: Tensor;
  runningVar?: Tensor;
  /** Normalise with each instance's own statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  /** Weight of the new statistic in the running estimate (default 0.1). */
  momentum?: number;
}

/**
 * F.instance_norm: normalises each (sample, channel) of (N, C, ...) over its
 * spatial dims. With `useInputStats` (the default) and running statistics
 * given, returns them updated like PyTorch: the per-instance means and
 * unbiased variances averaged over the batch, mixed in with `momentum`.
 *
 * @example
 * instanceNorm(x).output; // x: (N, C, L)
 */
export function instanceNorm(x: Tensor, options: InstanceNormOptions = {}): NormResult {
  const c = checkChannels('instanceNorm', x);
  const { runningMean, runningVar } = options;
  for (const [name, t] of [
    ['runningMean', runningMean],
    ['runningVar', runningVar],
    ['weight', options.weight],
    ['bias', options.bias],
  ] as const)
    checkParam('instanceNorm', name, t, [c]);
  const eps = options.eps ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  const useInputStats = options.useInputStats ?? true;
  const axes = x.shape.map((_, i) => i).slice(2);
  const count = axes.reduce((n, a) => n * (x.shape[a] as number), 1);
  if (useInputStats && count <= 1)
    throw new RangeError(
      `instanceNorm: expected more than 1 spatial element when training, got input shape ${fmtShape(x.shape)}`,
    );
  if (!useInputStats && (!runningMean || !runningVar))
    throw new RangeError('instanceNorm: runningMean and runningVar are required when useInputStats is false');
  return tidy(() => {
    const xf = f32(x);
    const w = options.weight && channelView(f32(options.weight), x.ndim);
    const b = options.bias && channelView(f32(options.bias), x.ndim);
    if (!useInputStats) {
      const mu = channelView(f32(runningMean as Tensor), x.ndim);
      const variance = channelView(f32(runningVar as Tensor), x.ndim);
      return { output: restore(normalize(xf, mu, variance, eps, w, b), x) };
    }
    const { mu, variance } = moments(xf, axes);
    const result: NormResult = { output: restore(normalize(xf, mu, variance, eps, w, b), x) };
    const n = x.shape[0] as number;
    if (runningMean) result.runningMean = updateRunning(runningMean, mean(reshape(mu, [n, c]), 0), momentum);
    if (runningVar)
      result.runningVar = updateRunning(runningVar, mean(mul(reshape(variance, [n, c]), count / (count - 1)), 0), momentum);
    return result;
  });
}
