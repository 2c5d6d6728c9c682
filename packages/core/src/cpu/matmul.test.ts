import { describe, expect, it } from 'vitest';
import { expand, matmul, type Tensor, tensor, tidy } from '../index';
import { gemm } from './matmul';

/** Deterministic values in [-1, 1), exactly representable in float32. */
function randomMatrix(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) / 2 ** 23 - 1;
  }
  return out;
}

/** The reference: a naive triple loop in float64, plus sum |a||b| per entry to scale the tolerance. */
function naive(a: ArrayLike<number>, b: ArrayLike<number>, M: number, K: number, N: number) {
  const value = new Float64Array(M * N);
  const scale = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      let mag = 0;
      for (let k = 0; k < K; k++) {
        const p = (a[i * K + k] as number) * (b[k * N + j] as number);
        acc += p;
        mag += Math.abs(p);
      }
      value[i * N + j] = acc;
      scale[i * N + j] = mag;
    }
  }
  return { value, scale };
}

/** Every entry within 1e-5 relative of the reference (relative to sum |a||b|, which bounds the rounding). */
function expectClose(actual: ArrayLike<number>, ref: { value: Float64Array; scale: Float64Array }): void {
  expect(actual.length).toBe(ref.value.length);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs((actual[i] as number) - (ref.value[i] as number)) / Math.max(ref.scale[i] as number, 1e-30);
    if (!(err <= worst)) {
      worst = err;
      worstAt = i;
    }
  }
  expect(worst, `worst relative error at flat index ${worstAt}`).toBeLessThanOrEqual(1e-5);
}

/** Row-major data of the transpose of a rows x cols matrix. */
function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] as number;
  return out;
}

const sizes: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [3, 5, 7], // up to 1000 multiply-adds: the small path
  [2, 300, 3], // one ragged tile of the blocked path
  [5, 41, 6],
  [17, 33, 65],
  [64, 64, 64],
  [130, 70, 129],
  // Spans several blocks in every dimension (MC = 64, KC = 256, NC = 512) with ragged ends.
  [67, 513, 1030],
  // Matrix-vector products (their own path).
  [1, 300, 257],
  [257, 300, 1],
];

describe('gemm (CPU float32 kernel)', () => {
  for (const [M, K, N] of sizes) {
    it(`matches a float64 triple loop for ${M}x${K} @ ${K}x${N}`, () => {
      const a = randomMatrix(M * K, M * 31 + K);
      const b = randomMatrix(K * N, N * 17 + K);
      const c = new Float32Array(M * N).fill(Number.NaN); // C is overwritten, never read
      gemm(a, b, c, M, K, N);
      expectClose(c, naive(a, b, M, K, N));
    });
  }

  it('gives exact results on small integers and zeros for K = 0', () => {
    const M = 9;
    const K = 300;
    const N = 6;
    const a = Float32Array.from({ length: M * K }, (_, i) => (i % 7) - 3);
    const b = Float32Array.from({ length: K * N }, (_, i) => (i % 5) - 2);
    const c = new Float32Array(M * N);
    gemm(a, b, c, M, K, N);
    expect(Array.from(c)).toEqual(Array.from(naive(a, b, M, K, N).value));
    const empty = new Float32Array(4).fill(7);
    gemm(new Float32Array(0), new Float32Array(0), empty, 2, 0, 2);
    expect(Array.from(empty)).toEqual([0, 0, 0, 0]);
  });

  it('keeps non-finite values to their own rows and columns (zero padding does not leak)', () => {
    const M = 6;
    const K = 5;
    const N = 7;
    const a = randomMatrix(M * K, 1);
    const b = randomMatrix(K * N, 2);
    a[0] = Number.POSITIVE_INFINITY; // row 0 of C
    b[K * N - 1] = Number.NaN; // column N - 1 of C
    const c = new Float32Array(M * N);
    gemm(a, b, c, M, K, N);
    const ref = naive(a, b, M, K, N);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        const v = c[i * N + j] as number;
        if (j === N - 1) expect(v).toBeNaN();
        else if (i === 0) expect(Number.isFinite(v)).toBe(false);
        else expect(v).toBeCloseTo(ref.value[i * N + j] as number, 5);
      }
    }
  });
});

