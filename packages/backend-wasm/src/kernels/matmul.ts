/**
 * The `matmul` primitive on the SIMD gemm. Float32 only; int32 and empty
 * products go to the CPU kernel, as does anything too large for the memory.
 *
 * Work is split into gemm records (one per matrix, or per row or column panel
 * of a matrix) written to a table in wasm memory; each thread runs a
 * contiguous range of records with its own packing scratch. A large single
 * matrix is split by rows (columns when it is wide and short); a batch of
 * matrices is split by matrices. Every element is computed by the same
 * instruction sequence whichever thread computes it, so results do not
 * depend on the thread count.
 */
import type { Kernel, OutputSpec, StorageArray, View } from '@strata/core';
import { GEMM_RECORD_WORDS } from '../codegen/kernel-module';
import { ArenaFullError } from '../runtime/arena';
import type { ThreadJob, WasmRuntime } from '../runtime/runtime';
import { stageView, stridedOffsets, unstage } from './stage';

type MatmulKernel = Kernel<StorageArray, 'matmul'>;

/** One gemm record: C (m x n at c, row stride ldc) = A (m x k at a) B (k x n at b), pointers in bytes. */
interface GemmRecord {
  a: number;
  b: number;
  c: number;
  m: number;
  n: number;
}

function splitRange(total: number, parts: number, align: number): [number, number][] {
  const per = Math.ceil(total / parts / align) * align;
  const out: [number, number][] = [];
  for (let start = 0; start < total; start += per) out.push([start, Math.min(total, start + per)]);
  return out;
}

export function createMatmulKernel(rt: WasmRuntime, fallback: MatmulKernel): MatmulKernel {
  return (inputs, params, out) => {
    const [a, b] = inputs as [View<StorageArray>, View<StorageArray>];
    if (out.dtype !== 'float32' || a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(inputs, params, out);
    let size = 1;
    for (const d of out.shape) size *= d;
    if (size === 0) return fallback(inputs, params, out);
    try {
      return wasmMatmul(rt, a as View<Float32Array>, b as View<Float32Array>, out);
    } catch (error) {
      if (error instanceof ArenaFullError) return fallback(inputs, params, out);
      throw error;
    }
  };
}

function wasmMatmul(rt: WasmRuntime, a: View<Float32Array>, b: View<Float32Array>, out: OutputSpec): Float32Array {
  const nd = out.shape.length;
  const M = out.shape[nd - 2] as number;
  const N = out.shape[nd - 1] as number;
  const K = a.shape[nd - 1] as number;
  const batchShape = out.shape.slice(0, nd - 2);
  const arena = rt.arena;
  arena.reset();
  const sa = stageView(arena, a);
  const sb = stageView(arena, b);
  const aBatch = stridedOffsets(batchShape, sa.strides.slice(0, nd - 2), sa.offset);
  const bBatch = stridedOffsets(batchShape, sb.strides.slice(0, nd - 2), sb.offset);
  const [ars, acs] = [sa.strides[nd - 2] as number, sa.strides[nd - 1] as number];
  const [brs, bcs] = [sb.strides[nd - 2] as number, sb.strides[nd - 1] as number];
  const batch = aBatch.length;
  const c = arena.alloc(4 * batch * M * N);

  const threads = rt.threadsFor(batch * M * N * K);
  // Split one matrix into panels when there are fewer matrices than threads.
  const byRows = M >= N || N < 8 * threads;
  const pieces: [number, number][] =
    batch >= threads ? [[0, byRows ? M : N]] : splitRange(byRows ? M : N, threads, byRows ? rt.gemm.mr : 4 * rt.gemm.nv);
  const records: GemmRecord[] = [];
  for (let t = 0; t < batch; t++) {
    const aAt = sa.base + 4 * (aBatch[t] as number);
    const bAt = sb.base + 4 * (bBatch[t] as number);
    const cAt = c + 4 * t * M * N;
    for (const [start, end] of pieces) {
      records.push(
        byRows
          ? { a: aAt + 4 * start * ars, b: bAt, c: cAt + 4 * start * N, m: end - start, n: N }
          : { a: aAt, b: bAt + 4 * start * bcs, c: cAt + 4 * start, m: M, n: end - start },
      );
    }
  }
  const table = arena.alloc(4 * GEMM_RECORD_WORDS * records.length);
  const words = arena.i32();
  records.forEach((r, i) => {
    const w = (table >> 2) + i * GEMM_RECORD_WORDS;
    words.set([r.a, ars, acs, r.b, brs, bcs, r.c, N, r.m, K, r.n], w);
  });
  const jobs: ThreadJob[] = splitRange(records.length, Math.min(threads, records.length), 1).map(([start, end], t) => ({
    fn: 'gemmBatch',
    args: [table + 4 * GEMM_RECORD_WORDS * start, end - start, rt.scratch(t)],
  }));
  rt.run(jobs);
  return unstage(arena, c, batch * M * N);
}
