/**
 * Convolution layers: Conv1d, Conv2d, ConvTranspose2d, with PyTorch's weight
 * layouts ((out, in / groups, ...k) for a convolution, (in, out / groups, ...k)
 * for a transposed one), defaults and initialisation: kaiming_uniform(a=√5) on
 * the weight, i.e. U(±1/√fanIn) with fanIn = weight.shape[1] * prod(kernel),
 * and the same bound for the bias. For a transposed convolution that fanIn is
 * (out / groups) * prod(kernel), as PyTorch computes it from the weight.
 */
import { conv1d, conv2d, convTranspose2d, pad, type Tensor, tidy } from '@strata/core';
import { Module } from '../module';
import { parameter } from '../parameter';
import { type InitOptions, uniformInit } from './linear';
import { pyBool, pyTuple } from './repr';

/** One size for every spatial dim, or (height, width). */
export type Size2 = number | readonly [number, number];
/** How the input is padded: zeros (default), or mirrored / repeated edges (applied before the convolution). */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate';

const paddingModes: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate'];

function tupleOf(layer: string, name: string, value: Size2, n: 1 | 2, min: number): number[] {
  const values = typeof value === 'number' ? Array<number>(n).fill(value) : [...value];
  if (values.length !== n || !values.every((v) => Number.isInteger(v) && v >= min)) {
    throw new RangeError(
      `${layer}: ${name} must be ${n === 1 ? 'an integer' : 'an integer or a [height, width] pair of integers'} >= ${min}, got ${JSON.stringify(value)}`,
    );
  }
  return values;
}

