/**
 * Functional losses that core does not have (core has crossEntropy and
 * nllLoss), with PyTorch's formulas, defaults and reductions:
 * mseLoss, l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropy,
 * binaryCrossEntropyWithLogits, klDiv, cosineEmbeddingLoss, marginRankingLoss.
 *
 * Element-wise losses require input and target of the same shape (PyTorch
 * broadcasts mse/l1 with a warning; a (N, 1) vs (N) mix-up is almost always a
 * bug, so here it is an error). binaryCrossEntropy has PyTorch's backward
 * (`(x - y) / max(x (1 - x), 1e-12)`), so saturated probabilities of exactly 0
 * or 1 give finite gradients instead of NaN.
 */
import { customGrad } from '@strata/autograd';
import {
  abs,
  add,
  clamp,
  DTypeError,
  div,
  eq,
  exp,
  isFloat,
  type LossReduction,
  log,
  log1p,
  maximum,
  mean,
  mul,
  neg,
  ShapeError,
  softplus,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  tidy,
  where,
} from '@strata/core';
import { fmtShape } from './layers/repr';

export type { LossReduction };

/** KLDivLoss also has 'batchmean': the sum divided by the batch size (the true KL divergence per sample). */
export type KLDivReduction = LossReduction | 'batchmean';

export interface ReductionOptions {
  /** 'mean' (default) | 'sum' | 'none'. */
  reduction?: LossReduction;
}

const fmt = (t: Tensor) => fmtShape(t.shape);

/** Validates a reduction name (shared by the loss modules). @internal */
export function checkReduction<R extends string>(op: string, reduction: R, allowed: readonly R[]): R {
  if (!allowed.includes(reduction))
    throw new RangeError(`${op}: reduction must be ${allowed.map((r) => `'${r}'`).join(', ')}; got '${String(reduction)}'`);
  return reduction;
}

const plainReductions: readonly LossReduction[] = ['mean', 'sum', 'none'];

function reduce(loss: Tensor, reduction: LossReduction): Tensor {
  return reduction === 'mean' ? mean(loss) : reduction === 'sum' ? sum(loss) : loss;
}

/** Float input and a target of the same shape; returns the checked reduction. */
function checkPair(op: string, input: Tensor, target: Tensor, reduction: LossReduction | undefined): LossReduction {
  input.assertAlive(op);
  target.assertAlive(op);
  if (!isFloat(input.dtype)) throw new DTypeError(`${op}: input must be a float tensor, got ${input.dtype}`);
  if (input.shape.length !== target.shape.length || input.shape.some((d, i) => target.shape[i] !== d))
    throw new ShapeError(`${op}: target ${fmt(target)} must have the input's shape ${fmt(input)}; reshape one of them`);
  return checkReduction(op, reduction ?? 'mean', plainReductions);
}

function checkWeight(op: string, name: string, w: Tensor | undefined, input: Tensor): void {
  if (!w) return;
  w.assertAlive(op);
  const fits = w.ndim <= input.ndim && w.shape.every((d, i) => d === 1 || d === input.shape[input.ndim - w.ndim + i]);
  if (!fits) throw new ShapeError(`${op}: ${name} ${fmt(w)} must broadcast to the input ${fmt(input)}`);
}

/**
 * F.mse_loss: (input - target)².
 *
 * @example
 * mseLoss(tensor([1, 2]), tensor([1, 4])); // (0 + 4) / 2 = 2
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = checkPair('mseLoss', input, target, options.reduction);
  return tidy(() => reduce(square(sub(input, target)), reduction));
}

/**
 * F.l1_loss: |input - target|.
 *
 * @example
 * l1Loss(tensor([1, 2]), tensor([1, 4])); // 1
 */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = checkPair('l1Loss', input, target, options.reduction);
  return tidy(() => reduce(abs(sub(input, target)), reduction));
}

export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss switches from quadratic to linear (default 1); 0 gives l1Loss. */
  beta?: number;
}

