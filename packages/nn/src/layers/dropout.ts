/**
 * Dropout layers: Dropout zeroes elements, Dropout2d whole channels, each with
 * probability p, scaling the survivors by 1 / (1 - p). Both are identities in
 * eval mode. Pass a `generator` to reproduce the masks.
 */
import { dropout, type Generator, ones, reshape, ShapeError, type Tensor, tidy, zerosLike } from '@strata/core';
import { Module } from '../module';
import { fmtShape, pyBool, pyFloat } from './repr';

export interface DropoutLayerOptions {
  /** Source of the masks (default: core's default generator). */
  generator?: Generator;
}

function checkP(layer: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${layer}: dropout probability has to be between 0 and 1, but got ${p}`);
}

/**
 * Zeroes each element with probability p during training and scales the rest by 1 / (1 - p).
 * Shapes: any → same.
 *
 * @example
 * const drop = new Dropout(0.1);
 * drop.forward(x);        // training: ~10% zeros, the rest × 1/0.9
 * drop.eval().forward(x); // x's values
 */
export class Dropout extends Module {
  readonly generator: Generator | undefined;

  constructor(
    readonly p = 0.5,
    options: DropoutLayerOptions = {},
  ) {
    super();
    checkP('Dropout', p);
    this.generator = options.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training, ...(this.generator ? { generator: this.generator } : {}) });
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(false)}`;
  }
}

/**
 * Zeroes whole channels: each (sample, channel) plane is dropped with probability p during
 * training (one mask value per plane, shape (N, C, 1, 1)), the rest scaled by 1 / (1 - p).
 * Shapes: (N, C, H, W) or (C, H, W) → same. A 3-d input is (C, H, W), as PyTorch documents it
 * (PyTorch itself still treats 3-d inputs as (N, C, L) with a deprecation warning).
 *
 * @example
 * new Dropout2d(0.2).forward(randn([8, 64, 16, 16])); // ~20% of the 8 × 64 feature maps all zero
 */
export class Dropout2d extends Module {
  readonly generator: Generator | undefined;

  constructor(
    readonly p = 0.5,
    options: DropoutLayerOptions = {},
  ) {
    super();
    checkP('Dropout2d', p);
    this.generator = options.generator;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) {
      throw new ShapeError(`Dropout2d: expected a 4-d (N, C, H, W) or 3-d (C, H, W) input, got shape ${fmtShape(x.shape)}`);
    }
    if (!this.training || this.p === 0) return reshape(x, x.shape);
    if (this.p === 1) return zerosLike(x);
    return tidy(() => {
      const planes = [...x.shape.slice(0, x.ndim - 2), 1, 1];
      // Dropout of ones is the scaled keep-mask: 0 or 1 / (1 - p) per plane.
      const mask = dropout(ones(planes, { dtype: x.dtype, backend: x.backend }), {
        p: this.p,
        ...(this.generator ? { generator: this.generator } : {}),
      });
      return x.mul(mask);
    });
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(false)}`;
  }
}
