/**
 * Independent references: TensorFlow.js on its CPU backend, and plain float64
 * JavaScript for what tfjs lacks. Inputs come from a small seeded generator so
 * every run (and every backend) sees the same data.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export { tf };

let tfReady: Promise<void> | undefined;

/** Selects tfjs's CPU backend once (and silences its Node.js banner). */
export function initTf(): Promise<void> {
  tfReady ??= (async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    await tf.ready();
  })();
  return tfReady;
}

export interface Computed {
  readonly values: number[];
  readonly shape: number[];
}

/** Runs a tfjs computation and returns its values (bool as 0/1), freeing all tfjs memory. */
export function tfCompute(build: () => tf.Tensor): Computed {
  const out = tf.tidy(build);
  try {
    return { values: Array.from(out.dataSync()), shape: [...out.shape] };
  } finally {
    out.dispose();
  }
}

/** A tfjs tensor from flat values. */
export function tfTensor(
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: 'float32' | 'int32' | 'bool' = 'float32',
): tf.Tensor {
  return tf.tensor(Array.from(values), [...shape], dtype);
}

/** mulberry32: a tiny seeded uint32 stream for test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` float32 values uniform in [lo, hi). */
export function uniform(n: number, lo: number, hi: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

/** `n` integers uniform in [lo, hi). */
export function integers(n: number, lo: number, hi: number, seed: number): Int32Array {
  const next = rng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + Math.floor((hi - lo) * next());
  return out;
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] as number;
  }
  return strides;
}

/** Unravels a flat row-major index. */
export function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] as number;
    out[d] = index % n;
    index = Math.floor(index / n);
  }
  return out;
}

/** Reference reduction over `axes` (row-major data): each output gets `fn` of its values in order. */
export function reduceRef(
  data: ArrayLike<number>,
  shape: readonly number[],
  axes: readonly number[],
  fn: (values: number[]) => number,
): Computed {
  const keptDims = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outShape = keptDims.map((i) => shape[i] as number);
  const groups: number[][] = Array.from({ length: sizeOf(outShape) }, () => []);
  const outStrides = stridesOf(outShape);
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape);
    let o = 0;
    keptDims.forEach((d, k) => {
      o += (idx[d] as number) * (outStrides[k] as number);
    });
    groups[o]?.push(data[i] as number);
  }
  return { values: groups.map(fn), shape: outShape };
}

/** Reference batched matmul of row-major float64 data with explicit shapes (batch dims already equal). */
export function matmulRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  batch: number,
  m: number,
  k: number,
  n: number,
): { values: number[]; absScale: number } {
  const values = new Array<number>(batch * m * n).fill(0);
  let absScale = 0;
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let abs = 0;
        for (let q = 0; q < k; q++) {
          const prod = (a[p * m * k + i * k + q] as number) * (b[p * k * n + q * n + j] as number);
          s += prod;
          abs += Math.abs(prod);
        }
        values[p * m * n + i * n + j] = s;
        absScale = Math.max(absScale, abs);
      }
    }
  }
  return { values, absScale };
}

/** erf in float64 from the all-positive series (2/√π) e^(-x²) Σ 2ⁿ x^(2n+1) / (2n+1)!!, so no cancellation. */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  let term = ax;
  let sum = ax;
  for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
    term *= (2 * ax * ax) / (2 * n + 1);
    sum += term;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-ax * ax) * sum;
}

/** Rounds to the nearest float16 value (ties to even), independently of core's converter. */
export function roundF16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const ax = Math.abs(x);
  if (ax >= 65520) return Math.sign(x) * Number.POSITIVE_INFINITY;
  let e = Math.floor(Math.log2(ax));
  if (2 ** e > ax) e--;
  e = Math.max(e, -14);
  const ulp = 2 ** (e - 10);
  const q = ax / ulp;
  let r = Math.round(q);
  if (q - Math.trunc(q) === 0.5 && r % 2 === 1) r -= 1;
  return Math.sign(x) * r * ulp;
}

/** PyTorch's softplus (beta = 1, threshold = 20) in float64. */
export const softplus64 = (x: number): number => (x > 20 ? x : Math.log1p(Math.exp(x)));
export const sigmoid64 = (x: number): number => 1 / (1 + Math.exp(-x));
