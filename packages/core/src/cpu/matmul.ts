/**
 * Batched matmul for the CPU backend, blocked the GotoBLAS way for plain
 * JavaScript:
 *
 * - B is packed, KC rows x NC columns at a time, into column panels NR wide
 *   (k-major inside a panel), and A, MC rows x KC columns at a time, into row
 *   panels MR high. Packing reads the operands through their strides, so
 *   transposed and broadcast views cost no copy beyond the pack itself, and it
 *   zero-pads the ragged edges so the micro-kernel only ever sees full tiles.
 * - The micro-kernel multiplies one A panel by one B panel: an MR x NR (4 x 4)
 *   tile of C lives in sixteen local accumulators (float64, like every JS
 *   number) while k runs over the block, so each of the eight values loaded per
 *   step feeds four multiply-adds, and C is touched once per KC block.
 * - A KC x NR panel of B (8 KiB) stays in L1 while the MC x KC block of A
 *   (128 KiB) streams from L2.
 * - Matrix-vector products (M or N is 1) and tiny products skip the packing.
 *
 * The packed panels are plain arrays of doubles (V8's PACKED_DOUBLE_ELEMENTS),
 * not typed arrays. Once V8's "no ArrayBuffer was ever detached" protector is
 * gone (buffer transfers and WebAssembly memory growth end it; so, in Node,
 * does merely loading @tensorflow/tfjs-core), optimized code re-checks every
 * typed-array load for detachment, which cost this kernel about 15%; plain
 * arrays never pay that, and need no float32-to-double conversion per load
 * either. Kernels run synchronously, so one pair of buffers, made on first use,
 * serves every call.
 */
import type { OutputSpec, View } from '../backend/primitives';
import { allocStorageArray, type StorageArray } from '../dtype';
import { sizeOf } from '../shape';
import { microKernel } from './gemm-micro-kernel';
import { PANEL, packPanels } from './gemm-pack';
import { stridedOffsets } from './strided';

const MR = PANEL; // rows of the micro-tile (A panel height)
const NR = PANEL; // columns of the micro-tile (B panel width)
const KC = 256; // depth of a block: one A or B panel is KC * 4 doubles = 8 KiB
const MC = 64; // rows of A per block: MC * KC doubles = 128 KiB (L2)
const NC = 512; // columns of B per block: KC * NC doubles = 1 MiB (L2/L3)
const SMALL = 1000; // up to this many multiply-adds, a plain triple loop beats packing

interface Scratch {
  /** MC x KC block of A in MR-row panels. */
  readonly a: number[];
  /** KC x NC block of B in NR-column panels. */
  readonly b: number[];
  /** Where the micro-kernel writes tiles that overhang the edge of C. */
  readonly edge: Float32Array;
}

let scratch: Scratch | undefined;

/** A packed array of doubles: filled by push with a non-integer, so V8 never sees it holey or as small ints. */
function doubles(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(0.5);
  return out;
}

function getScratch(): Scratch {
  scratch ??= { a: doubles(MC * KC), b: doubles(KC * NC), edge: new Float32Array(MR * NR) };
  return scratch;
}

/**
 * C (M x N, row-major at c[cOff], row stride N) = A (M x K) * B (K x N), with
 * A's element (i, k) at a[aOff + i * ars + k * acs] and B's (k, j) at
 * b[bOff + k * brs + j * bcs]. C is overwritten.
 */
function gemmStrided(
  a: StorageArray,
  aOff: number,
  ars: number,
  acs: number,
  b: StorageArray,
  bOff: number,
  brs: number,
  bcs: number,
  c: Float32Array,
  cOff: number,
  M: number,
  K: number,
  N: number,
): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    c.fill(0, cOff, cOff + M * N);
    return;
  }
  // Matrix-vector products gain nothing from packing (each value is used once) and would waste 3/4 of every tile.
  if (N === 1) gemv(c, cOff, M, K, a, aOff, ars, acs, b, bOff, brs);
  else if (M === 1) gemv(c, cOff, N, K, b, bOff, bcs, brs, a, aOff, acs);
  else if (M * N * K <= SMALL) smallGemm(a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, M, K, N);
  else blockedGemm(a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, M, K, N);
}

