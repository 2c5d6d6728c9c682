/**
 * Classification losses with PyTorch's semantics: nllLoss on log-probabilities
 * and crossEntropy on logits (class-index or class-probability targets), with
 * per-class weights, ignoreIndex, label smoothing and 'mean' | 'sum' | 'none'.
 * The class axis is 1 ((N, C) or (N, C, d1, ...)), or 0 for a single (C) sample.
 */
import { E } from '../backend/expr';
import { isFloat } from '../dtype';
import { runPrimitive } from '../engine';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import { shapesEqual } from '../shape';
import type { Tensor } from '../tensor/tensor';
import { add, div, mul } from './arithmetic';
import { ne, where } from './compare';
import { gather, indexSelect } from './indexing';
import { neg } from './math';
import { sum } from './reduce';
import { logSoftmax } from './softmax';
import { reshape, squeeze, unsqueeze } from './views';

export type LossReduction = 'mean' | 'sum' | 'none';

export interface NllLossOptions {
  /** A weight per class, shape (C). */
  weight?: Tensor;
  /** Targets equal to this contribute nothing (and are not counted by 'mean'). Default -100. */
  ignoreIndex?: number;
  /** Default 'mean': the weighted mean over the non-ignored targets. */
  reduction?: LossReduction;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** In [0, 1]: mixes the target with the uniform distribution (default 0). */
  labelSmoothing?: number;
}

const reductions: readonly LossReduction[] = ['mean', 'sum', 'none'];

function checkCommon(op: string, input: Tensor, options: NllLossOptions): LossReduction {
  input.assertAlive(op);
  const reduction = options.reduction ?? 'mean';
  if (!reductions.includes(reduction))
    throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  if (!isFloat(input.dtype)) throw new DTypeError(`${op}: input must be a float tensor, got ${input.dtype}`);
  if (input.ndim < 1) throw new ShapeError(`${op}: input must have a class dimension, got shape ${fmtShape(input.shape)}`);
  const c = input.shape[input.ndim === 1 ? 0 : 1] as number;
  const w = options.weight;
  if (w) {
    w.assertAlive(op);
    if (w.ndim !== 1 || w.shape[0] !== c)
      throw new ShapeError(`${op}: weight must have shape [${c}] (one per class), got ${fmtShape(w.shape)}`);
  }
  return reduction;
}

/** (C) inputs are one sample: lift to (1, C) with a (1) target. */
function batched(input: Tensor, target: Tensor): [Tensor, Tensor, boolean] {
  if (input.ndim !== 1) return [input, target, false];
  return [unsqueeze(input, 0), unsqueeze(target, 0), true];
}

function checkIndexTarget(op: string, input: Tensor, target: Tensor): void {
  target.assertAlive(op);
  if (target.dtype !== 'int32') throw new DTypeError(`${op}: class-index targets must be int32, got ${target.dtype}`);
  const expected = input.ndim === 1 ? [] : [input.shape[0] as number, ...input.shape.slice(2)];
  if (!shapesEqual(target.shape, expected)) {
    throw new ShapeError(
      `${op}: target ${fmtShape(target.shape)} must have shape ${fmtShape(expected)} for input ${fmtShape(input.shape)} (input without the class dim)`,
    );
  }
}

/** Per-element -w[t] * logp[t] (0 where ignored) and the per-element weights w[t] (0 where ignored). */
function pickedLoss(logp: Tensor, target: Tensor, weight: Tensor | undefined, ignoreIndex: number): [Tensor, Tensor] {
  const valid = ne(target, ignoreIndex);
  const safe = where(valid, target, 0);
  const picked = squeeze(gather(logp, 1, unsqueeze(safe, 1)), 1);
  const w = weight
    ? where(valid, reshape(indexSelect(weight, 0, reshape(safe, [-1])), safe.shape), 0)
    : runPrimitive(
        'elementwise',
        [valid],
        { expr: E.cast(E.input(0, 'bool'), logp.dtype) },
        { shape: valid.shape, dtype: logp.dtype },
      );
  return [where(valid, neg(mul(picked, w)), 0), w];
}

