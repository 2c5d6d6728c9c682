/**
 * Float64 reference implementations in plain JS loops, independent of Strata's
 * ops, for the attention and transformer tests: multi-head attention, linear,
 * layer norm, activations. Sequences are batch-first nested arrays (N, T, E).
 */
import { type Tensor, tensor } from '@strata/core';
import type { Module, MultiheadAttention } from '../src/index';

export type Mat = number[][];
export type Seq = number[][][]; // (N, T, E)

/** A deterministic float in [-1, 1) stream (mulberry32). */
export function randomStream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

export function randomArray(shape: readonly number[], next: () => number): number[] {
  return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, next);
}

/** A tensor's values as float64 nested rows of its last dim, e.g. (A, B) → Mat. */
export function toMat(t: Tensor): Mat {
  const flat = Array.from(t.dataSync() as ArrayLike<number>);
  const cols = t.shape[t.ndim - 1] as number;
  return Array.from({ length: flat.length / cols }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
}

export function toVec(t: Tensor): number[] {
  return Array.from(t.dataSync() as ArrayLike<number>);
}

/** (N, T, E) nested arrays from flat data. */
export function toSeq(flat: readonly number[], n: number, t: number, e: number): Seq {
  return Array.from({ length: n }, (_, b) =>
    Array.from({ length: t }, (_, i) => flat.slice((b * t + i) * e, (b * t + i + 1) * e)),
  );
}

/** Transposes (T, N, E) flat data into batch-first (N, T, E) nested arrays. */
export function seqFromTimeFirst(flat: readonly number[], t: number, n: number, e: number): Seq {
  return Array.from({ length: n }, (_, b) =>
    Array.from({ length: t }, (_, i) => flat.slice((i * n + b) * e, (i * n + b + 1) * e)),
  );
}

export function flattenSeqTimeFirst(x: Seq): number[] {
  const out: number[] = [];
  const t = x[0]?.length ?? 0;
  for (let i = 0; i < t; i++) for (const b of x) out.push(...(b[i] as number[]));
  return out;
}

export function linearRef(x: readonly number[], w: Mat, b?: readonly number[]): number[] {
  return w.map((row, o) => row.reduce((acc, wv, i) => acc + wv * (x[i] as number), b ? (b[o] as number) : 0));
}

export function layerNormRef(x: readonly number[], w: readonly number[], b: readonly number[], eps: number): number[] {
  const mu = x.reduce((a, v) => a + v, 0) / x.length;
  const variance = x.reduce((a, v) => a + (v - mu) ** 2, 0) / x.length;
  return x.map((v, i) => ((v - mu) / Math.sqrt(variance + eps)) * (w[i] as number) + (b[i] as number));
}

/** erf to ~1e-7 (Abramowitz & Stegun 7.1.26 is too coarse; this is a series / continued-fraction pair). */
export function erfRef(x: number): number {
  if (Math.abs(x) < 2.5) {
    let term = x;
    let total = x;
    for (let k = 1; k < 60; k++) {
      term *= (-x * x) / k;
      total += term / (2 * k + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * total;
  }
  // erfc continued fraction for |x| >= 2.5
  const ax = Math.abs(x);
  let f = 0;
  for (let k = 60; k >= 1; k--) f = k / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
}

export const reluRef = (v: number): number => Math.max(v, 0);
export const geluRef = (v: number): number => 0.5 * v * (1 + erfRef(v / Math.SQRT2));

export interface MhaParams {
  wq: Mat;
  wk: Mat;
  wv: Mat;
  bq?: number[];
  bk?: number[];
  bv?: number[];
  wo: Mat;
  bo?: number[];
  heads: number;
}

/**
 * Multi-head attention over batch-first sequences. `maskAt(b, h, i, j)` is the
 * additive mask (−∞ where not allowed). Returns the output (N, L, E) and the
 * per-head weights (N, H, L, S).
 */
export function mhaRef(
  p: MhaParams,
  query: Seq,
  key: Seq,
  value: Seq,
  maskAt: (b: number, h: number, i: number, j: number) => number = () => 0,
): { output: Seq; weights: number[][][][] } {
  const e = p.wq.length;
  const hd = e / p.heads;
  const output: Seq = [];
  const weights: number[][][][] = [];
  query.forEach((qs, b) => {
    const q = qs.map((x) => linearRef(x, p.wq, p.bq));
    const k = (key[b] as Mat).map((x) => linearRef(x, p.wk, p.bk));
    const v = (value[b] as Mat).map((x) => linearRef(x, p.wv, p.bv));
    const concat: Mat = q.map(() => new Array<number>(e).fill(0));
    const perHead: number[][][] = [];
    for (let h = 0; h < p.heads; h++) {
      const rows: Mat = [];
      q.forEach((qi, i) => {
        const scores = k.map((kj, j) => {
          let dot = 0;
          for (let d = h * hd; d < (h + 1) * hd; d++) dot += (qi[d] as number) * (kj[d] as number);
          return dot / Math.sqrt(hd) + maskAt(b, h, i, j);
        });
        const m = Math.max(...scores);
        const ex = scores.map((sc) => Math.exp(sc - m));
        const z = ex.reduce((a, c) => a + c, 0);
        const w = ex.map((c) => c / z);
        rows.push(w);
        const row = concat[i] as number[];
        for (let d = h * hd; d < (h + 1) * hd; d++)
          row[d] = w.reduce((acc, wj, j) => acc + wj * ((v[j] as number[])[d] as number), 0);
      });
      perHead.push(rows);
    }
    output.push(concat.map((x) => linearRef(x, p.wo, p.bo)));
    weights.push(perHead);
  });
  return { output, weights };
}

/** Largest |a - b| over two equally shaped nested arrays (or flat ones). */
export function maxAbsDiff(a: unknown, b: unknown): number {
  const fa = (a as unknown[]).flat(4) as number[];
  const fb = (b as unknown[]).flat(4) as number[];
  if (fa.length !== fb.length) throw new Error(`maxAbsDiff: lengths differ (${fa.length} vs ${fb.length})`);
  let worst = 0;
  for (let i = 0; i < fa.length; i++) {
    const d = Math.abs((fa[i] as number) - (fb[i] as number));
    worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(worst, d);
  }
  return worst;
}

/** A MultiheadAttention's projections as float64 reference parameters. */
export function mhaParamsOf(mha: MultiheadAttention): MhaParams {
  const e = mha.embedDim;
  const bias = mha.in_proj_bias ? toVec(mha.in_proj_bias) : undefined;
  const packed = mha.in_proj_weight ? toMat(mha.in_proj_weight) : undefined;
  const part = (i: number) => packed?.slice(i * e, (i + 1) * e);
  const out: MhaParams = {
    wq: part(0) ?? toMat(mha.q_proj_weight as Tensor),
    wk: part(1) ?? toMat(mha.k_proj_weight as Tensor),
    wv: part(2) ?? toMat(mha.v_proj_weight as Tensor),
    wo: toMat(mha.out_proj.weight),
    heads: mha.numHeads,
  };
  if (bias) Object.assign(out, { bq: bias.slice(0, e), bk: bias.slice(e, 2 * e), bv: bias.slice(2 * e) });
  if (mha.out_proj.bias) out.bo = toVec(mha.out_proj.bias);
  return out;
}

/**
 * Random values in every 1-D parameter (biases, LayerNorm weights), which
 * PyTorch initialises to constants, so a reference check sees whether they are applied.
 */
export function randomiseVectors(module: Module, next: () => number): void {
  for (const p of module.parameters()) {
    if (p.ndim !== 1) continue;
    const v = tensor(randomArray(p.shape, next), { shape: p.shape });
    p.assign(v);
    v.dispose();
  }
}

/** A random (T, N, E) or (N, T, E) input tensor and its batch-first float64 copy. */
export function randomInput(next: () => number, t: number, n: number, e: number, batchFirst: boolean): [Tensor, Seq] {
  const flat = randomArray([t, n, e], next);
  const x = tensor(flat, { shape: batchFirst ? [n, t, e] : [t, n, e] });
  return [x, batchFirst ? toSeq(flat, n, t, e) : seqFromTimeFirst(flat, t, n, e)];
}

/** A (T, N, E) or (N, T, E) output as batch-first float64 nested arrays. */
export const outputSeq = (t: Tensor, batchFirst: boolean): Seq => {
  const [a, b, e] = t.shape as [number, number, number];
  const flat = toVec(t);
  return batchFirst ? toSeq(flat, a, b, e) : seqFromTimeFirst(flat, a, b, e);
};