/** gemmStrided's arguments and contract, by packed panels and the micro-kernel. */
function blockedGemm(
  a: StorageArray,
  aOff: number,
  ars: number,
  acs: number,
  b: StorageArray,
  bOff: number,
  brs: number,
  bcs: number,
  c: Float32Array,
  cOff: number,
  M: number,
  K: number,
  N: number,
): void {
  const { a: pa, b: pb, edge: tile } = getScratch();
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = Math.min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      const accumulate = k0 > 0;
      packPanels(pb, b, bOff, bcs, brs, j0, nc, k0, kc);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = Math.min(MC, M - i0);
        packPanels(pa, a, aOff, ars, acs, i0, mc, k0, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const bo = jr * kc; // panel jr / NR starts at (jr / NR) * NR * kc
          const cols = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const co = cOff + (i0 + ir) * N + j0 + jr;
            const rows = Math.min(MR, mc - ir);
            if (rows === MR && cols === NR) {
              microKernel(pa, ir * kc, pb, bo, kc, c, co, N, accumulate);
              continue;
            }
            // A ragged edge: compute the whole (zero-padded) tile aside, keep the part inside C.
            microKernel(pa, ir * kc, pb, bo, kc, tile, 0, NR, false);
            for (let r = 0; r < rows; r++) {
              for (let s = 0; s < cols; s++) {
                const o = co + r * N + s;
                c[o] = accumulate ? (c[o] as number) + (tile[r * NR + s] as number) : (tile[r * NR + s] as number);
              }
            }
          }
        }
      }
    }
  }
}

/** gemmStrided's arguments; a plain triple loop, summing in float64. */
function smallGemm(
  a: StorageArray,
  aOff: number,
  ars: number,
  acs: number,
  b: StorageArray,
  bOff: number,
  brs: number,
  bcs: number,
  c: Float32Array,
  cOff: number,
  M: number,
  K: number,
  N: number,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += (a[aOff + i * ars + k * acs] as number) * (b[bOff + k * brs + j * bcs] as number);
      c[cOff + i * N + j] = acc;
    }
  }
}

/**
 * out[oOff + t] = sum over k of mat[mOff + t * ts + k * ks] * vec[vOff + k * vs],
 * for t < len, summed in float64. Walks whichever of mat's strides is unit in
 * the inner loop: dot products along k, or axpy updates of all of out per k.
 */
function gemv(
  out: Float32Array,
  oOff: number,
  len: number,
  K: number,
  mat: StorageArray,
  mOff: number,
  ts: number,
  ks: number,
  vec: StorageArray,
  vOff: number,
  vs: number,
): void {
  if (ks === 1 || ts !== 1) {
    for (let t = 0; t < len; t++) {
      let acc = 0;
      for (let k = 0, m = mOff + t * ts, v = vOff; k < K; k++, m += ks, v += vs) {
        acc += (mat[m] as number) * (vec[v] as number);
      }
      out[oOff + t] = acc;
    }
    return;
  }
  const acc = new Float64Array(len);
  for (let k = 0; k < K; k++) {
    const x = vec[vOff + k * vs] as number;
    const row = mOff + k * ks;
    for (let t = 0; t < len; t++) acc[t] = (acc[t] as number) + x * (mat[row + t] as number);
  }
  out.set(acc, oOff);
}

/** C (M x N) = A (M x K) * B (K x N), all contiguous row-major; C is overwritten. */
export function gemm(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number): void {
  gemmStrided(a, 0, K, 1, b, 0, N, 1, c, 0, M, K, N);
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
  const [ars, acs] = [a.strides[nd - 2] as number, a.strides[nd - 1] as number];
  const [brs, bcs] = [b.strides[nd - 2] as number, b.strides[nd - 1] as number];
  for (let t = 0; t < aBatch.length; t++) {
    gemmStrided(
      a.storage,
      aBatch[t] as number,
      ars,
      acs,
      b.storage,
      bBatch[t] as number,
      brs,
      bcs,
      result as Float32Array,
      t * M * N,
      M,
      K,
      N,
    );
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
