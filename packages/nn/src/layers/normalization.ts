/**
 * Normalisation layers: BatchNorm1d/2d, InstanceNorm2d, LayerNorm, GroupNorm,
 * with PyTorch's parameter and buffer names (weight, bias, running_mean,
 * running_var, num_batches_tracked) so checkpoints load by key.
 *
 * Design note: core's batchNorm/instanceNorm return updated running statistics
 * instead of writing them. Asking them for those inside a recorded forward
 * would put the update on the autograd tape, where backward never reaches it
 * (so its saved tensors would never be freed). The layers therefore get only
 * the output from core, and compute the statistics for the running buffers
 * separately under noGrad, writing them with `assign` so the buffer handles
 * (and checkpoints, optimizers) stay the same.
 */
import { noGrad } from '@strata/autograd';
import {
  add,
  batchNorm,
  groupNorm,
  instanceNorm,
  layerNorm,
  mean,
  mul,
  ones,
  reshape,
  ShapeError,
  squeeze,
  sub,
  sum,
  type Tensor,
  tensor,
  tidy,
  unsqueeze,
  zeros,
} from '@strata/core';
import { Module } from '../module';
import { parameter } from '../parameter';
import { fmtShape, pyBool, pyFloat, pyTuple } from './repr';

export interface BatchNormLayerOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of each new batch statistic in the running estimate (default 0.1); null keeps a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale (weight, init 1) and shift (bias, init 0). */
  affine?: boolean;
  /** Keep running_mean / running_var / num_batches_tracked buffers and normalise with them in eval mode. */
  trackRunningStats?: boolean;
}

/** Per-channel mean and unbiased variance of (N, C, ...) over `axes`, flattened to `keepShape`. */
function moments(x: Tensor, axes: number[], keepShape: number[]): { mean: Tensor; variance: Tensor } {
  const xf = x.dtype === 'float32' ? x : x.to('float32');
  const mu = mean(xf, axes, true);
  const centered = sub(xf, mu);
  const count = axes.reduce((n, a) => n * (x.shape[a] as number), 1);
  const variance = sum(mul(centered, centered), axes).div(count - 1);
  return { mean: reshape(mu, keepShape), variance: reshape(variance, keepShape) };
}

/** running = (1 - factor) * running + factor * stat, written in place of identity. */
function blendInto(running: Tensor, stat: Tensor, factor: number | Tensor): void {
  const next = add(mul(running, typeof factor === 'number' ? 1 - factor : sub(1, factor)), mul(stat, factor));
  running.assign(next.dtype === running.dtype ? next : next.to(running.dtype));
}

