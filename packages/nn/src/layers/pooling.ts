/**
 * Pooling layers: MaxPool1d/2d, AvgPool1d/2d and the adaptive ones, thin
 * wrappers over core's pooling ops with PyTorch's defaults (stride = kernel
 * size) and printed text. A max pool built with `returnIndices: true` returns
 * `[values, indices]` (its type says so), like PyTorch's return_indices.
 */
import {
  type AdaptiveSize,
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  avgPool1d,
  avgPool2d,
  maxPool1d,
  maxPool2d,
  type Tensor,
} from '@strata/core';
import { Module } from '../module';
import type { Size2 } from './conv';
import { pyBool, pyIntOrTuple, pyTuple } from './repr';

/** What a max pool returns: values, or [values, int32 indices] with returnIndices. */
export type MaxPoolResult<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

interface MaxPoolCommon<R extends boolean> {
  /** Also return each window's argmax as a flat index into its input plane (default false). */
  returnIndices?: R;
  /** Ceil instead of floor when computing the output size (default false). */
  ceilMode?: boolean;
}

export interface MaxPool1dLayerOptions<R extends boolean = boolean> extends MaxPoolCommon<R> {
  /** Default (or null): the kernel size. */
  stride?: number | null;
  /** -inf padding on both sides, at most half the kernel (default 0). */
  padding?: number;
  /** Spacing between window elements (default 1). */
  dilation?: number;
}

const maxPoolRepr = (k: Size2, s: Size2, p: Size2, d: Size2, ceil: boolean): string =>
  `kernel_size=${pyIntOrTuple(k)}, stride=${pyIntOrTuple(s)}, padding=${pyIntOrTuple(p)}, dilation=${pyIntOrTuple(d)}, ceil_mode=${pyBool(ceil)}`;

/**
 * 1-d max pooling. Shapes: (N, C, L) or (C, L) → (N, C, L_out), with
 * L_out = floor((L + 2 * padding - dilation * (kernelSize - 1) - 1) / stride) + 1 (ceil with ceilMode).
 *
 * @example
 * new MaxPool1d(2).forward(x); // (N, C, 10) → (N, C, 5)
 */
export class MaxPool1d<R extends boolean = false> extends Module {
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly ceilMode: boolean;
  readonly returnIndices: R;

  constructor(
    readonly kernelSize: number,
    options: MaxPool1dLayerOptions<R> = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
    this.returnIndices = (options.returnIndices ?? false) as R;
  }

  forward(x: Tensor): MaxPoolResult<R> {
    const { stride, padding, dilation, ceilMode, returnIndices } = this;
    return maxPool1d(x, this.kernelSize, { stride, padding, dilation, ceilMode, returnIndices }) as MaxPoolResult<R>;
  }

  override extraRepr(): string {
    return maxPoolRepr(this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode);
  }
}

export interface MaxPool2dLayerOptions<R extends boolean = boolean> extends MaxPoolCommon<R> {
  /** Default (or null): the kernel size. */
  stride?: Size2 | null;
  /** -inf padding on both sides, at most half the kernel (default 0). */
  padding?: Size2;
  /** Spacing between window elements (default 1). */
  dilation?: Size2;
}

/**
 * 2-d max pooling. Shapes: (N, C, H, W) or (C, H, W) → (N, C, H_out, W_out), with
 * H_out = floor((H + 2 * padding[0] - dilation[0] * (kernelSize[0] - 1) - 1) / stride[0]) + 1
 * (ceil with ceilMode; W_out likewise). Indices (with returnIndices) are flat h * W + w positions, int32.
 *
 * @example
 * const pool = new MaxPool2d(2);
 * pool.forward(randn([1, 3, 32, 32]));                                  // (1, 3, 16, 16)
 * const [v, i] = new MaxPool2d(2, { returnIndices: true }).forward(x); // values and argmax indices
 */
export class MaxPool2d<R extends boolean = false> extends Module {
  readonly stride: Size2;
  readonly padding: Size2;
  readonly dilation: Size2;
  readonly ceilMode: boolean;
  readonly returnIndices: R;

  constructor(
    readonly kernelSize: Size2,
    options: MaxPool2dLayerOptions<R> = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
    this.returnIndices = (options.returnIndices ?? false) as R;
  }

  forward(x: Tensor): MaxPoolResult<R> {
    const { stride, padding, dilation, ceilMode, returnIndices } = this;
    return maxPool2d(x, this.kernelSize, { stride, padding, dilation, ceilMode, returnIndices }) as MaxPoolResult<R>;
  }

  override extraRepr(): string {
    return maxPoolRepr(this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode);
  }
}

export interface AvgPool1dLayerOptions {
  /** Default (or null): the kernel size. */
  stride?: number | null;
  /** Zero padding on both sides, at most half the kernel (default 0). */
  padding?: number;
  /** Ceil instead of floor when computing the output size (default false). */
  ceilMode?: boolean;
  /** Whether the zero padding counts in the divisor (default true). */
  countIncludePad?: boolean;
}

