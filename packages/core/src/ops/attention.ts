/**
 * Scaled dot-product attention with PyTorch's conventions: q (..., Tq, d),
 * k (..., Tk, d), v (..., Tk, dv) with any broadcastable leading dims (usually
 * (B, heads)); `softmax(q @ kᵀ * scale + mask) @ v`.
 */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import type { Generator } from '../random/generator';
import type { Tensor } from '../tensor/tensor';
import { add, mul } from './arithmetic';
import { logicalNot } from './compare';
import { ones } from './creation';
import { checkDropoutP, dropout } from './dropout';
import { maskedFill } from './indexing';
import { matmul } from './matmul';
import { softmax } from './softmax';
import { tril } from './triangular';
import { transpose } from './views';

export interface AttentionOptions {
  /**
   * Broadcastable to (..., Tq, Tk). bool: true marks the positions that take
   * part (PyTorch's attn_mask), false ones get -inf; float: added to the scores.
   */
  mask?: Tensor;
  /** Each query attends only to keys at positions <= its own (top-left aligned tril); excludes `mask`. */
  causal?: boolean;
  /** Dropout probability on the attention weights (default 0), applied when `training`. */
  dropout?: number;
  /** Multiplies q @ kᵀ; default 1 / sqrt(d). */
  scale?: number;
  /** Source of the dropout mask. */
  generator?: Generator;
  /** Whether dropout applies (default true, as F.scaled_dot_product_attention always applies dropout_p). */
  training?: boolean;
}

/**
 * F.scaled_dot_product_attention (the math reference path): returns
 * (..., Tq, dv). A query row whose keys are all masked out gets NaN weights,
 * as in PyTorch's reference implementation.
 *
 * @example
 * scaledDotProductAttention(q, k, v, { causal: true }); // q, k, v: (B, H, T, d)
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  for (const t of [q, k, v]) t.assertAlive('scaledDotProductAttention');
  const op = 'scaledDotProductAttention';
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2)
    throw new ShapeError(
      `${op}: q, k and v need at least 2 dims (..., T, d), got ${fmtShape(q.shape)}, ${fmtShape(k.shape)}, ${fmtShape(v.shape)}`,
    );
  const d = q.shape[q.ndim - 1] as number;
  const tq = q.shape[q.ndim - 2] as number;
  const tk = k.shape[k.ndim - 2] as number;
  if (k.shape[k.ndim - 1] !== d)
    throw new ShapeError(`${op}: q ${fmtShape(q.shape)} and k ${fmtShape(k.shape)} must share the last dim (d)`);
  if (v.shape[v.ndim - 2] !== tk)
    throw new ShapeError(`${op}: k ${fmtShape(k.shape)} and v ${fmtShape(v.shape)} must have the same number of keys`);
  const { mask, causal = false } = options;
  if (mask && causal) throw new RangeError(`${op}: pass either mask or causal, not both (like PyTorch)`);
  if (mask) {
    mask.assertAlive(op);
    if (mask.dtype === 'int32') throw new DTypeError(`${op}: mask must be bool (true = attend) or float (added), got int32`);
  }
  const p = options.dropout ?? 0;
  checkDropoutP(op, p);
  const scale = options.scale ?? 1 / Math.sqrt(d);
  return tidy(() => {
    let scores = mul(matmul(q, transpose(k, -2, -1)), scale);
    const keep = causal ? tril(ones([tq, tk], { dtype: 'bool', backend: q.backend })) : mask;
    if (keep) scores = keep.dtype === 'bool' ? maskedFill(scores, logicalNot(keep), Number.NEGATIVE_INFINITY) : add(scores, keep);
    let weights = softmax(scores, -1);
    if (p > 0 && options.training !== false)
      weights = dropout(weights, { p, ...(options.generator ? { generator: options.generator } : {}) });
    return matmul(weights, v);
  });
}