/** The shared state of BatchNorm and InstanceNorm (PyTorch's _NormBase). */
abstract class NormBase extends Module {
  weight: Tensor | undefined;
  bias: Tensor | undefined;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    options: BatchNormLayerOptions,
    defaults: { affine: boolean; trackRunningStats: boolean },
  ) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new RangeError(`${this.typeName}: numFeatures must be a positive integer, got ${numFeatures}`);
    }
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? defaults.affine;
    this.trackRunningStats = options.trackRunningStats ?? defaults.trackRunningStats;
    this.weight = this.affine ? parameter(ones([numFeatures])) : undefined;
    this.bias = this.affine ? parameter(zeros([numFeatures])) : undefined;
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures]));
      this.registerBuffer('running_var', ones([numFeatures]));
      this.registerBuffer('num_batches_tracked', tensor(0, { dtype: 'int32' }));
    }
  }

  get runningMean(): Tensor | undefined {
    return this.buffer('running_mean');
  }

  get runningVar(): Tensor | undefined {
    return this.buffer('running_var');
  }

  get numBatchesTracked(): Tensor | undefined {
    return this.buffer('num_batches_tracked');
  }

  /** Resets running_mean to 0, running_var to 1 and num_batches_tracked to 0. */
  resetRunningStats(): void {
    noGrad(() =>
      tidy(() => {
        this.runningMean?.assign(zeros([this.numFeatures], { backend: this.runningMean.backend }));
        this.runningVar?.assign(ones([this.numFeatures], { backend: this.runningVar.backend }));
        this.numBatchesTracked?.assign(zeros([], { dtype: 'int32', backend: this.numBatchesTracked.backend }));
      }),
    );
  }

  protected checkInput(x: Tensor, dims: readonly number[]): void {
    x.assertAlive(this.typeName);
    if (!dims.includes(x.ndim)) {
      throw new ShapeError(
        `${this.typeName}: expected ${dims.map((d) => `${d}-d`).join(' or ')} input, got shape ${fmtShape(x.shape)}`,
      );
    }
  }

  protected checkChannels(x: Tensor, dim: number): void {
    if (x.shape[dim] !== this.numFeatures) {
      throw new ShapeError(
        `${this.typeName}: expected ${this.numFeatures} channels (dim ${dim}) but the input ${fmtShape(x.shape)} has ${x.shape[dim]}`,
      );
    }
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** PyTorch's _BatchNorm: batch statistics in training (updating the running ones), running statistics in eval. */
abstract class BatchNormBase extends NormBase {
  protected abstract readonly inputDims: readonly number[];

  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options, { affine: true, trackRunningStats: true });
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x, this.inputDims);
    this.checkChannels(x, 1);
    const running = this.runningMean && this.runningVar ? { mean: this.runningMean, var: this.runningVar } : undefined;
    const affine = { ...(this.weight ? { weight: this.weight } : {}), ...(this.bias ? { bias: this.bias } : {}) };
    // Without running buffers, eval mode normalises with batch statistics too (as PyTorch does).
    if (!this.training && running) {
      return batchNorm(x, running.mean, running.var, { ...affine, eps: this.eps, training: false }).output;
    }
    const { output } = batchNorm(x, undefined, undefined, { ...affine, eps: this.eps, training: true });
    if (this.training && running) this.updateRunningStats(x, running.mean, running.var);
    return output;
  }

  private updateRunningStats(x: Tensor, runningMean: Tensor, runningVar: Tensor): void {
    noGrad(() =>
      tidy(() => {
        const tracked = this.numBatchesTracked as Tensor;
        tracked.assign(tracked.add(1));
        // momentum null: a cumulative moving average, factor 1 / num_batches_tracked (kept on the device).
        const factor = this.momentum ?? tracked.to('float32').reciprocal();
        const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
        const stats = moments(x.detach(), axes, [this.numFeatures]);
        blendInto(runningMean, stats.mean, factor);
        blendInto(runningVar, stats.variance, factor);
      }),
    );
  }
}

/**
 * Batch normalisation over (N, C) or (N, C, L) inputs: y = (x - E[x]) / √(Var[x] + eps) * weight + bias,
 * per channel. Shapes: input (N, C) or (N, C, L) → same; weight, bias, running_mean, running_var (C);
 * num_batches_tracked a 0-d int32.
 *
 * @example
 * const bn = new BatchNorm1d(100);
 * bn.forward(randn([20, 100])); // (20, 100), normalised per feature; running stats updated
 */
export class BatchNorm1d extends BatchNormBase {
  protected readonly inputDims = [2, 3];
}

/**
 * Batch normalisation over (N, C, H, W) inputs, per channel C.
 * Shapes: input (N, C, H, W) → same; weight, bias, running_mean, running_var (C);
 * num_batches_tracked a 0-d int32. In training mode the batch mean and biased variance
 * normalise, and the running estimates move toward the batch mean and unbiased variance by
 * `momentum` (or by 1 / num_batches_tracked when momentum is null); eval mode uses the running ones.
 *
 * @example
 * const bn = new BatchNorm2d(64);
 * bn.forward(randn([8, 64, 32, 32])); // (8, 64, 32, 32)
 * Object.keys(bn.stateDict());        // ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
 */
export class BatchNorm2d extends BatchNormBase {
  protected readonly inputDims = [4];
}

export interface InstanceNormLayerOptions extends BatchNormLayerOptions {}

/**
 * Instance normalisation: each (sample, channel) of (N, C, H, W) (or (C, H, W)) normalised over H, W.
 * Defaults as PyTorch: affine false, trackRunningStats false. With trackRunningStats the running
 * buffers follow the batch-averaged instance statistics (momentum null: never updated) and eval mode
 * normalises with them; num_batches_tracked is kept for checkpoints but not incremented, as in PyTorch.
 * Shapes: input (N, C, H, W) or (C, H, W) → same; weight, bias, running stats (C).
 *
 * @example
 * new InstanceNorm2d(3).forward(randn([2, 3, 8, 8])); // (2, 3, 8, 8), each plane mean 0 and variance 1
 */