function reduce(loss: Tensor, weights: Tensor, reduction: LossReduction, single: boolean): Tensor {
  if (reduction === 'sum') return sum(loss);
  if (reduction === 'mean') return div(sum(loss), sum(weights));
  return single ? reshape(loss, []) : loss;
}

/**
 * F.nll_loss: `-weight[t] * logProbs[n, t]` per target, reduced. 'mean'
 * divides by the sum of the weights of the non-ignored targets (NaN when all
 * are ignored, like PyTorch).
 *
 * @example
 * nllLoss(tensor([[-1, -2], [-3, -4]]), tensor([0, 1])); // (1 + 4) / 2 = 2.5
 */
export function nllLoss(logProbs: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const reduction = checkCommon('nllLoss', logProbs, options);
  checkIndexTarget('nllLoss', logProbs, target);
  return tidy(() => {
    const [x, t, single] = batched(logProbs, target);
    const [loss, w] = pickedLoss(x, t, options.weight, options.ignoreIndex ?? -100);
    return reduce(loss, w, reduction, single);
  });
}

/**
 * F.cross_entropy: logSoftmax over the class dim, then the negative
 * log-likelihood of the target. `target` is either int32 class indices
 * (shape of input without the class dim; `weight`, `ignoreIndex` apply) or
 * float class probabilities (input's shape; 'mean' divides by the number of
 * samples, `ignoreIndex` does not apply). `labelSmoothing` ε mixes the target
 * with the uniform distribution: PyTorch's `(1 - ε) * nll + ε / C * smooth`.
 *
 * @example
 * crossEntropy(tensor([[0, 0]]), tensor([1]));             // log 2
 * crossEntropy(tensor([[0, 0]]), tensor([[0.5, 0.5]]));    // log 2
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const reduction = checkCommon('crossEntropy', logits, options);
  target.assertAlive('crossEntropy');
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  const probabilities = isFloat(target.dtype);
  if (probabilities) {
    if (!shapesEqual(target.shape, logits.shape))
      throw new ShapeError(
        `crossEntropy: probability targets ${fmtShape(target.shape)} must have the input's shape ${fmtShape(logits.shape)}`,
      );
  } else checkIndexTarget('crossEntropy', logits, target);
  return tidy(() => {
    const [x, t, single] = batched(logits, target);
    const c = x.shape[1] as number;
    const logp = logSoftmax(x, 1);
    // The weight broadcast along the class dim: (1, C, 1, ...).
    const wClass = options.weight
      ? reshape(
          options.weight,
          x.shape.map((d, i) => (i === 1 ? d : 1)),
        )
      : undefined;
    if (probabilities) {
      const smoothed = eps > 0 ? add(mul(t, 1 - eps), eps / c) : t;
      const terms = wClass ? mul(mul(logp, smoothed), wClass) : mul(logp, smoothed);
      if (reduction === 'none') {
        const perSample = neg(sum(terms, 1));
        return single ? reshape(perSample, []) : perSample;
      }
      const total = neg(sum(terms));
      return reduction === 'sum' ? total : div(total, x.size / c);
    }
    const ignoreIndex = options.ignoreIndex ?? -100;
    const [nll, w] = pickedLoss(logp, t, options.weight, ignoreIndex);
    const nllReduced = reduce(nll, w, reduction, single);
    if (eps === 0) return nllReduced;
    // Smoothing term: -sum_c w_c * logp_c per sample, zero where the target is ignored.
    const smoothAll = neg(sum(wClass ? mul(logp, wClass) : logp, 1));
    const smooth = where(ne(t, ignoreIndex), smoothAll, 0);
    const smoothReduced = reduce(smooth, w, reduction, single);
    return add(mul(nllReduced, 1 - eps), mul(smoothReduced, eps / c));
  });
}
