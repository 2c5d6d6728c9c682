/**
 * Loss modules (torch.nn's CrossEntropyLoss, MSELoss, ...): thin wrappers over
 * core's crossEntropy / nllLoss and the functional losses in
 * losses-functional.ts, holding the options. As in PyTorch, `weight` and
 * `pos_weight` are registered as buffers, so they appear in stateDict when given.
 * Every loss takes `reduction`: 'mean' (default) | 'sum' | 'none'.
 */
import { type CrossEntropyOptions, crossEntropy, type LossReduction, nllLoss, type Tensor } from '@strata/core';
import {
  type BinaryCrossEntropyOptions,
  type BinaryCrossEntropyWithLogitsOptions,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  checkReduction,
  cosineEmbeddingLoss,
  type HuberOptions,
  huberLoss,
  type KLDivOptions,
  type KLDivReduction,
  klDiv,
  l1Loss,
  type MarginOptions,
  marginRankingLoss,
  mseLoss,
  type ReductionOptions,
  type SmoothL1Options,
  smoothL1Loss,
} from './losses-functional';
import { Module } from './module';

const reductions: readonly LossReduction[] = ['mean', 'sum', 'none'];

/** The shared part of every loss: a validated `reduction`. */
abstract class Loss extends Module {
  readonly reduction: LossReduction;

  constructor(options: ReductionOptions) {
    super();
    this.reduction = checkReduction(this.typeName, options.reduction ?? 'mean', reductions);
  }
}

/** A loss whose optional per-class / per-element `weight` is a buffer (PyTorch's _WeightedLoss). */
abstract class WeightedLoss extends Loss {
  constructor(options: ReductionOptions & { weight?: Tensor }) {
    super(options);
    this.registerBuffer('weight', options.weight);
  }

  get weight(): Tensor | undefined {
    return this.buffer('weight');
  }
}

/**
 * Cross entropy on logits (nn.CrossEntropyLoss): class-index (int32) or
 * class-probability (float) targets, per-class `weight`, `ignoreIndex`
 * (default -100), `labelSmoothing`.
 * Shapes: input (N, C) or (N, C, d1, ...) or (C); target (N) / (N, d1, ...) / () indices, or the input's shape.
 *
 * @example
 * new CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(logits, labels); // logits (N, C), labels (N) int32
 */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: CrossEntropyOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1))
      throw new RangeError(`CrossEntropyLoss: labelSmoothing must be in [0, 1], got ${this.labelSmoothing}`);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    const { weight, ignoreIndex, labelSmoothing, reduction } = this;
    return crossEntropy(input, target, { ...(weight ? { weight } : {}), ignoreIndex, labelSmoothing, reduction });
  }
}

/**
 * Negative log-likelihood on log-probabilities (nn.NLLLoss): int32 class
 * indices, per-class `weight`, `ignoreIndex` (default -100).
 * Shapes: input (N, C) or (N, C, d1, ...) or (C); target (N) / (N, d1, ...) / ().
 *
 * @example
 * new NLLLoss().forward(logSoftmax(logits, 1), labels);
 */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;

  constructor(options: { weight?: Tensor; ignoreIndex?: number; reduction?: LossReduction } = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    const { weight, ignoreIndex, reduction } = this;
    return nllLoss(input, target, { ...(weight ? { weight } : {}), ignoreIndex, reduction });
  }
}

/** Mean squared error (nn.MSELoss). Shapes: input and target (*), the same. */
export class MSELoss extends Loss {
  constructor(options: ReductionOptions = {}) {
    super(options);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error (nn.L1Loss). Shapes: input and target (*), the same. */
export class L1Loss extends Loss {
  constructor(options: ReductionOptions = {}) {
    super(options);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** nn.SmoothL1Loss: quadratic below `beta` (default 1), linear above. Shapes: input and target (*). */
export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(options: SmoothL1Options = {}) {
    super(options);
    this.beta = options.beta ?? 1;
    if (!(this.beta >= 0)) throw new RangeError(`SmoothL1Loss: beta must be >= 0, got ${this.beta}`);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { beta: this.beta, reduction: this.reduction });
  }
}

/** nn.HuberLoss: 0.5 d² below `delta` (default 1), delta (|d| - 0.5 delta) above. Shapes: input and target (*). */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(options: HuberOptions = {}) {
    super(options);
    this.delta = options.delta ?? 1;
    if (!(this.delta > 0)) throw new RangeError(`HuberLoss: delta must be > 0, got ${this.delta}`);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { delta: this.delta, reduction: this.reduction });
  }
}

/**
 * Binary cross entropy on probabilities (nn.BCELoss), logs clamped to >= -100;
 * `weight` rescales each element (broadcast to the input).
 * Shapes: input and target (*), the same; values in [0, 1].
 *
 * @example
 * new BCELoss().forward(sigmoid(logits), labels);
 */
export class BCELoss extends WeightedLoss {
  constructor(options: BinaryCrossEntropyOptions = {}) {
    super(options);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    const { weight, reduction } = this;
    return binaryCrossEntropy(input, target, { ...(weight ? { weight } : {}), reduction });
  }
}

/**
 * Sigmoid + binary cross entropy in one stable formula (nn.BCEWithLogitsLoss);
 * `posWeight` (buffer `pos_weight`) weighs the positive class per class (last dim).
 * Shapes: input and target (*), the same.
 *
 * @example
 * new BCEWithLogitsLoss({ posWeight: tensor([3]) }).forward(logits, labels); // logits, labels (N, 1)
 */
export class BCEWithLogitsLoss extends WeightedLoss {
  constructor(options: BinaryCrossEntropyWithLogitsOptions = {}) {
    super(options);
    this.registerBuffer('pos_weight', options.posWeight);
  }

  get posWeight(): Tensor | undefined {
    return this.buffer('pos_weight');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    const { weight, posWeight, reduction } = this;
    return binaryCrossEntropyWithLogits(input, target, {
      ...(weight ? { weight } : {}),
      ...(posWeight ? { posWeight } : {}),
      reduction,
    });
  }
}

/**
 * Kullback-Leibler divergence (nn.KLDivLoss) of log-probability inputs from the
 * target distribution; use reduction 'batchmean' for the true KL divergence.
 * Shapes: input and target (*), the same.
 *
 * @example
 * new KLDivLoss({ reduction: 'batchmean' }).forward(logSoftmax(logits, 1), probs);
 */
export class KLDivLoss extends Module {
  readonly reduction: KLDivReduction;
  readonly logTarget: boolean;

  constructor(options: KLDivOptions = {}) {
    super();
    this.reduction = checkReduction('KLDivLoss', options.reduction ?? 'mean', ['mean', 'batchmean', 'sum', 'none']);
    this.logTarget = options.logTarget ?? false;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/**
 * nn.CosineEmbeddingLoss: 1 - cos(x1, x2) for y = 1, max(0, cos - margin) for y = -1.
 * Shapes: x1, x2 (N, D) or (D); target (N) or ().
 */
export class CosineEmbeddingLoss extends Loss {
  readonly margin: number;

  constructor(options: MarginOptions = {}) {
    super(options);
    this.margin = options.margin ?? 0;
  }

  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/**
 * nn.MarginRankingLoss: max(0, -y (x1 - x2) + margin).
 * Shapes: x1, x2, target (*), the same; target values 1 or -1.
 */
export class MarginRankingLoss extends Loss {
  readonly margin: number;

  constructor(options: MarginOptions = {}) {
    super(options);
    this.margin = options.margin ?? 0;
  }

  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}
