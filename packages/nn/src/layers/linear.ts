/**
 * Linear family: Linear (y = x Wᵀ + b), Bilinear, Identity, Flatten, Unflatten.
 * Weights are initialised exactly as PyTorch's defaults: kaiming_uniform(a=√5)
 * for the weight, i.e. U(-1/√fanIn, 1/√fanIn), and the same bound for the bias.
 */
import { flatten, type Generator, linear, rand, reshape, type Tensor, tidy } from '@strata/core';
import { bilinearForm } from '../functional';
import { Module } from '../module';
import { parameter } from '../parameter';

export interface InitOptions {
  /** Generator for the initial weights (default: core's default generator). */
  generator?: Generator;
}

/** U(-bound, bound) of a shape. */
export function uniformInit(shape: number[], bound: number, options: InitOptions): Tensor {
  // tidy frees rand's output and the scaled intermediate; only U(-bound, bound) is kept.
  return tidy(() =>
    rand(shape, options.generator ? { generator: options.generator } : {})
      .mul(2 * bound)
      .sub(bound),
  );
}

export interface LinearOptions extends InitOptions {
  bias?: boolean;
}

/**
 * Applies y = x Wᵀ + b.
 * Shapes: input (*, inFeatures) → output (*, outFeatures); weight (outFeatures, inFeatures), bias (outFeatures).
 *
 * @example
 * const fc = new Linear(784, 10);
 * fc.forward(x); // (batch, 784) → (batch, 10)
 */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | undefined;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.weight = parameter(uniformInit([outFeatures, inFeatures], bound, options));
    this.bias = (options.bias ?? true) ? parameter(uniformInit([outFeatures], bound, options)) : undefined;
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}

/**
 * y_k = x1ᵀ W_k x2 + b_k.
 * Shapes: x1 (*, in1), x2 (*, in2) → (*, out); weight (out, in1, in2), bias (out).
 */
export class Bilinear extends Module {
  weight: Tensor;
  bias: Tensor | undefined;

  constructor(
    readonly in1Features: number,
    readonly in2Features: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const bound = 1 / Math.sqrt(in1Features);
    this.weight = parameter(uniformInit([outFeatures, in1Features, in2Features], bound, options));
    this.bias = (options.bias ?? true) ? parameter(uniformInit([outFeatures], bound, options)) : undefined;
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinearForm(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}

/** Returns its input. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return reshape(x, x.shape);
  }
}

/** Flattens dims startDim..endDim (default 1..-1, keeping the batch dim). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Splits dim `dim` into `sizes`. */
export class Unflatten extends Module {
  constructor(
    readonly dim: number,
    readonly sizes: readonly number[],
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + x.ndim : this.dim;
    return reshape(x, [...x.shape.slice(0, d), ...this.sizes, ...x.shape.slice(d + 1)]);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.sizes.join(', ')})`;
  }
}
