/**
 * Transformer encoder (torch.nn.TransformerEncoderLayer / TransformerEncoder)
 * with PyTorch's child names (self_attn, linear1, dropout, linear2, norm1,
 * norm2, dropout1, dropout2; layers.0, layers.1, ..., norm), so checkpoints
 * load by key. The decoder is in transformer-decoder.ts.
 *
 * Post-norm (default, the original paper's): x = norm(x + sublayer(x));
 * pre-norm (`normFirst`): x = x + sublayer(norm(x)).
 */
import { full, gelu, relu, reshape, type Tensor, tidy, triu } from '@strata/core';
import { ModuleList, type UnaryModule } from '../containers';
import { Module } from '../module';
import { MultiheadAttention, type MultiheadAttentionOptions } from './attention';
import { Dropout } from './dropout';
import { Linear, type LinearOptions } from './linear';
import { LayerNorm, type LayerNormOptions } from './normalization';

/** The feed-forward activation: PyTorch's two names, or any element-wise function. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

export interface TransformerLayerOptions extends Pick<LinearOptions, 'generator'> {
  /** Hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block, and on the attention weights (default 0.1). */
  dropout?: number;
  /** Default 'relu'. */
  activation?: TransformerActivation;
  /** LayerNorm eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are (N, S, E) instead of (S, N, E) (default false). */
  batchFirst?: boolean;
  /** Pre-norm: LayerNorm before each sub-block instead of after the residual (default false). */
  normFirst?: boolean;
  /** Biases in the linear layers, attention projections and LayerNorms (default true). */
  bias?: boolean;
}

/** How a transformer layer's options map onto its children's (shared with the decoder). */
export function layerParts(options: TransformerLayerOptions): {
  attention: MultiheadAttentionOptions;
  linear: LinearOptions;
  norm: LayerNormOptions;
  dimFeedforward: number;
  dropout: number;
  activation: (x: Tensor) => Tensor;
} {
  const bias = options.bias ?? true;
  const dropout = options.dropout ?? 0.1;
  const generator = options.generator ? { generator: options.generator } : {};
  return {
    attention: { dropout, bias, batchFirst: options.batchFirst ?? false, ...generator },
    linear: { bias, ...generator },
    norm: { eps: options.layerNormEps ?? 1e-5, bias },
    dimFeedforward: options.dimFeedforward ?? 2048,
    dropout,
    activation: activationFn(options.activation ?? 'relu'),
  };
}

function activationFn(activation: TransformerActivation): (x: Tensor) => Tensor {
  if (typeof activation === 'function') return activation;
  if (activation === 'relu') return relu;
  if (activation === 'gelu') return gelu;
  throw new RangeError(`Transformer: activation should be 'relu' or 'gelu' (or a function), not '${String(activation)}'`);
}

/** A copy of a module with the same configuration and values (PyTorch's deepcopy of a layer). */
export function cloneWith<M extends Module>(layer: M, make: () => M): M {
  const copy = make();
  copy.loadStateDict(layer.stateDict());
  return copy.train(layer.training);
}

export interface TransformerEncoderLayerForwardOptions {
  /** (S, S) or (N * nhead, S, S): bool true = not allowed, or float added (MultiheadAttention's attnMask). */
  srcMask?: Tensor;
  /** (N, S): bool true = padding (ignored), or float added. */
  srcKeyPaddingMask?: Tensor;
  /** Causal self-attention; `srcMask`, when given, is taken to be the causal mask. */
  isCausal?: boolean;
}

/**
 * One encoder block (torch.nn.TransformerEncoderLayer): self-attention and a
 * feed-forward block (linear1 → activation → dropout → linear2), each with
 * dropout, a residual connection and LayerNorm.
 * Shapes: src (S, N, E), (N, S, E) with batchFirst, or (S, E) → same.
 *
 * @example
 * const layer = new TransformerEncoderLayer(512, 8, { batchFirst: true });
 * layer.forward(src, { srcKeyPaddingMask }); // src (N, S, 512), mask (N, S) bool → (N, S, 512)
 */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly normFirst: boolean;
  readonly activation: (x: Tensor) => Tensor;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    readonly options: TransformerLayerOptions = {},
  ) {
    super();
    const parts = layerParts(options);
    this.self_attn = new MultiheadAttention(dModel, nhead, parts.attention);
    this.linear1 = new Linear(dModel, parts.dimFeedforward, parts.linear);
    this.dropout = new Dropout(parts.dropout);
    this.linear2 = new Linear(parts.dimFeedforward, dModel, parts.linear);
    this.normFirst = options.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, parts.norm);
    this.norm2 = new LayerNorm(dModel, parts.norm);
    this.dropout1 = new Dropout(parts.dropout);
    this.dropout2 = new Dropout(parts.dropout);
    this.activation = parts.activation;
  }

  forward(src: Tensor, options: TransformerEncoderLayerForwardOptions = {}): Tensor {
    return tidy(() => {
      const selfAttention = (x: Tensor) =>
        this.dropout1.forward(
          this.self_attn.forward(x, x, x, {
            ...(options.srcMask ? { attnMask: options.srcMask } : {}),
            ...(options.srcKeyPaddingMask ? { keyPaddingMask: options.srcKeyPaddingMask } : {}),
            isCausal: options.isCausal ?? false,
            needWeights: false,
          }).output,
        );
      const feedForward = (x: Tensor) =>
        this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x)))));
      if (this.normFirst) {
        const x = src.add(selfAttention(this.norm1.forward(src)));
        return x.add(feedForward(this.norm2.forward(x)));
      }
      const x = this.norm1.forward(src.add(selfAttention(src)));
      return this.norm2.forward(x.add(feedForward(x)));
    });
  }

  /** A copy with the same configuration and parameter values. */
  clone(): TransformerEncoderLayer {
    return cloneWith(this, () => new TransformerEncoderLayer(this.dModel, this.nhead, this.options));
  }
}