/**
 * F.smooth_l1_loss: 0.5 d² / beta where |d| < beta, else |d| - 0.5 beta (d = input - target).
 *
 * @example
 * smoothL1Loss(tensor([0, 0]), tensor([0.5, 3])); // (0.125 + 2.5) / 2
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  const reduction = checkPair('smoothL1Loss', input, target, options.reduction);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be >= 0, got ${beta}`);
  return tidy(() => {
    const d = abs(sub(input, target));
    if (beta === 0) return reduce(d, reduction);
    return reduce(where(d.lt(beta), mul(square(d), 0.5 / beta), sub(d, 0.5 * beta)), reduction);
  });
}

export interface HuberOptions extends ReductionOptions {
  /** Where the loss switches from quadratic to linear (default 1, must be > 0). */
  delta?: number;
}

/**
 * F.huber_loss: 0.5 d² where |d| < delta, else delta (|d| - 0.5 delta).
 *
 * @example
 * huberLoss(tensor([0, 0]), tensor([0.5, 3]), { delta: 2 }); // (0.125 + 4) / 2
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  const reduction = checkPair('huberLoss', input, target, options.reduction);
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be > 0, got ${delta}`);
  return tidy(() => {
    const d = abs(sub(input, target));
    return reduce(where(d.lt(delta), mul(square(d), 0.5), mul(sub(d, 0.5 * delta), delta)), reduction);
  });
}

export interface BinaryCrossEntropyOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcasts to the input. */
  weight?: Tensor;
}

/** -(y log x + (1 - y) log(1 - x)) with each log clamped to >= -100, and PyTorch's backward. */
const bcePointwise = customGrad<[Tensor, Tensor]>({
  forward: (x, y) =>
    tidy(() => {
      const logX = maximum(log(x), -100);
      const log1mX = maximum(log1p(neg(x)), -100);
      return neg(add(mul(y, logX), mul(sub(1, y), log1mX)));
    }),
  backward: (g, { inputs: [x, y] }) =>
    tidy(() => [
      div(mul(g, sub(x, y)), maximum(mul(x, sub(1, x)), 1e-12)),
      mul(g, sub(maximum(log1p(neg(x)), -100), maximum(log(x), -100))),
    ]),
});

/**
 * F.binary_cross_entropy on probabilities in [0, 1]:
 * -w (y log x + (1 - y) log(1 - x)), each log clamped to >= -100 like PyTorch.
 *
 * @example
 * binaryCrossEntropy(tensor([0.8]), tensor([1])); // -log 0.8
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const reduction = checkPair('binaryCrossEntropy', input, target, options.reduction);
  checkWeight('binaryCrossEntropy', 'weight', options.weight, input);
  return tidy(() => {
    const y = target.dtype === input.dtype ? target : target.to(input.dtype);
    const loss = bcePointwise(input, y);
    return reduce(options.weight ? mul(loss, options.weight) : loss, reduction);
  });
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive class, broadcast along the last (class) dim: shape (C) for (N, C) inputs. */
  posWeight?: Tensor;
}

/**
 * F.binary_cross_entropy_with_logits: sigmoid and BCE in one stable formula,
 * (1 - y) x + (1 + (p - 1) y) softplus(-x), softplus being
 * log(1 + e^-|x|) + max(-x, 0) to float precision. Then times `weight`.
 *
 * @example
 * binaryCrossEntropyWithLogits(tensor([0]), tensor([1])); // log 2
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: BinaryCrossEntropyWithLogitsOptions = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const reduction = checkPair(op, input, target, options.reduction);
  checkWeight(op, 'weight', options.weight, input);
  checkWeight(op, 'posWeight', options.posWeight, input);
  return tidy(() => {
    const softplusNeg = softplus(neg(input));
    const logWeight = options.posWeight ? add(mul(sub(options.posWeight, 1), target), 1) : undefined;
    const loss = add(mul(sub(1, target), input), logWeight ? mul(logWeight, softplusNeg) : softplusNeg);
    return reduce(options.weight ? mul(loss, options.weight) : loss, reduction);
  });
}

export interface KLDivOptions {
  /**
   * 'mean' (default, PyTorch's: the mean over all elements, not the true KL
   * divergence), 'batchmean' (sum / batch size: the KL divergence), 'sum', 'none'.
   */
  reduction?: KLDivReduction;
  /** The target is given as log-probabilities (default false). */
  logTarget?: boolean;
}

