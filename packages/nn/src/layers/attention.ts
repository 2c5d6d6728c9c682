/**
 * MultiheadAttention with PyTorch's parameter layout (`in_proj_weight` (3E, E)
 * and `in_proj_bias` (3E) packed q/k/v projections, or `q_proj_weight`,
 * `k_proj_weight`, `v_proj_weight` when kdim/vdim differ from embedDim, and an
 * `out_proj` Linear), so `nn.MultiheadAttention` checkpoints load by key.
 *
 * Mask semantics are PyTorch MHA's, the opposite of scaledDotProductAttention's
 * bool mask: a bool `attnMask` / `keyPaddingMask` is true where attention is NOT
 * allowed; a float mask is added to the scores. Both are merged into one additive
 * (N, heads, L, S) float mask before the attention itself.
 */
import {
  chunk,
  DTypeError,
  dropout as dropoutOp,
  linear,
  matmul,
  mean,
  narrow,
  ones,
  permute,
  reshape,
  ShapeError,
  scaledDotProductAttention,
  softmax,
  squeeze,
  type Tensor,
  tidy,
  transpose,
  triu,
  unsqueeze,
  where,
  zeros,
} from '@strata/core';
import { Module } from '../module';
import { parameter } from '../parameter';
import { xavierUniform_, zeros_ } from './init';
import { type InitOptions, Linear } from './linear';
import { fmtShape } from './repr';

export interface MultiheadAttentionOptions extends InitOptions {
  /** Dropout probability on the attention weights (default 0), applied in training mode. */
  dropout?: number;
  /** Biases on the input and output projections (default true). */
  bias?: boolean;
  /** Feature size of the keys (default embedDim). */
  kdim?: number;
  /** Feature size of the values (default embedDim). */
  vdim?: number;
  /** Inputs and outputs are (N, L, E) instead of (L, N, E) (default false). */
  batchFirst?: boolean;
}

export interface MultiheadAttentionForwardOptions {
  /** (N, S) or (S) unbatched: bool true = ignore that key, or float added to the scores. */
  keyPaddingMask?: Tensor;
  /** (L, S) or (N * heads, L, S): bool true = NOT allowed (PyTorch MHA), or float added to the scores. */
  attnMask?: Tensor;
  /**
   * Return the attention weights (default true, like PyTorch). Pass false when
   * they are not used: the output then comes from scaledDotProductAttention,
   * and no head-average is recorded on the autograd tape for a backward that never reaches it.
   */
  needWeights?: boolean;
  /** Average the returned weights over the heads (default true): (N, L, S) instead of (N, heads, L, S). */
  averageAttnWeights?: boolean;
  /**
   * Causal attention. With `attnMask` it is a hint that the mask is causal (the
   * mask is used as given); without one, the causal mask is built here (PyTorch
   * requires the mask).
   */
  isCausal?: boolean;
}

export interface MultiheadAttentionResult {
  /** (L, N, E), (N, L, E) with batchFirst, or (L, E) unbatched. */
  output: Tensor;
  /** (N, L, S), (N, heads, L, S) when not averaged, without N unbatched; after dropout, like PyTorch. */
  weights?: Tensor;
}

/** PyTorch's name for MHA's output projection (a Linear that quantization leaves alone). */
class NonDynamicallyQuantizableLinear extends Linear {}

/**
 * Multi-head attention (torch.nn.MultiheadAttention): projects query, key and
 * value, attends per head with scale 1/√(E/heads), concatenates the heads and
 * applies `out_proj`.
 * Shapes: query (L, N, E), key (S, N, kdim), value (S, N, vdim) → output (L, N, E);
 * with batchFirst (N, L, E) etc.; unbatched (L, E), (S, kdim), (S, vdim) → (L, E).
 * Parameters: in_proj_weight (3E, E) or q_proj_weight (E, E), k_proj_weight (E, kdim),
 * v_proj_weight (E, vdim); in_proj_bias (3E); out_proj.weight (E, E), out_proj.bias (E).
 * Init as PyTorch: xavier_uniform on the input projections, zero biases.
 *
 * @example
 * const mha = new MultiheadAttention(64, 8, { batchFirst: true });
 * const { output, weights } = mha.forward(x, x, x); // x (N, L, 64) → (N, L, 64), weights (N, L, L)
 */
