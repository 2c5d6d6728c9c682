/**
 * Transformer decoder (torch.nn.TransformerDecoderLayer / TransformerDecoder)
 * with PyTorch's child names (self_attn, multihead_attn, linear1, dropout,
 * linear2, norm1..3, dropout1..3; layers.0, ..., norm). Shares its options
 * and conventions with the encoder in transformer.ts.
 */
import { reshape, type Tensor, tidy } from '@strata/core';
import type { ModuleList, UnaryModule } from '../containers';
import { Module } from '../module';
import { MultiheadAttention } from './attention';
import { Dropout } from './dropout';
import { Linear } from './linear';
import { LayerNorm } from './normalization';
import { cloneWith, type LayerSource, layerParts, stackLayers, type TransformerLayerOptions } from './transformer';

export interface TransformerDecoderForwardOptions {
  /** (T, T) or (N * nhead, T, T) self-attention mask: bool true = not allowed, or float added. */
  tgtMask?: Tensor;
  /** (T, S) or (N * nhead, T, S) mask on the memory (cross-attention). */
  memoryMask?: Tensor;
  /** (N, T): bool true = padding in the target. */
  tgtKeyPaddingMask?: Tensor;
  /** (N, S): bool true = padding in the memory. */
  memoryKeyPaddingMask?: Tensor;
  /** Causal self-attention; `tgtMask`, when given, is taken to be the causal mask. */
  tgtIsCausal?: boolean;
  /** Causal cross-attention; `memoryMask`, when given, is taken to be the causal mask. */
  memoryIsCausal?: boolean;
}

/**
 * One decoder block (torch.nn.TransformerDecoderLayer): self-attention over
 * the target, cross-attention to the encoder's output (`memory`), and the
 * feed-forward block, each with dropout, a residual connection and LayerNorm
 * (after the residual, or before the block with normFirst).
 * Shapes: tgt (T, N, E), memory (S, N, E) → (T, N, E); (N, T, E) etc. with batchFirst; (T, E), (S, E) unbatched.
 *
 * @example
 * const layer = new TransformerDecoderLayer(512, 8);
 * layer.forward(tgt, memory, { tgtMask: generateSquareSubsequentMask(T), tgtIsCausal: true });
 */
export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
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
    this.multihead_attn = new MultiheadAttention(dModel, nhead, parts.attention);
    this.linear1 = new Linear(dModel, parts.dimFeedforward, parts.linear);
    this.dropout = new Dropout(parts.dropout);
    this.linear2 = new Linear(parts.dimFeedforward, dModel, parts.linear);
    this.normFirst = options.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, parts.norm);
    this.norm2 = new LayerNorm(dModel, parts.norm);
    this.norm3 = new LayerNorm(dModel, parts.norm);
    this.dropout1 = new Dropout(parts.dropout);
    this.dropout2 = new Dropout(parts.dropout);
    this.dropout3 = new Dropout(parts.dropout);
    this.activation = parts.activation;
  }

  forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderForwardOptions = {}): Tensor {
    return tidy(() => {
      const selfAttention = (x: Tensor) =>
        this.dropout1.forward(
          this.self_attn.forward(x, x, x, {
            ...(options.tgtMask ? { attnMask: options.tgtMask } : {}),
            ...(options.tgtKeyPaddingMask ? { keyPaddingMask: options.tgtKeyPaddingMask } : {}),
            isCausal: options.tgtIsCausal ?? false,
            needWeights: false,
          }).output,
        );
      const crossAttention = (x: Tensor) =>
        this.dropout2.forward(
          this.multihead_attn.forward(x, memory, memory, {
            ...(options.memoryMask ? { attnMask: options.memoryMask } : {}),
            ...(options.memoryKeyPaddingMask ? { keyPaddingMask: options.memoryKeyPaddingMask } : {}),
            isCausal: options.memoryIsCausal ?? false,
            needWeights: false,
          }).output,
        );
      const feedForward = (x: Tensor) =>
        this.dropout3.forward(this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x)))));
      if (this.normFirst) {
        let x = tgt.add(selfAttention(this.norm1.forward(tgt)));
        x = x.add(crossAttention(this.norm2.forward(x)));
        return x.add(feedForward(this.norm3.forward(x)));
      }
      let x = this.norm1.forward(tgt.add(selfAttention(tgt)));
      x = this.norm2.forward(x.add(crossAttention(x)));
      return this.norm3.forward(x.add(feedForward(x)));
    });
  }

  /** A copy with the same configuration and parameter values. */
  clone(): TransformerDecoderLayer {
    return cloneWith(this, () => new TransformerDecoderLayer(this.dModel, this.nhead, this.options));
  }
}

/** What TransformerDecoder stacks: TransformerDecoderLayer or any module with its forward. */
export interface DecoderLayerLike extends Module {
  forward(tgt: Tensor, memory: Tensor, options?: TransformerDecoderForwardOptions): Tensor;
}

export interface TransformerDecoderOptions {
  /** Applied to the output of the last layer (a LayerNorm for pre-norm stacks). */
  norm?: UnaryModule;
}

/**
 * A stack of decoder layers (torch.nn.TransformerDecoder), children `layers.0`
 * ... and an optional final `norm`; every layer attends to the same memory. A
 * layer instance becomes layers.0 and is cloned for the others; a factory
 * `(i) => layer` initialises each layer independently.
 * Shapes: tgt (T, N, E), memory (S, N, E) → (T, N, E), or batch-first with batchFirst layers.
 *
 * @example
 * const decoder = new TransformerDecoder(new TransformerDecoderLayer(512, 8), 6, { norm: new LayerNorm(512) });
 * decoder.forward(tgt, memory, { tgtMask, tgtIsCausal: true, memoryKeyPaddingMask });
 */
export class TransformerDecoder<L extends DecoderLayerLike = TransformerDecoderLayer> extends Module {
  layers: ModuleList<L>;
  norm: UnaryModule | undefined;

  constructor(layer: LayerSource<L>, numLayers: number, options: TransformerDecoderOptions = {}) {
    super();
    this.layers = stackLayers(layer, numLayers, 'TransformerDecoder');
    this.norm = options.norm;
  }

  get numLayers(): number {
    return this.layers.length;
  }

  forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderForwardOptions = {}): Tensor {
    return tidy(() => {
      let x = tgt;
      for (const layer of this.layers) x = layer.forward(x, memory, options);
      return this.norm ? this.norm.forward(x) : x === tgt ? reshape(x, x.shape) : x;
    });
  }
}
