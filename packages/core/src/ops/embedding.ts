/**
 * Embedding lookup: rows of a (numEmbeddings, dim) weight picked by int32
 * indices of any shape, as one indexSelect over the flattened indices.
 */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import type { Tensor } from '../tensor/tensor';
import { indexSelect } from './indexing';
import { reshape } from './views';

export interface EmbeddingOptions {
  /**
   * A row index (negative counts from the end) that marks padding. As in
   * PyTorch it changes only training (nn.Embedding keeps that row's gradient
   * at zero and initialises it to zeros); the lookup itself returns the row as stored.
   */
  paddingIdx?: number;
}

/**
 * F.embedding: `out[..., :] = weight[indices[...], :]`; the result has shape
 * `[...indices.shape, dim]` and weight's dtype. Out-of-range indices throw on
 * the CPU (RangeError).
 *
 * @example
 * embedding(tensor([[0, 2]]), tensor([[1, 1], [2, 2], [3, 3]])); // [[[1, 1], [3, 3]]]
 */
export function embedding(indices: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  indices.assertAlive('embedding');
  weight.assertAlive('embedding');
  if (indices.dtype !== 'int32')
    throw new DTypeError(`embedding: indices must be int32, got ${indices.dtype}; convert with .to('int32')`);
  if (weight.ndim !== 2)
    throw new ShapeError(`embedding: weight must be 2-d (numEmbeddings, embeddingDim), got ${fmtShape(weight.shape)}`);
  const [num, dim] = weight.shape as [number, number];
  const pad = options.paddingIdx;
  if (pad !== undefined && (!Number.isInteger(pad) || pad < -num || pad >= num)) {
    throw new RangeError(`embedding: paddingIdx ${pad} must be an integer within [-${num}, ${num - 1}]`);
  }
  return tidy(() => reshape(indexSelect(weight, 0, reshape(indices, [-1])), [...indices.shape, dim]));
}