/** What TransformerEncoder stacks: TransformerEncoderLayer or any module with its forward. */
export interface EncoderLayerLike extends Module {
  forward(src: Tensor, options?: TransformerEncoderLayerForwardOptions): Tensor;
}

/** A layer (copied numLayers times) or a factory called once per layer index. */
export type LayerSource<L extends Module> = (L & { clone(): L }) | ((index: number) => L);

/** Builds the ModuleList of a stack: the given layer is layers.0 and its clones the rest. */
export function stackLayers<L extends Module>(source: LayerSource<L>, numLayers: number, name: string): ModuleList<L> {
  if (!(Number.isInteger(numLayers) && numLayers >= 0))
    throw new RangeError(`${name}: numLayers must be a non-negative integer, got ${numLayers}`);
  const make = (i: number): L => {
    if (typeof source === 'function') return source(i);
    return i === 0 ? source : source.clone();
  };
  return new ModuleList(Array.from({ length: numLayers }, (_, i) => make(i)));
}

export interface TransformerEncoderOptions {
  /** Applied to the output of the last layer (a LayerNorm for pre-norm stacks). */
  norm?: UnaryModule;
}

export interface TransformerEncoderForwardOptions {
  /** Passed to every layer as srcMask. */
  mask?: Tensor;
  srcKeyPaddingMask?: Tensor;
  isCausal?: boolean;
}

/**
 * A stack of encoder layers (torch.nn.TransformerEncoder), children `layers.0`
 * ... and an optional final `norm`. A layer instance becomes layers.0 and is
 * cloned (same initial values, like PyTorch's deepcopy) for the others; a
 * factory `(i) => layer` gives each layer its own initialisation.
 * Shapes: src (S, N, E), (N, S, E) with batchFirst layers, or (S, E) → same.
 *
 * @example
 * const encoder = new TransformerEncoder(new TransformerEncoderLayer(512, 8), 6);
 * encoder.forward(src, { mask: generateSquareSubsequentMask(S), isCausal: true }); // src (S, N, 512)
 */
export class TransformerEncoder<L extends EncoderLayerLike = TransformerEncoderLayer> extends Module {
  layers: ModuleList<L>;
  norm: UnaryModule | undefined;

  constructor(layer: LayerSource<L>, numLayers: number, options: TransformerEncoderOptions = {}) {
    super();
    this.layers = stackLayers(layer, numLayers, 'TransformerEncoder');
    this.norm = options.norm;
  }

  get numLayers(): number {
    return this.layers.length;
  }

  forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    const layerOptions: TransformerEncoderLayerForwardOptions = {
      ...(options.mask ? { srcMask: options.mask } : {}),
      ...(options.srcKeyPaddingMask ? { srcKeyPaddingMask: options.srcKeyPaddingMask } : {}),
      isCausal: options.isCausal ?? false,
    };
    return tidy(() => {
      let x = src;
      for (const layer of this.layers) x = layer.forward(x, layerOptions);
      return this.norm ? this.norm.forward(x) : x === src ? reshape(x, x.shape) : x;
    });
  }
}

/**
 * The causal mask of nn.Transformer.generate_square_subsequent_mask: (size, size)
 * float, 0 on and below the diagonal, -inf above (position i may attend to j <= i).
 *
 * @example
 * generateSquareSubsequentMask(3); // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
 */
export function generateSquareSubsequentMask(size: number): Tensor {
  return tidy(() => triu(full([size, size], Number.NEGATIVE_INFINITY), 1));
}