function checkChannels(layer: string, inChannels: number, outChannels: number, groups: number): void {
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${layer}: groups must be a positive integer, got ${groups}`);
  for (const [name, c] of [
    ['inChannels', inChannels],
    ['outChannels', outChannels],
  ] as const) {
    if (!Number.isInteger(c) || c < 1 || c % groups !== 0) {
      throw new RangeError(`${layer}: ${name} (${c}) must be a positive integer divisible by groups (${groups})`);
    }
  }
}

/** PyTorch's reset_parameters for every conv: U(±1/√fanIn) for weight and bias, fanIn = weight.shape[1] * prod(kernel). */
function initConv(weightShape: number[], withBias: boolean, biasSize: number, options: InitOptions) {
  const fanIn = weightShape.slice(1).reduce((a, b) => a * b, 1);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return {
    weight: parameter(uniformInit(weightShape, bound, options)),
    bias: withBias ? parameter(uniformInit([biasSize], bound, options)) : undefined,
  };
}

/** The explicit (left, right) pads per spatial dim, last dim first, as F.pad takes them. */
function explicitPads(padding: number[] | 'same' | 'valid', kernel: number[], dilation: number[]): number[] {
  const out: number[] = [];
  for (let i = kernel.length - 1; i >= 0; i--) {
    if (padding === 'valid') out.push(0, 0);
    else if (padding === 'same') {
      const total = (dilation[i] as number) * ((kernel[i] as number) - 1);
      out.push(Math.floor(total / 2), total - Math.floor(total / 2));
    } else out.push(padding[i] as number, padding[i] as number);
  }
  return out;
}

interface ConvDescription {
  inChannels: number;
  outChannels: number;
  kernelSize: readonly number[];
  stride: readonly number[];
  padding: readonly number[] | 'same' | 'valid';
  dilation: readonly number[];
  outputPadding?: readonly number[];
  groups: number;
  bias: Tensor | undefined;
  paddingMode: PaddingMode;
}

/** PyTorch's _ConvNd.extra_repr: non-default settings only, after kernel_size and stride. */
function convRepr(c: ConvDescription): string {
  let s = `${c.inChannels}, ${c.outChannels}, kernel_size=${pyTuple(c.kernelSize)}, stride=${pyTuple(c.stride)}`;
  if (typeof c.padding === 'string') s += `, padding=${c.padding}`;
  else if (c.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(c.padding)}`;
  if (c.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(c.dilation)}`;
  if (c.outputPadding?.some((p) => p !== 0)) s += `, output_padding=${pyTuple(c.outputPadding)}`;
  if (c.groups !== 1) s += `, groups=${c.groups}`;
  if (!c.bias) s += `, bias=${pyBool(false)}`;
  if (c.paddingMode !== 'zeros') s += `, padding_mode=${c.paddingMode}`;
  return s;
}

interface ConvCommonOptions extends InitOptions {
  /** Channel groups (default 1): each group of in / groups channels feeds out / groups channels. */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

interface ConvPaddingOptions {
  /** How padding is filled (default 'zeros'). */
  paddingMode?: PaddingMode;
}

function checkPadding(layer: string, padding: unknown, stride: readonly number[], mode: PaddingMode): void {
  if (padding === 'same' && stride.some((s) => s !== 1)) {
    throw new RangeError(`${layer}: padding 'same' needs stride 1, like PyTorch; got stride ${pyTuple(stride)}`);
  }
  if (!paddingModes.includes(mode)) {
    throw new RangeError(`${layer}: paddingMode must be one of ${paddingModes.join(', ')}, got '${String(mode)}'`);
  }
}

export interface Conv1dLayerOptions extends ConvCommonOptions, ConvPaddingOptions {
  /** Default 1. */
  stride?: number;
  /** Default 0; 'same' keeps the length (stride 1 only; an odd total puts the extra element last), 'valid' is 0. */
  padding?: number | 'same' | 'valid';
  /** Spacing between kernel elements (default 1). */
  dilation?: number;
}

/**
 * 1-d convolution over (N, C_in, L) or (C_in, L) inputs.
 * Shapes: input (N, inChannels, L) → (N, outChannels, L_out), with
 * L_out = floor((L + 2 * padding - dilation * (kernelSize - 1) - 1) / stride) + 1;
 * weight (outChannels, inChannels / groups, kernelSize), bias (outChannels).
 *
 * @example
 * const conv = new Conv1d(16, 33, 3, { stride: 2 });
 * conv.forward(randn([20, 16, 50])); // (20, 33, 24)
 */
export class Conv1d extends Module {
  weight: Tensor;
  bias: Tensor | undefined;
  readonly kernelSize: [number];
  readonly stride: [number];
  readonly padding: [number] | 'same' | 'valid';
  readonly dilation: [number];
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number,
    options: Conv1dLayerOptions = {},
  ) {
    super();
    this.groups = options.groups ?? 1;
    checkChannels('Conv1d', inChannels, outChannels, this.groups);
    this.kernelSize = tupleOf('Conv1d', 'kernelSize', kernelSize, 1, 1) as [number];
    this.stride = tupleOf('Conv1d', 'stride', options.stride ?? 1, 1, 1) as [number];
    this.dilation = tupleOf('Conv1d', 'dilation', options.dilation ?? 1, 1, 1) as [number];
    const padding = options.padding ?? 0;
    this.padding = typeof padding === 'string' ? padding : (tupleOf('Conv1d', 'padding', padding, 1, 0) as [number]);
    this.paddingMode = options.paddingMode ?? 'zeros';
    checkPadding('Conv1d', padding, this.stride, this.paddingMode);
    const p = initConv([outChannels, inChannels / this.groups, ...this.kernelSize], options.bias ?? true, outChannels, options);
    this.weight = p.weight;
    this.bias = p.bias;
  }

  forward(x: Tensor): Tensor {
    const opts = { stride: this.stride[0], dilation: this.dilation[0], groups: this.groups };
    const padding = typeof this.padding === 'string' ? this.padding : this.padding[0];
    if (this.paddingMode === 'zeros') return conv1d(x, this.weight, this.bias, { ...opts, padding });
    const pads = explicitPads(this.padding, this.kernelSize, this.dilation);
    return tidy(() => conv1d(pad(x, pads, { mode: this.paddingMode as 'reflect' | 'replicate' }), this.weight, this.bias, opts));
  }

  override extraRepr(): string {
    return convRepr(this);
  }
}

export interface Conv2dLayerOptions extends ConvCommonOptions, ConvPaddingOptions {
  /** Default 1. */
  stride?: Size2;
  /** Default 0; 'same' keeps the spatial size (stride 1 only; odd totals put the extra row/column last), 'valid' is 0. */
  padding?: Size2 | 'same' | 'valid';
  /** Spacing between kernel elements (default 1). */
  dilation?: Size2;
}

/**
 * 2-d convolution (cross-correlation) over (N, C_in, H, W) or (C_in, H, W) inputs.
 * Shapes: input (N, inChannels, H, W) → (N, outChannels, H_out, W_out), with
 * H_out = floor((H + 2 * padding[0] - dilation[0] * (kernelSize[0] - 1) - 1) / stride[0]) + 1
 * (W_out likewise); weight (outChannels, inChannels / groups, kH, kW), bias (outChannels).
 *
 * @example
 * const conv = new Conv2d(3, 64, 3, { padding: 1 });
 * conv.forward(randn([8, 3, 32, 32])); // (8, 64, 32, 32)
 * String(conv); // 'Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))'
 */
export class Conv2d extends Module {
  weight: Tensor;
  bias: Tensor | undefined;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size2,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    this.groups = options.groups ?? 1;
    checkChannels('Conv2d', inChannels, outChannels, this.groups);
    this.kernelSize = tupleOf('Conv2d', 'kernelSize', kernelSize, 2, 1) as [number, number];
    this.stride = tupleOf('Conv2d', 'stride', options.stride ?? 1, 2, 1) as [number, number];
    this.dilation = tupleOf('Conv2d', 'dilation', options.dilation ?? 1, 2, 1) as [number, number];
    const padding = options.padding ?? 0;
    this.padding = typeof padding === 'string' ? padding : (tupleOf('Conv2d', 'padding', padding, 2, 0) as [number, number]);
    this.paddingMode = options.paddingMode ?? 'zeros';
    checkPadding('Conv2d', padding, this.stride, this.paddingMode);
    const p = initConv([outChannels, inChannels / this.groups, ...this.kernelSize], options.bias ?? true, outChannels, options);
    this.weight = p.weight;
    this.bias = p.bias;
  }

  forward(x: Tensor): Tensor {
    const opts = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros') return conv2d(x, this.weight, this.bias, { ...opts, padding: this.padding });
    const pads = explicitPads(this.padding, this.kernelSize, this.dilation);
    return tidy(() => conv2d(pad(x, pads, { mode: this.paddingMode as 'reflect' | 'replicate' }), this.weight, this.bias, opts));
  }

  override extraRepr(): string {
    return convRepr(this);
  }
}

export interface ConvTranspose2dLayerOptions extends ConvCommonOptions {
  /** Stride of the convolution this one transposes (default 1). */
  stride?: Size2;
  /** Padding of the convolution this one transposes: trims that many rows/columns from each side of the output (default 0). */
  padding?: Size2;
  /** Extra rows/columns at the bottom/right of the output (default 0); smaller than stride or dilation. */
  outputPadding?: Size2;
  /** Spacing between kernel elements (default 1). */
  dilation?: Size2;
}

/**
 * 2-d transposed convolution (the gradient of Conv2d with respect to its input).
 * Shapes: input (N, inChannels, H, W) → (N, outChannels, H_out, W_out), with
 * H_out = (H - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kernelSize[0] - 1) + outputPadding[0] + 1;
 * weight (inChannels, outChannels / groups, kH, kW), bias (outChannels).
 *
 * @example
 * const up = new ConvTranspose2d(16, 8, 2, { stride: 2 });
 * up.forward(randn([1, 16, 12, 12])); // (1, 8, 24, 24)
 */
export class ConvTranspose2d extends Module {
  weight: Tensor;
  bias: Tensor | undefined;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: PaddingMode = 'zeros';

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size2,
    options: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    const layer = 'ConvTranspose2d';
    this.groups = options.groups ?? 1;
    checkChannels(layer, inChannels, outChannels, this.groups);
    this.kernelSize = tupleOf(layer, 'kernelSize', kernelSize, 2, 1) as [number, number];
    this.stride = tupleOf(layer, 'stride', options.stride ?? 1, 2, 1) as [number, number];
    this.padding = tupleOf(layer, 'padding', options.padding ?? 0, 2, 0) as [number, number];
    this.outputPadding = tupleOf(layer, 'outputPadding', options.outputPadding ?? 0, 2, 0) as [number, number];
    this.dilation = tupleOf(layer, 'dilation', options.dilation ?? 1, 2, 1) as [number, number];
    for (let i = 0; i < 2; i++) {
      const [o, s, d] = [this.outputPadding[i] as number, this.stride[i] as number, this.dilation[i] as number];
      if (o >= s && o >= d) {
        throw new RangeError(
          `${layer}: outputPadding ${pyTuple(this.outputPadding)} must be smaller than either stride ${pyTuple(this.stride)} or dilation ${pyTuple(this.dilation)} in each dim`,
        );
      }
    }
    const p = initConv([inChannels, outChannels / this.groups, ...this.kernelSize], options.bias ?? true, outChannels, options);
    this.weight = p.weight;
    this.bias = p.bias;
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  override extraRepr(): string {
    return convRepr(this);
  }
}
