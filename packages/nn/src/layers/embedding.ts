/**
 * Embedding: a lookup table of `numEmbeddings` vectors of size `embeddingDim`.
 *
 * Design note, paddingIdx: as in PyTorch, the padding row is initialised to
 * zeros and never receives a gradient, but the lookup returns whatever the row
 * holds. The gradient is stopped on the output, not the weight: positions whose
 * index is paddingIdx take their value from a detached copy of the lookup
 * (`where(index != pad, e, e.detach())`), so backward scatters exact zeros
 * into that row and `.grad` accumulates as usual. This costs one select over
 * the output (batch × dim), never a pass over the whole table.
 */
import { isGradEnabled } from '@strata/autograd';
import { arange, embedding, type Generator, randn, reshape, type Tensor, tidy, unsqueeze, where } from '@strata/core';
import { Module } from '../module';
import { parameter } from '../parameter';

export interface EmbeddingLayerOptions {
  /** A row (negative counts from the end) that is initialised to zeros and gets no gradient. */
  paddingIdx?: number;
  /** Generator for the N(0, 1) initial weights (default: core's default generator). */
  generator?: Generator;
  /** Use this (numEmbeddings, embeddingDim) tensor as the weight, as is, instead of initialising one (PyTorch's _weight). */
  weight?: Tensor;
}

/**
 * Maps int32 indices to rows of a learned table; weight initialised N(0, 1) with the paddingIdx row zeroed.
 * Shapes: indices (*) int32 → (*, embeddingDim); weight (numEmbeddings, embeddingDim).
 *
 * @example
 * const emb = new Embedding(10, 3, { paddingIdx: 0 });
 * emb.forward(tensor([[1, 2, 0, 4]])); // (1, 4, 3); the third row is zeros
 */
export class Embedding extends Module {
  weight: Tensor;
  /** The padding row as a non-negative index, or undefined. */
  readonly paddingIdx: number | undefined;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingLayerOptions = {},
  ) {
    super();
    if (!Number.isInteger(numEmbeddings) || numEmbeddings < 1 || !Number.isInteger(embeddingDim) || embeddingDim < 0) {
      throw new RangeError(
        `Embedding: numEmbeddings (${numEmbeddings}) must be a positive integer and embeddingDim (${embeddingDim}) a non-negative one`,
      );
    }
    this.paddingIdx = normalizePaddingIdx(options.paddingIdx, numEmbeddings);
    const pad = this.paddingIdx;
    if (options.weight) {
      const shape = options.weight.shape;
      if (shape.length !== 2 || shape[0] !== numEmbeddings || shape[1] !== embeddingDim) {
        throw new RangeError(
          `Embedding: weight of shape [${shape.join(', ')}] does not match [numEmbeddings, embeddingDim] = [${numEmbeddings}, ${embeddingDim}]`,
        );
      }
      this.weight = parameter(options.weight);
      return;
    }
    this.weight = parameter(
      tidy(() => {
        const w = randn([numEmbeddings, embeddingDim], options.generator ? { generator: options.generator } : {});
        return pad === undefined ? w : where(reshape(arange(numEmbeddings).eq(pad), [numEmbeddings, 1]), 0, w);
      }),
    );
  }

  /**
   * An Embedding holding `embeddings` (numEmbeddings, embeddingDim) as its weight (the tensor
   * itself, not a copy), frozen unless `freeze` is false, like `nn.Embedding.from_pretrained`.
   */
  static fromPretrained(embeddings: Tensor, options: { freeze?: boolean; paddingIdx?: number } = {}): Embedding {
    if (embeddings.ndim !== 2) {
      throw new RangeError(`Embedding.fromPretrained: embeddings must be 2-d, got shape [${embeddings.shape.join(', ')}]`);
    }
    const [num, dim] = embeddings.shape as [number, number];
    const pad = options.paddingIdx === undefined ? {} : { paddingIdx: options.paddingIdx };
    const emb = new Embedding(num, dim, { ...pad, weight: embeddings });
    emb.weight.requiresGrad_(!(options.freeze ?? true));
    return emb;
  }

  forward(indices: Tensor): Tensor {
    const pad = this.paddingIdx;
    if (pad === undefined || !this.weight.requiresGrad || !isGradEnabled()) {
      return embedding(indices, this.weight, pad === undefined ? {} : { paddingIdx: pad });
    }
    return tidy(() => {
      const e = embedding(indices, this.weight, { paddingIdx: pad });
      return where(unsqueeze(indices.ne(pad), -1), e, e.detach());
    });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === undefined ? '' : `, padding_idx=${this.paddingIdx}`}`;
  }
}

function normalizePaddingIdx(paddingIdx: number | undefined, num: number): number | undefined {
  if (paddingIdx === undefined) return undefined;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -num || paddingIdx >= num) {
    throw new RangeError(`Embedding: paddingIdx ${paddingIdx} must be an integer within [-${num}, ${num - 1}]`);
  }
  return paddingIdx < 0 ? paddingIdx + num : paddingIdx;
}