describe('matmul on the CPU backend', () => {
  const read = (t: Tensor) => Array.from(t.dataSync() as Float32Array);

  it('handles batches, with a transposed operand', () => {
    const [B, M, K, N] = [3, 17, 33, 65];
    const a = randomMatrix(B * M * K, 5);
    const bT = randomMatrix(B * N * K, 6); // stored (B, N, K), used as (B, K, N) through .mT
    const out = tidy(() => read(matmul(tensor(a, { shape: [B, M, K] }), tensor(bT, { shape: [B, N, K] }).mT)));
    for (let t = 0; t < B; t++) {
      const b = transposed(bT.subarray(t * N * K, (t + 1) * N * K), N, K);
      expectClose(out.slice(t * M * N, (t + 1) * M * N), naive(a.subarray(t * M * K, (t + 1) * M * K), b, M, K, N));
    }
  });

  it('broadcasts batch dims (stride-0 views) and reads both operands transposed', () => {
    const [M, K, N] = [13, 70, 9];
    const aT = randomMatrix(2 * K * M, 7); // (2, 1, K, M): a = aT.mT is (2, 1, M, K)
    const bT = randomMatrix(4 * N * K, 8); // (4, N, K): b = bT.mT is (4, K, N)
    const out = tidy(() => {
      const x = tensor(aT, { shape: [2, 1, K, M] }).mT;
      const y = tensor(bT, { shape: [4, N, K] }).mT;
      const z = matmul(x, y);
      expect(z.shape).toEqual([2, 4, M, N]);
      return read(z);
    });
    for (let i = 0; i < 2; i++) {
      const a = transposed(aT.subarray(i * K * M, (i + 1) * K * M), K, M);
      for (let j = 0; j < 4; j++) {
        const b = transposed(bT.subarray(j * N * K, (j + 1) * N * K), N, K);
        const t = i * 4 + j;
        expectClose(out.slice(t * M * N, (t + 1) * M * N), naive(a, b, M, K, N));
      }
    }
  });

  it('reads small transposed operands (the small path) through their strides', () => {
    const [M, K, N] = [3, 4, 5];
    const aT = randomMatrix(K * M, 13);
    const bT = randomMatrix(N * K, 14);
    const out = tidy(() => read(matmul(tensor(aT, { shape: [K, M] }).mT, tensor(bT, { shape: [N, K] }).mT)));
    expectClose(out, naive(transposed(aT, K, M), transposed(bT, N, K), M, K, N));
  });

  it('multiplies an expanded matrix by a batch, and views with an offset', () => {
    const [M, K, N] = [5, 130, 6];
    const a = randomMatrix(M * K, 9);
    const wide = randomMatrix(3 * K * (N + 4), 10); // (3, K, N + 4); b takes columns 2 .. N + 1
    const out = tidy(() => {
      const x = expand(tensor(a, { shape: [M, K] }), [3, M, K]);
      const y = tensor(wide, { shape: [3, K, N + 4] }).narrow(2, 2, N);
      return read(matmul(x, y));
    });
    for (let t = 0; t < 3; t++) {
      const b = new Float32Array(K * N);
      for (let k = 0; k < K; k++)
        for (let j = 0; j < N; j++) b[k * N + j] = wide[t * K * (N + 4) + k * (N + 4) + j + 2] as number;
      expectClose(out.slice(t * M * N, (t + 1) * M * N), naive(a, b, M, K, N));
    }
  });

  it('handles 1-d operands, with the matrix contiguous or transposed', () => {
    const [K, N] = [33, 17];
    const v = randomMatrix(K, 11);
    const m = randomMatrix(K * N, 12); // (K, N)
    const mT = transposed(m, K, N); // (N, K)
    const [vm, vmT, mv, mTv] = tidy(() => {
      const vt = tensor(v, { shape: [K] });
      const mt = tensor(m, { shape: [K, N] });
      const mTt = tensor(mT, { shape: [N, K] });
      return [read(matmul(vt, mt)), read(matmul(vt, mTt.mT)), read(matmul(mt.mT, vt)), read(matmul(mTt, vt))];
    });
    expectClose(vm, naive(v, m, 1, K, N));
    expectClose(vmT, naive(v, m, 1, K, N));
    expectClose(mv, naive(mT, v, N, K, 1));
    expectClose(mTv, naive(mT, v, N, K, 1));
  });

  it('multiplies int32 exactly, batched and transposed', () => {
    const [B, M, K, N] = [2, 7, 11, 5];
    const a = Int32Array.from({ length: B * M * K }, (_, i) => ((i * 7919) % 201) - 100);
    const bT = Int32Array.from({ length: B * N * K }, (_, i) => ((i * 104729) % 151) - 75);
    const out = tidy(() => {
      const z = matmul(tensor(a, { shape: [B, M, K] }), tensor(bT, { shape: [B, N, K] }).mT);
      expect(z.dtype).toBe('int32');
      return Array.from(z.dataSync() as Int32Array);
    });
    const expected: number[] = [];
    for (let t = 0; t < B; t++) {
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let acc = 0;
          for (let k = 0; k < K; k++) acc += (a[t * M * K + i * K + k] as number) * (bT[t * N * K + j * K + k] as number);
          expected.push(acc);
        }
      }
    }
    expect(out).toEqual(expected);
  });
});