export class InstanceNorm2d extends NormBase {
  constructor(numFeatures: number, options: InstanceNormLayerOptions = {}) {
    super(numFeatures, options, { affine: false, trackRunningStats: false });
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x, [3, 4]);
    const channelDim = x.ndim - 3;
    if (this.affine || this.trackRunningStats) this.checkChannels(x, channelDim);
    if (x.ndim === 3) return tidy(() => squeeze(this.forward(unsqueeze(x, 0)), 0));
    const affine = { ...(this.weight ? { weight: this.weight } : {}), ...(this.bias ? { bias: this.bias } : {}) };
    const { runningMean, runningVar } = this;
    if (!this.training && runningMean && runningVar) {
      return instanceNorm(x, { ...affine, eps: this.eps, runningMean, runningVar, useInputStats: false }).output;
    }
    const { output } = instanceNorm(x, { ...affine, eps: this.eps });
    if (this.training && runningMean && runningVar && this.momentum !== null) {
      const momentum = this.momentum;
      noGrad(() =>
        tidy(() => {
          const n = x.shape[0] as number;
          const stats = moments(x.detach(), [2, 3], [n, this.numFeatures]);
          blendInto(runningMean, mean(stats.mean, 0), momentum);
          blendInto(runningVar, mean(stats.variance, 0), momentum);
        }),
      );
    }
    return output;
  }
}

export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn an element-wise weight (init 1) and bias (init 0) of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn the bias (default true). */
  bias?: boolean;
}

/**
 * Layer normalisation over the trailing dims given by `normalizedShape`:
 * y = (x - E[x]) / √(Var[x] + eps) * weight + bias, statistics per leading index.
 * Shapes: input (*, ...normalizedShape) → same; weight, bias (normalizedShape).
 *
 * @example
 * const ln = new LayerNorm(768);
 * ln.forward(randn([4, 128, 768])); // (4, 128, 768)
 * String(ln); // 'LayerNorm((768,), eps=1e-05, elementwise_affine=True)'
 */
export class LayerNorm extends Module {
  weight: Tensor | undefined;
  bias: Tensor | undefined;
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0 || !this.normalizedShape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new RangeError(
        `LayerNorm: normalizedShape must be non-empty positive integers, got ${JSON.stringify(normalizedShape)}`,
      );
    }
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const withBias = this.elementwiseAffine && (options.bias ?? true);
    this.weight = this.elementwiseAffine ? parameter(ones(this.normalizedShape)) : undefined;
    this.bias = withBias ? parameter(zeros(this.normalizedShape)) : undefined;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, {
      eps: this.eps,
      ...(this.weight ? { weight: this.weight } : {}),
      ...(this.bias ? { bias: this.bias } : {}),
    });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

export interface GroupNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn a per-channel weight (init 1) and bias (init 0) (default true). */
  affine?: boolean;
}

/**
 * Group normalisation: the channels of (N, C, ...) split into `numGroups` groups, each
 * (sample, group) normalised over its channels and spatial dims, then a per-channel affine.
 * Shapes: input (N, numChannels, ...) → same; weight, bias (numChannels).
 *
 * @example
 * const gn = new GroupNorm(8, 64);
 * gn.forward(randn([2, 64, 16, 16])); // (2, 64, 16, 16)
 */
export class GroupNorm extends Module {
  weight: Tensor | undefined;
  bias: Tensor | undefined;
  readonly eps: number;
  readonly affine: boolean;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: GroupNormOptions = {},
  ) {
    super();
    if (!Number.isInteger(numGroups) || numGroups < 1 || !Number.isInteger(numChannels) || numChannels % numGroups !== 0) {
      throw new RangeError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    }
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    this.weight = this.affine ? parameter(ones([numChannels])) : undefined;
    this.bias = this.affine ? parameter(zeros([numChannels])) : undefined;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new ShapeError(`GroupNorm: expected input (N, ${this.numChannels}, ...), got shape ${fmtShape(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, {
      eps: this.eps,
      ...(this.weight ? { weight: this.weight } : {}),
      ...(this.bias ? { bias: this.bias } : {}),
    });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}
