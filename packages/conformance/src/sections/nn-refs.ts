/**
 * Float64 references for the nn-functional section: plain loops over
 * row-major data, written from the ops' definitions (PyTorch's formulas), not
 * from core's code.
 */
import { sizeOf } from '../oracle';

/** (outer, len, inner) of a row-major shape around `axis`. */
function lanes(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis] as number, sizeOf(shape.slice(axis + 1))];
}

export function softmax64(data: ArrayLike<number>, shape: readonly number[], axis: number, log: boolean): number[] {
  const [outer, len, inner] = lanes(shape, axis);
  const out = new Array<number>(data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * len + k) * inner + i;
      let m = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < len; k++) m = Math.max(m, data[at(k)] as number);
      let s = 0;
      for (let k = 0; k < len; k++) s += Math.exp((data[at(k)] as number) - m);
      for (let k = 0; k < len; k++) {
        const z = (data[at(k)] as number) - m;
        out[at(k)] = log ? z - Math.log(s) : Math.exp(z) / s;
      }
    }
  }
  return out;
}

/** Normalises each group of `group` consecutive values: (x - mean) / sqrt(var + eps), biased variance. */
export function normalizeGroups64(data: ArrayLike<number>, group: number, eps: number): number[] {
  const out = new Array<number>(data.length);
  for (let g = 0; g < data.length / group; g++) {
    let s = 0;
    for (let k = 0; k < group; k++) s += data[g * group + k] as number;
    const mu = s / group;
    let ss = 0;
    for (let k = 0; k < group; k++) ss += ((data[g * group + k] as number) - mu) ** 2;
    const r = 1 / Math.sqrt(ss / group + eps);
    for (let k = 0; k < group; k++) out[g * group + k] = ((data[g * group + k] as number) - mu) * r;
  }
  return out;
}

export interface AttentionRef {
  q: ArrayLike<number>;
  k: ArrayLike<number>;
  v: ArrayLike<number>;
  batch: number;
  tq: number;
  tk: number;
  d: number;
  dv: number;
  scale: number;
  /** (tq, tk), shared by every batch: bool keep-mask (0/1) or additive. */
  mask?: { values: ArrayLike<number>; bool: boolean };
  causal?: boolean;
}

export function attention64(r: AttentionRef): number[] {
  const out = new Array<number>(r.batch * r.tq * r.dv).fill(0);
  for (let b = 0; b < r.batch; b++) {
    for (let i = 0; i < r.tq; i++) {
      const scores: number[] = [];
      for (let j = 0; j < r.tk; j++) {
        let s = 0;
        for (let c = 0; c < r.d; c++) s += (r.q[(b * r.tq + i) * r.d + c] as number) * (r.k[(b * r.tk + j) * r.d + c] as number);
        s *= r.scale;
        const mv = r.mask?.values[i * r.tk + j] as number;
        if (r.causal && j > i) s = Number.NEGATIVE_INFINITY;
        else if (r.mask) s = r.mask.bool ? (mv ? s : Number.NEGATIVE_INFINITY) : s + mv;
        scores.push(s);
      }
      const w = softmax64(scores, [r.tk], 0, false);
      for (let c = 0; c < r.dv; c++) {
        let acc = 0;
        for (let j = 0; j < r.tk; j++) acc += (w[j] as number) * (r.v[(b * r.tk + j) * r.dv + c] as number);
        out[(b * r.tq + i) * r.dv + c] = acc;
      }
    }
  }
  return out;
}

/** Einsum by brute force over every assignment of the labels (letters only, explicit '->'). */
export function einsum64(
  equation: string,
  operands: readonly { data: ArrayLike<number>; shape: readonly number[] }[],
): {
  values: number[];
  shape: number[];
} {
  const [lhs, rhs = ''] = equation.replace(/ /g, '').split('->') as [string, string?];
  const terms = lhs.split(',');
  const size = new Map<string, number>();
  terms.forEach((t, i) => {
    [...t].forEach((c, d) => {
      size.set(c, Math.max(size.get(c) ?? 1, operands[i]?.shape[d] as number));
    });
  });
  const labels = [...size.keys()];
  const outShape = [...rhs].map((c) => size.get(c) as number);
  const values = new Array<number>(sizeOf(outShape)).fill(0);
  const total = labels.reduce((p, c) => p * (size.get(c) as number), 1);
  const at = new Map<string, number>();
  const flat = (term: string, shape: readonly number[]) =>
    [...term].reduce((p, c, d) => p * (shape[d] as number) + ((shape[d] as number) === 1 ? 0 : (at.get(c) as number)), 0);
  for (let n = 0; n < total; n++) {
    let rest = n;
    for (let l = labels.length - 1; l >= 0; l--) {
      const s = size.get(labels[l] as string) as number;
      at.set(labels[l] as string, rest % s);
      rest = Math.floor(rest / s);
    }
    let prod = 1;
    terms.forEach((t, i) => {
      const op = operands[i] as { data: ArrayLike<number>; shape: readonly number[] };
      prod *= op.data[flat(t, op.shape)] as number;
    });
    values[flat(rhs, outShape)] += prod;
  }
  return { values, shape: outShape };
}

export interface NllRef {
  /** (N, C, D) row-major log-probabilities. */
  logp: ArrayLike<number>;
  n: number;
  c: number;
  d: number;
  /** (N, D) class indices. */
  target: ArrayLike<number>;
  weight?: ArrayLike<number>;
  ignoreIndex: number;
  smoothing: number;
}

/** Per-element losses and the weights that 'mean' divides by (PyTorch's cross_entropy with label smoothing). */
export function nll64(r: NllRef): { losses: number[]; weights: number[] } {
  const losses: number[] = [];
  const weights: number[] = [];
  for (let n = 0; n < r.n; n++) {
    for (let d = 0; d < r.d; d++) {
      const t = r.target[n * r.d + d] as number;
      if (t === r.ignoreIndex) {
        losses.push(0);
        weights.push(0);
        continue;
      }
      const lp = (c: number) => r.logp[(n * r.c + c) * r.d + d] as number;
      const w = (c: number) => (r.weight ? (r.weight[c] as number) : 1);
      let smooth = 0;
      for (let c = 0; c < r.c; c++) smooth -= w(c) * lp(c);
      losses.push((1 - r.smoothing) * -w(t) * lp(t) + (r.smoothing / r.c) * smooth);
      weights.push(w(t));
    }
  }
  return { losses, weights };
}
