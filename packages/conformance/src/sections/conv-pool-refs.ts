/**
 * float64 references for the convolution and pooling section, written from
 * PyTorch's definitions (output sizes, ceil mode, divisor and tie rules) rather
 * than from core's implementation.
 */

export type Pair = [number, number];
export type Pads = [number, number, number, number]; // top, bottom, left, right
export type Explicit = [[number, number], [number, number], [number, number], [number, number]];

export interface ConvCase {
  x: number[];
  w: number[];
  stride?: Pair;
  pads: Pads;
  dilation?: Pair;
  groups?: number;
}

/** float64 conv2d (cross-correlation) of row-major NCHW data; absScale bounds Σ|x·w| per output. */
export function conv2dRef(x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | null, c: ConvCase) {
  const [n, cin, h, wd] = c.x as [number, number, number, number];
  const [cout, cg, kh, kw] = c.w as [number, number, number, number];
  const [sh, sw] = c.stride ?? [1, 1];
  const [dh, dw] = c.dilation ?? [1, 1];
  const [pt, pb, pl, pr] = c.pads;
  const oh = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((wd + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  const og = cout / (c.groups ?? 1);
  const values: number[] = [];
  let absScale = 0;
  for (let b = 0; b < n; b++)
    for (let co = 0; co < cout; co++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = bias ? (bias[co] as number) : 0;
          let abs = Math.abs(s);
          const g = Math.floor(co / og);
          for (let ci = 0; ci < cg; ci++)
            for (let a = 0; a < kh; a++)
              for (let e = 0; e < kw; e++) {
                const r = i * sh - pt + a * dh;
                const q = j * sw - pl + e * dw;
                if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                const p =
                  (x[((b * cin + g * cg + ci) * h + r) * wd + q] as number) * (w[((co * cg + ci) * kh + a) * kw + e] as number);
                s += p;
                abs += Math.abs(p);
              }
          values.push(s);
          absScale = Math.max(absScale, abs);
        }
  return { values, shape: [n, cout, oh, ow], absScale, k: cg * kh * kw + 1 };
}

/** float64 transposed conv: each input pixel scatters weight * value to o = i * s - p + k * d. */
export function convTransposeRef(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  xs: number[],
  ws: number[],
  o: { s: Pair; p: Pair; op: Pair; d: Pair; g: number },
) {
  const [n, cin, h, wd] = xs as [number, number, number, number];
  const [, cog, kh, kw] = ws as [number, number, number, number];
  const cout = cog * o.g;
  const cig = cin / o.g;
  const oh = (h - 1) * o.s[0] - 2 * o.p[0] + o.d[0] * (kh - 1) + o.op[0] + 1;
  const ow = (wd - 1) * o.s[1] - 2 * o.p[1] + o.d[1] * (kw - 1) + o.op[1] + 1;
  const out = new Float64Array(n * cout * oh * ow);
  const abs = new Float64Array(out.length);
  for (let b = 0; b < n; b++)
    for (let ci = 0; ci < cin; ci++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < wd; j++) {
          const v = x[((b * cin + ci) * h + i) * wd + j] as number;
          const g = Math.floor(ci / cig);
          for (let c = 0; c < cog; c++)
            for (let a = 0; a < kh; a++)
              for (let e = 0; e < kw; e++) {
                const r = i * o.s[0] - o.p[0] + a * o.d[0];
                const q = j * o.s[1] - o.p[1] + e * o.d[1];
                if (r < 0 || r >= oh || q < 0 || q >= ow) continue;
                const idx = ((b * cout + g * cog + c) * oh + r) * ow + q;
                const prod = v * (w[((ci * cog + c) * kh + a) * kw + e] as number);
                out[idx] = (out[idx] as number) + prod;
                abs[idx] = (abs[idx] as number) + Math.abs(prod);
              }
        }
  return { values: Array.from(out), shape: [n, cout, oh, ow], absScale: Math.max(0, ...abs), k: cig * kh * kw };
}

export interface PoolCase {
  k: Pair;
  s?: Pair;
  p?: Pair;
  d?: Pair;
  ceil?: boolean;
  includePad?: boolean;
  divisor?: number;
}

/** PyTorch's output size (pooling_output_shape). */
export function outSize(size: number, k: number, p: number, s: number, d: number, ceil: boolean): number {
  let o = Math.floor((size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= size + p) o--;
  return o;
}

/** float64 max/avg pooling written from PyTorch's CPU kernels (max: first maximum; avg: divisor rules). */
export function poolRef(x: ArrayLike<number>, shape: number[], c: PoolCase, kind: 'max' | 'avg') {
  const [n, ch, h, w] = shape as [number, number, number, number];
  const [kh, kw] = c.k;
  const [sh, sw] = c.s ?? c.k;
  const [ph, pw] = c.p ?? [0, 0];
  const [dh, dw] = c.d ?? [1, 1];
  const oh = outSize(h, kh, ph, sh, dh, c.ceil ?? false);
  const ow = outSize(w, kw, pw, sw, dw, c.ceil ?? false);
  const values: number[] = [];
  const indices: number[] = [];
  for (let p = 0; p < n * ch; p++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const hs = i * sh - ph;
        const ws = j * sw - pw;
        if (kind === 'max') {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let a = 0; a < kh; a++)
            for (let e = 0; e < kw; e++) {
              const r = hs + a * dh;
              const q = ws + e * dw;
              if (r < 0 || r >= h || q < 0 || q >= w) continue;
              const v = x[(p * h + r) * w + q] as number;
              if (at < 0 || v > best) [best, at] = [v, r * w + q];
            }
          values.push(best);
          indices.push(at);
        } else {
          const he = Math.min(hs + kh, h + ph);
          const we = Math.min(ws + kw, w + pw);
          const pool = (he - hs) * (we - ws);
          const [h0, h1, w0, w1] = [Math.max(hs, 0), Math.min(he, h), Math.max(ws, 0), Math.min(we, w)];
          let s = 0;
          for (let r = h0; r < h1; r++) for (let q = w0; q < w1; q++) s += x[(p * h + r) * w + q] as number;
          values.push(s / (c.divisor ?? ((c.includePad ?? true) ? pool : (h1 - h0) * (w1 - w0))));
        }
      }
  return { values, indices, shape: [n, ch, oh, ow] };
}

/** float64 adaptive pooling over windows [floor(i*In/Out), ceil((i+1)*In/Out)). */
export function adaptiveRef(x: ArrayLike<number>, shape: number[], out: Pair, kind: 'max' | 'avg') {
  const [n, ch, h, w] = shape as [number, number, number, number];
  const values: number[] = [];
  const indices: number[] = [];
  for (let p = 0; p < n * ch; p++)
    for (let i = 0; i < out[0]; i++)
      for (let j = 0; j < out[1]; j++) {
        const [h0, h1] = [Math.floor((i * h) / out[0]), Math.ceil(((i + 1) * h) / out[0])];
        const [w0, w1] = [Math.floor((j * w) / out[1]), Math.ceil(((j + 1) * w) / out[1])];
        let s = 0;
        let best = Number.NEGATIVE_INFINITY;
        let at = -1;
        for (let r = h0; r < h1; r++)
          for (let q = w0; q < w1; q++) {
            const v = x[(p * h + r) * w + q] as number;
            s += v;
            if (at < 0 || v > best) [best, at] = [v, r * w + q];
          }
        values.push(kind === 'max' ? best : s / ((h1 - h0) * (w1 - w0)));
        indices.push(at);
      }
  return { values, indices, shape: [n, ch, out[0], out[1]] };
}