const klReductions: readonly KLDivReduction[] = ['mean', 'batchmean', 'sum', 'none'];

/**
 * F.kl_div: the input is log-probabilities, the target probabilities (or
 * log-probabilities with `logTarget`); pointwise t (log t - x), 0 where t = 0.
 *
 * @example
 * klDiv(logSoftmax(logits, 1), targetProbs, { reduction: 'batchmean' });
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  checkPair('klDiv', input, target, 'none');
  const reduction = checkReduction('klDiv', options.reduction ?? 'mean', klReductions);
  return tidy(() => {
    let loss: Tensor;
    if (options.logTarget) loss = mul(exp(target), sub(target, input));
    else {
      // xlogy(t, t) - t x: t log t is 0 at t = 0 (log of 1 there, so no 0 * -inf in the gradient either).
      const safe = where(eq(target, 0), 1, target);
      loss = sub(mul(target, log(safe)), mul(target, input));
    }
    if (reduction === 'batchmean') return input.ndim === 0 ? sum(loss) : div(sum(loss), input.shape[0] as number);
    return reduce(loss, reduction);
  });
}

export interface MarginOptions extends ReductionOptions {
  /** Default 0. */
  margin?: number;
}

/**
 * F.cosine_embedding_loss: 1 - cos(x1, x2) where y = 1, max(0, cos - margin)
 * where y = -1, with cos over the last dim (inputs (N, D) or (D), target (N) or ()).
 *
 * @example
 * cosineEmbeddingLoss(a, b, tensor([1, -1]), { margin: 0.5 }); // a, b: (2, D)
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const op = 'cosineEmbeddingLoss';
  const reduction = checkPair(op, input1, input2, options.reduction);
  target.assertAlive(op);
  if (!(input1.ndim === 1 || input1.ndim === 2) || target.ndim !== input1.ndim - 1 || target.shape[0] !== input1.shape[0])
    throw new ShapeError(
      `${op}: inputs must be (N, D) with a (N) target, or (D) with a 0-d target; got ${fmt(input1)}, ${fmt(input2)}, target ${fmt(target)}`,
    );
  const margin = options.margin ?? 0;
  return tidy(() => {
    const eps = 1e-12; // PyTorch's EPSILON in the magnitudes
    const axis = input1.ndim - 1;
    const dot = sum(mul(input1, input2), axis);
    const mag1 = add(sum(square(input1), axis), eps);
    const mag2 = add(sum(square(input2), axis), eps);
    const cos = div(dot, sqrt(mul(mag1, mag2)));
    const positive = where(eq(target, 1), sub(1, cos), 0);
    const negative = where(eq(target, -1), clamp(sub(cos, margin), 0), 0);
    return reduce(add(positive, negative), reduction);
  });
}

/**
 * F.margin_ranking_loss: max(0, -y (x1 - x2) + margin), y = 1 when x1 should rank higher, -1 otherwise.
 *
 * @example
 * marginRankingLoss(tensor([1]), tensor([2]), tensor([1]), { margin: 0.5 }); // 1.5
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const reduction = checkPair('marginRankingLoss', input1, input2, options.reduction);
  checkPair('marginRankingLoss', input1, target, 'none');
  const margin = options.margin ?? 0;
  return tidy(() => reduce(clamp(add(mul(neg(target), sub(input1, input2)), margin), 0), reduction));
}
