/**
 * Batched matmul for the CPU backend. Operands are packed into contiguous
 * row-major blocks first (which also handles transposed and broadcast views
 * without the caller copying), then multiplied with a cache-blocked kernel that
 * updates four rows of C per pass over a row of B: each B element loaded feeds
 * four multiply-adds, and the KC x NC block of B stays in cache across rows.
 */
import type { OutputSpec, View } from '../backend/primitives';
import { allocStorageArray, type StorageArray } from '../dtype';
import { sizeOf } from '../shape';
import { stridedOffsets } from './strided';

const KC = 128; // rows of B per block (KC * NC * 4 bytes ~ 256 KiB: L2-sized)
const NC = 512; // columns of B per block

function pack(view: View<StorageArray>, batchOffset: number, rows: number, cols: number, into: Float32Array): void {
  const nd = view.shape.length;
  const rs = view.strides[nd - 2] as number;
  const cs = view.strides[nd - 1] as number;
  const data = view.storage;
  let p = 0;
  for (let r = 0; r < rows; r++) {
    let o = batchOffset + r * rs;
    for (let c = 0; c < cols; c++, o += cs) into[p++] = data[o] as number;
  }
}

/** C (M x N) = A (M x K) * B (K x N), all contiguous row-major; C is overwritten. */
export function gemm(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number): void {
  c.fill(0);
  for (let j0 = 0; j0 < N; j0 += NC) {
    const j1 = Math.min(N, j0 + NC);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const k1 = Math.min(K, k0 + KC);
      let i = 0;
      for (; i + 4 <= M; i += 4) {
        const c0 = i * N;
        const c1 = c0 + N;
        const c2 = c1 + N;
        const c3 = c2 + N;
        for (let k = k0; k < k1; k++) {
          const a0 = a[i * K + k] as number;
          const a1 = a[(i + 1) * K + k] as number;
          const a2 = a[(i + 2) * K + k] as number;
          const a3 = a[(i + 3) * K + k] as number;
          const bk = k * N;
          for (let j = j0; j < j1; j++) {
            const bv = b[bk + j] as number;
            c[c0 + j] += a0 * bv;
            c[c1 + j] += a1 * bv;
            c[c2 + j] += a2 * bv;
            c[c3 + j] += a3 * bv;
          }
        }
      }
      for (; i < M; i++) {
        const ci = i * N;
        for (let k = k0; k < k1; k++) {
          const av = a[i * K + k] as number;
          const bk = k * N;
          for (let j = j0; j < j1; j++) c[ci + j] += av * (b[bk + j] as number);
        }
      }
    }
  }
}

export function matmulKernel(inputs: readonly View<StorageArray>[], _params: unknown, out: OutputSpec): StorageArray {
  const a = inputs[0] as View<StorageArray>;
  const b = inputs[1] as View<StorageArray>;
  const nd = out.shape.length;
  const M = out.shape[nd - 2] as number;
  const N = out.shape[nd - 1] as number;
  const K = a.shape[nd - 1] as number;
  const batchShape = out.shape.slice(0, nd - 2);
  const result = allocStorageArray(out.dtype, sizeOf(out.shape));
  if (result.length === 0) return result;
  const aBatch = stridedOffsets(batchShape, a.strides.slice(0, nd - 2), a.offset);
  const bBatch = stridedOffsets(batchShape, b.strides.slice(0, nd - 2), b.offset);
  if (out.dtype !== 'float32') return integerMatmul(a, b, aBatch, bBatch, M, K, N, result);
  const pa = new Float32Array(M * K);
  const pb = new Float32Array(K * N);
  for (let t = 0; t < aBatch.length; t++) {
    pack(a, aBatch[t] as number, M, K, pa);
    pack(b, bBatch[t] as number, K, N, pb);
    gemm(pa, pb, (result as Float32Array).subarray(t * M * N, (t + 1) * M * N), M, K, N);
  }
  return result;
}

/** int32 matmul: exact sums in float64 (to 2^53), wrapped to int32 on store like PyTorch's int math. */
function integerMatmul(
  a: View<StorageArray>,
  b: View<StorageArray>,
  aBatch: Int32Array,
  bBatch: Int32Array,
  M: number,
  K: number,
  N: number,
  result: StorageArray,
): StorageArray {
  const nd = a.shape.length;
  const [ars, acs] = [a.strides[nd - 2] as number, a.strides[nd - 1] as number];
  const [brs, bcs] = [b.strides[nd - 2] as number, b.strides[nd - 1] as number];
  let p = 0;
  for (let t = 0; t < aBatch.length; t++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) {
          acc +=
            (a.storage[(aBatch[t] as number) + i * ars + k * acs] as number) *
            (b.storage[(bBatch[t] as number) + k * brs + j * bcs] as number);
        }
        result[p++] = acc;
      }
    }
  }
  return result;
}