/**
 * 1-d average pooling. Shapes: (N, C, L) or (C, L) → (N, C, L_out), with
 * L_out = floor((L + 2 * padding - kernelSize) / stride) + 1 (ceil with ceilMode).
 *
 * @example
 * new AvgPool1d(3, { stride: 2 }).forward(randn([20, 16, 50])); // (20, 16, 24)
 */
export class AvgPool1d extends Module {
  readonly stride: number;
  readonly padding: number;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(
    readonly kernelSize: number,
    options: AvgPool1dLayerOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad } = this;
    return avgPool1d(x, this.kernelSize, { stride, padding, ceilMode, countIncludePad });
  }

  override extraRepr(): string {
    // PyTorch's AvgPool1d stores its sizes as 1-tuples, so they print as (k,).
    return `kernel_size=${pyTuple([this.kernelSize])}, stride=${pyTuple([this.stride])}, padding=${pyTuple([this.padding])}`;
  }
}

export interface AvgPool2dLayerOptions extends Omit<AvgPool1dLayerOptions, 'stride' | 'padding'> {
  /** Default (or null): the kernel size. */
  stride?: Size2 | null;
  /** Zero padding on both sides, at most half the kernel (default 0). */
  padding?: Size2;
  /** Divide every window by this instead of its size. */
  divisorOverride?: number;
}

/**
 * 2-d average pooling. Shapes: (N, C, H, W) or (C, H, W) → (N, C, H_out, W_out), with
 * H_out = floor((H + 2 * padding[0] - kernelSize[0]) / stride[0]) + 1 (ceil with ceilMode; W_out likewise).
 *
 * @example
 * new AvgPool2d(2).forward(randn([1, 3, 32, 32])); // (1, 3, 16, 16)
 */
export class AvgPool2d extends Module {
  readonly stride: Size2;
  readonly padding: Size2;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | undefined;

  constructor(
    readonly kernelSize: Size2,
    options: AvgPool2dLayerOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride;
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad } = this;
    return avgPool2d(x, this.kernelSize, {
      stride,
      padding,
      ceilMode,
      countIncludePad,
      ...(this.divisorOverride !== undefined ? { divisorOverride: this.divisorOverride } : {}),
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyIntOrTuple(this.kernelSize)}, stride=${pyIntOrTuple(this.stride)}, padding=${pyIntOrTuple(this.padding)}`;
  }
}

const outputSizeRepr = (size: AdaptiveSize): string =>
  `output_size=${size === null ? 'None' : typeof size === 'number' ? String(size) : pyTuple(size)}`;

/**
 * Adaptive 2-d average pooling to a fixed output size (null keeps that input dim), with
 * PyTorch's windows [floor(i * In / Out), ceil((i + 1) * In / Out)).
 * Shapes: (N, C, H, W) or (C, H, W) → (N, C, outH, outW).
 *
 * @example
 * new AdaptiveAvgPool2d(1).forward(randn([8, 512, 7, 7])); // (8, 512, 1, 1): global average pooling
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return outputSizeRepr(this.outputSize);
  }
}

/**
 * Adaptive 2-d max pooling, with the same windows as AdaptiveAvgPool2d.
 * Shapes: (N, C, H, W) or (C, H, W) → (N, C, outH, outW) (and int32 indices with returnIndices).
 *
 * @example
 * new AdaptiveMaxPool2d([5, 7]).forward(randn([1, 64, 8, 9])); // (1, 64, 5, 7)
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module {
  readonly returnIndices: R;

  constructor(
    readonly outputSize: AdaptiveSize,
    options: { returnIndices?: R } = {},
  ) {
    super();
    this.returnIndices = (options.returnIndices ?? false) as R;
  }

  forward(x: Tensor): MaxPoolResult<R> {
    return adaptiveMaxPool2d(x, this.outputSize, { returnIndices: this.returnIndices }) as MaxPoolResult<R>;
  }

  override extraRepr(): string {
    return outputSizeRepr(this.outputSize);
  }
}

/**
 * Adaptive 1-d average pooling. Shapes: (N, C, L) or (C, L) → (N, C, outputSize).
 *
 * @example
 * new AdaptiveAvgPool1d(5).forward(randn([1, 64, 8])); // (1, 64, 5)
 */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }

  override extraRepr(): string {
    return outputSizeRepr(this.outputSize);
  }
}

/**
 * Adaptive 1-d max pooling. Shapes: (N, C, L) or (C, L) → (N, C, outputSize) (and int32 indices with returnIndices).
 *
 * @example
 * new AdaptiveMaxPool1d(5).forward(randn([1, 64, 8])); // (1, 64, 5)
 */
export class AdaptiveMaxPool1d<R extends boolean = false> extends Module {
  readonly returnIndices: R;

  constructor(
    readonly outputSize: number,
    options: { returnIndices?: R } = {},
  ) {
    super();
    this.returnIndices = (options.returnIndices ?? false) as R;
  }

  forward(x: Tensor): MaxPoolResult<R> {
    return adaptiveMaxPool1d(x, this.outputSize, { returnIndices: this.returnIndices }) as MaxPoolResult<R>;
  }

  override extraRepr(): string {
    return outputSizeRepr(this.outputSize);
  }
}