export class MultiheadAttention extends Module {
  in_proj_weight: Tensor | undefined;
  q_proj_weight: Tensor | undefined;
  k_proj_weight: Tensor | undefined;
  v_proj_weight: Tensor | undefined;
  in_proj_bias: Tensor | undefined;
  out_proj: Linear;
  readonly kdim: number;
  readonly vdim: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    if (!(Number.isInteger(embedDim) && embedDim > 0 && Number.isInteger(numHeads) && numHeads > 0))
      throw new RangeError(`MultiheadAttention: embedDim (${embedDim}) and numHeads (${numHeads}) must be positive integers`);
    if (embedDim % numHeads !== 0)
      throw new RangeError(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1))
      throw new RangeError(`MultiheadAttention: dropout must be in [0, 1], got ${this.dropout}`);
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    this.headDim = embedDim / numHeads;
    this.batchFirst = options.batchFirst ?? false;
    const bias = options.bias ?? true;
    const xavier = (rows: number, cols: number) => xavierUniform_(parameter(zeros([rows, cols])), 1, options);
    if (this.packed) this.in_proj_weight = xavier(3 * embedDim, embedDim);
    else {
      this.q_proj_weight = xavier(embedDim, embedDim);
      this.k_proj_weight = xavier(embedDim, this.kdim);
      this.v_proj_weight = xavier(embedDim, this.vdim);
    }
    this.in_proj_bias = bias ? parameter(zeros([3 * embedDim])) : undefined;
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, {
      bias,
      ...(options.generator ? { generator: options.generator } : {}),
    });
    if (this.out_proj.bias) zeros_(this.out_proj.bias);
  }

  /** Whether q, k and v share one packed (3E, E) projection (kdim = vdim = embedDim). */
  get packed(): boolean {
    return this.kdim === this.embedDim && this.vdim === this.embedDim;
  }

  forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options: MultiheadAttentionForwardOptions & { needWeights: false },
  ): MultiheadAttentionResult & { weights?: undefined };
  forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options?: MultiheadAttentionForwardOptions & { needWeights?: true },
  ): Required<MultiheadAttentionResult>;
  forward(query: Tensor, key: Tensor, value: Tensor, options?: MultiheadAttentionForwardOptions): MultiheadAttentionResult;
  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): MultiheadAttentionResult {
    const batched = this.checkInputs(query, key, value);
    const needWeights = options.needWeights ?? true;
    return tidy(() => {
      // Work in (N, T, features); unbatched inputs get N = 1.
      const toNTE = (x: Tensor) => (!batched ? unsqueeze(x, 0) : this.batchFirst ? x : transpose(x, 0, 1));
      // One layout change per distinct input: an unused recorded op would stay on the autograd tape.
      const q0 = toNTE(query);
      const k0 = key === query ? q0 : toNTE(key);
      const v0 = value === key ? k0 : value === query ? q0 : toNTE(value);
      const [q, k, v] = this.project(q0, k0, v0, query === key && key === value);
      const [n, l] = q.shape as [number, number];
      const s = k.shape[1] as number;
      const heads = (x: Tensor, t: number) => permute(reshape(x, [n, t, this.numHeads, this.headDim]), [0, 2, 1, 3]);
      const [qh, kh, vh] = [heads(q, l), heads(k, s), heads(v, s)]; // (N, H, T, hd)
      const mask = this.mergeMasks(options, n, l, s, batched, q); // additive, broadcastable to (N, H, L, S)
      const p = this.training ? this.dropout : 0;
      let attended: Tensor; // (N, H, L, hd)
      let weights: Tensor | undefined;
      if (needWeights) {
        const raw = matmul(qh, transpose(kh, -2, -1)).mul(1 / Math.sqrt(this.headDim));
        const probs = softmax(mask ? raw.add(mask) : raw, -1);
        weights = p > 0 ? dropoutOp(probs, { p }) : probs;
        attended = matmul(weights, vh);
      } else attended = scaledDotProductAttention(qh, kh, vh, { ...(mask ? { mask } : {}), dropout: p });
      const merged = reshape(permute(attended, [0, 2, 1, 3]), [n, l, this.embedDim]);
      const projected = this.out_proj.forward(merged); // (N, L, E)
      const output = !batched ? squeeze(projected, 0) : this.batchFirst ? projected : transpose(projected, 0, 1);
      if (!weights) return { output };
      const shown = (options.averageAttnWeights ?? true) ? mean(weights, 1) : weights;
      return { output, weights: batched ? shown : squeeze(shown, 0) };
    });
  }

  /** q (N, L, E), k (N, S, E), v (N, S, E) from the batch-first inputs. */
  private project(query: Tensor, key: Tensor, value: Tensor, selfAttention: boolean): [Tensor, Tensor, Tensor] {
    const e = this.embedDim;
    const b = this.in_proj_bias;
    const biasPart = (i: number) => (b ? narrow(b, 0, i * e, e) : undefined);
    if (this.in_proj_weight) {
      if (selfAttention) return chunk(linear(query, this.in_proj_weight, b), 3, -1) as [Tensor, Tensor, Tensor];
      const w = this.in_proj_weight;
      return [query, key, value].map((x, i) => linear(x, narrow(w, 0, i * e, e), biasPart(i))) as [Tensor, Tensor, Tensor];
    }
    const ws = [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight] as [Tensor, Tensor, Tensor];
    return [query, key, value].map((x, i) => linear(x, ws[i] as Tensor, biasPart(i))) as [Tensor, Tensor, Tensor];
  }

  /** attnMask, keyPaddingMask and isCausal as one additive float mask broadcastable to (N, H, L, S). */
  private mergeMasks(
    options: MultiheadAttentionForwardOptions,
    n: number,
    l: number,
    s: number,
    batched: boolean,
    like: Tensor,
  ): Tensor | undefined {
    const additive = (m: Tensor) => (m.dtype === 'bool' ? where(m, Number.NEGATIVE_INFINITY, 0) : m);
    const { attnMask, keyPaddingMask } = options;
    let mask: Tensor | undefined;
    if (attnMask) {
      this.checkMask('attnMask', attnMask);
      const perHead = batched ? [n * this.numHeads, l, s] : [this.numHeads, l, s];
      if (attnMask.ndim === 2 && attnMask.shape[0] === l && attnMask.shape[1] === s) mask = additive(attnMask);
      else if (attnMask.ndim === 3 && perHead.every((d, i) => attnMask.shape[i] === d))
        mask = reshape(additive(attnMask), [n, this.numHeads, l, s]);
      else
        throw new ShapeError(
          `MultiheadAttention: attnMask must be (L, S) = ${fmtShape([l, s])} or (N * heads, L, S) = ${fmtShape(perHead)}, got ${fmtShape(attnMask.shape)}`,
        );
    } else if (options.isCausal)
      mask = where(triu(ones([l, s], { dtype: 'bool', backend: like.backend }), 1), Number.NEGATIVE_INFINITY, 0);
    if (keyPaddingMask) {
      this.checkMask('keyPaddingMask', keyPaddingMask);
      const expected = batched ? [n, s] : [s];
      if (keyPaddingMask.ndim !== expected.length || expected.some((d, i) => keyPaddingMask.shape[i] !== d))
        throw new ShapeError(
          `MultiheadAttention: keyPaddingMask must be (N, S) = ${fmtShape(expected)}, got ${fmtShape(keyPaddingMask.shape)}`,
        );
      const padding = reshape(additive(keyPaddingMask), [n, 1, 1, s]);
      mask = mask ? mask.add(padding) : padding;
    }
    return mask;
  }

  private checkMask(name: string, mask: Tensor): void {
    mask.assertAlive('MultiheadAttention');
    if (mask.dtype === 'int32')
      throw new DTypeError(`MultiheadAttention: ${name} must be bool (true = not allowed) or float (added), got int32`);
  }

  /** Validates the input shapes; returns whether they are batched (3-D). */
  private checkInputs(query: Tensor, key: Tensor, value: Tensor): boolean {
    for (const t of [query, key, value]) t.assertAlive('MultiheadAttention');
    const fmt = (t: Tensor) => fmtShape(t.shape);
    const shapes = `query ${fmt(query)}, key ${fmt(key)}, value ${fmt(value)}`;
    const layout = this.batchFirst ? '(N, L, E)' : '(L, N, E)';
    if (!(query.ndim === 2 || query.ndim === 3) || key.ndim !== query.ndim || value.ndim !== query.ndim)
      throw new ShapeError(`MultiheadAttention: inputs must all be 3-D ${layout} or all 2-D (L, E) unbatched, got ${shapes}`);
    const batched = query.ndim === 3;
    const last = (t: Tensor) => t.shape[t.ndim - 1];
    if (last(query) !== this.embedDim || last(key) !== this.kdim || last(value) !== this.vdim)
      throw new ShapeError(
        `MultiheadAttention: feature sizes must be embedDim=${this.embedDim}, kdim=${this.kdim}, vdim=${this.vdim}; got ${shapes}`,
      );
    const seqAxis = batched && this.batchFirst ? 1 : 0;
    if (key.shape[seqAxis] !== value.shape[seqAxis])
      throw new ShapeError(`MultiheadAttention: key and value must have the same sequence length; got ${shapes}`);
    if (batched) {
      const batchAxis = this.batchFirst ? 0 : 1;
      if (key.shape[batchAxis] !== query.shape[batchAxis] || value.shape[batchAxis] !== query.shape[batchAxis])
        throw new ShapeError(`MultiheadAttention: query, key and value must share the batch size (${layout}); got ${shapes}`);
    }
    return batched;
  }
}
