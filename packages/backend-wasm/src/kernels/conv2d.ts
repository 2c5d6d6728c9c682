/**
 * The fused `conv2d` fast path: im2col into wasm memory + the SIMD gemm (see
 * codegen/conv.ts), same parameters and results as the CPU's cpu/fused/conv2d.ts.
 * Depthwise convolutions (one input channel per group) go to the CPU kernel,
 * whose direct loop suits them better than a gemm with K = kH * kW.
 *
 * Work items are (image, group, chunk of output rows); threads take
 * contiguous ranges of items, each with its own column buffer and scratch.
 */
import type { FusedKernel, StorageArray, View } from '@strata/core';
import { convField, convStructWords } from '../codegen/conv';
import { packedABytes } from '../codegen/gemm';
import { ArenaFullError } from '../runtime/arena';
import type { ThreadJob, WasmRuntime } from '../runtime/runtime';
import { stageContiguous, unstage } from './stage';

type ConvKernel = FusedKernel<StorageArray, 'conv2d'>;

/** Column-buffer budget per work item: it and its packed copy should stay in L2 together. */
const COLS_BYTES = 160 * 1024;

/** First and one-past-last output column whose input column `ow * sW - pW + off` lies in [0, w). */
function validColumns(w: number, outW: number, sW: number, pW: number, off: number): [number, number] {
  const lo = Math.max(0, Math.ceil((pW - off) / sW));
  const hi = Math.min(outW, Math.floor((w - 1 + pW - off) / sW) + 1);
  return [Math.min(lo, outW), Math.max(lo, hi)];
}

/** Output rows per work item: within the column budget, and a multiple that keeps gemm panels full when cheap. */
function chunkRows(K: number, outH: number, outW: number, nr: number): number {
  const byBudget = Math.max(1, Math.floor(COLS_BYTES / (4 * K * outW)));
  const step = nr / gcd(outW, nr);
  const rows = byBudget >= step ? Math.floor(byBudget / step) * step : byBudget;
  return Math.min(outH, rows);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export function createConv2dKernel(rt: WasmRuntime, fallback: ConvKernel): ConvKernel {
  return (inputs, params, out) => {
    const [x, w, b] = inputs as [View<StorageArray>, View<StorageArray>, View<StorageArray> | undefined];
    const float = x.dtype === 'float32' && w.dtype === 'float32' && (!b || b.dtype === 'float32') && out.dtype === 'float32';
    const cinG = w.shape[1] as number;
    let size = 1;
    for (const d of out.shape) size *= d;
    if (!float || size === 0 || (params.groups > 1 && cinG === 1)) return fallback(inputs, params, out);
    try {
      return wasmConv2d(rt, inputs as readonly View<Float32Array>[], params, out.shape);
    } catch (error) {
      if (error instanceof ArenaFullError) return fallback(inputs, params, out);
      throw error;
    }
  };
}

function wasmConv2d(
  rt: WasmRuntime,
  inputs: readonly View<Float32Array>[],
  params: Parameters<ConvKernel>[1],
  outShape: readonly number[],
): Float32Array {
  const [x, w, b] = inputs as [View<Float32Array>, View<Float32Array>, View<Float32Array> | undefined];
  const [n, , h, wd] = x.shape as [number, number, number, number];
  const [cout, cinG, kH, kW] = w.shape as [number, number, number, number];
  const [, , outH, outW] = outShape as [number, number, number, number];
  const { groups, stride, padding, dilation } = params;
  const coutG = cout / groups;
  const K = cinG * kH * kW;
  const L = outH * outW;
  const arena = rt.arena;
  arena.reset();

  const xs = stageContiguous(arena, x);
  const ws = stageContiguous(arena, w);
  const packedBytes = packedABytes(rt.gemm, coutG, K);
  const packed = arena.alloc(groups * packedBytes);
  for (let g = 0; g < groups; g++) rt.exports.packA(ws + 4 * g * coutG * K, K, 1, coutG, K, packed + g * packedBytes);
  const bias = b ? stageContiguous(arena, b) : 0;
  const outAt = arena.alloc(4 * n * cout * L);

  const pointwise = kH === 1 && kW === 1 && stride[0] === 1 && stride[1] === 1 && padding[0] === 0 && padding[1] === 0;
  const rows = chunkRows(K, outH, outW, 4 * rt.gemm.nv);
  const chunks = Math.ceil(outH / rows);
  const struct = arena.alloc(4 * convStructWords(kW));
  const words = arena.i32();
  const s = struct >> 2;
  const set = (field: keyof typeof convField, value: number) => {
    words[s + convField[field]] = value;
  };
  set('x', xs);
  set('weights', packed);
  set('out', outAt);
  set('bias', bias);
  set('groups', groups);
  set('cinG', cinG);
  set('coutG', coutG);
  set('h', h);
  set('w', wd);
  set('kH', kH);
  set('kW', kW);
  set('sH', stride[0]);
  set('sW', stride[1]);
  set('pH', padding[0]);
  set('pW', padding[1]);
  set('dH', dilation[0]);
  set('dW', dilation[1]);
  set('outH', outH);
  set('outW', outW);
  set('pointwise', pointwise ? 1 : 0);
  set('chunkRows', rows);
  set('chunks', chunks);
  set('packedBytes', packedBytes);
  for (let kj = 0; kj < kW; kj++) {
    const [lo, hi] = validColumns(wd, outW, stride[1], padding[1], kj * dilation[1]);
    words[s + convField.lo + kj] = lo;
    words[s + convField.lo + kW + kj] = hi;
  }

  const items = n * groups * chunks;
  const threads = Math.min(items, rt.threadsFor(n * cout * L * K));
  const colsBytes = pointwise ? 0 : 4 * K * rows * outW;
  const per = Math.ceil(items / threads);
  const jobs: ThreadJob[] = [];
  for (let t = 0; t * per < items; t++) {
    const cols = arena.alloc(colsBytes);
    jobs.push({ fn: 'conv', args: [struct, t * per, Math.min(items, (t + 1) * per), cols, rt.scratch(t)] });
  }
  rt.run(jobs);
  return unstage(arena, outAt, n * cout * L);
}
