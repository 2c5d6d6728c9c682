/**
 * Shared machinery of the convolution and pooling composites (ops/unfold,
 * conv, conv-transpose, pool, adaptive-pool): argument checks, PyTorch's size
 * formulas, and sliding windows as host-built int32 index tables.
 *
 * A window table lists, for every kernel slot k and every output position l,
 * the flat position `h * W + w` of the input element that slot reads, or
 * `H * W` where it falls into padding. Gathering along the flattened spatial
 * axis (with one fill element appended at position H * W) gives every window
 * at once; scatter-adding along it is col2im. Tables depend only on sizes, so
 * they are cached on the host (a backend upload per call, no host compute).
 */
import { E } from '../backend/expr';
import type { DType } from '../dtype';
import { fromStorageArray, runPrimitive } from '../engine';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import { expand, reshape, slice } from '../ops/views';
import type { Tensor } from '../tensor/tensor';

export type IntPair = number | readonly [number, number];

/** Checks a number or (height, width) pair of integers >= `min`, naming the op and argument. */
export function pairOf(op: string, name: string, value: IntPair, min: number): [number, number] {
  const p: [number, number] = typeof value === 'number' ? [value, value] : [value[0], value[1]];
  const ok = (typeof value === 'number' || value.length === 2) && p.every((v) => Number.isInteger(v) && v >= min);
  if (!ok) {
    const what = min === 0 ? 'non-negative integers' : `integers >= ${min}`;
    throw new RangeError(`${op}: ${name} must be ${what} (a number or a [height, width] pair), got ${JSON.stringify(value)}`);
  }
  return p;
}

/** `x` converted to `dtype` by one elementwise cast. */
export function castTo(x: Tensor, dtype: DType): Tensor {
  return runPrimitive('elementwise', [x], { expr: E.cast(E.input(0, x.dtype), dtype) }, { shape: x.shape, dtype });
}

/** A positive integer number of channel groups. */
export function checkGroups(op: string, groups: number): number {
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${groups}`);
  return groups;
}

/** bias: 1-d, one entry per output channel, the input's dtype. */
export function checkBias(op: string, bias: Tensor | null | undefined, channels: number, dtype: string): void {
  if (!bias) return;
  bias.assertAlive(op);
  if (bias.ndim !== 1 || bias.shape[0] !== channels) {
    throw new ShapeError(`${op}: bias must be 1-d with one entry per output channel (${channels}), got ${fmtShape(bias.shape)}`);
  }
  if (bias.dtype !== dtype) throw new DTypeError(`${op}: bias dtype ${bias.dtype} must match the input's ${dtype}`);
}

/** Throws unless `x` holds floats (what convolutions and average pooling compute in). */
export function requireFloat(op: string, x: Tensor, name = 'input'): void {
  if (x.dtype !== 'float32' && x.dtype !== 'float16') {
    throw new DTypeError(`${op}: ${name} must be float32 or float16, got ${x.dtype}; convert with .to('float32')`);
  }
}

/**
 * The (N, C, H, W) input of a 2-d op: 4-d as is, 3-d (C, H, W) as a batch of one.
 * Channels and spatial dims must be non-empty (the batch may be 0), like PyTorch.
 */
export function batched4d(op: string, x: Tensor): { n: number; c: number; h: number; w: number } {
  x.assertAlive(op);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(`${op}: expected a 3-d (C, H, W) or 4-d (N, C, H, W) input, got shape ${fmtShape(x.shape)}`);
  }
  const [n, c, h, w] = (x.ndim === 4 ? x.shape : [1, ...x.shape]) as [number, number, number, number];
  if (c === 0 || h === 0 || w === 0) {
    throw new ShapeError(
      `${op}: input ${fmtShape(x.shape)} has an empty channel or spatial dim; only the batch dim (N, C, H, W)[0] may be 0`,
    );
  }
  return { n, c, h, w };
}

/**
 * PyTorch's pooling_output_shape: floor (or ceil) of
 * (in + padL + padR - dilation * (k - 1) - 1) / stride, plus 1; in ceil mode
 * the last window must still start inside the input or the left padding.
 */
export function pooledSize(size: number, k: number, padL: number, padR: number, s: number, d: number, ceil: boolean): number {
  const span = size + padL + padR - d * (k - 1) - 1;
  let out = Math.floor((span + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + padL) out--;
  return out;
}

export interface WindowGeometry {
  /** Size of the spatial plane the windows index (input for unfold, output for fold). */
  readonly h: number;
  readonly w: number;
  /** Number of windows down and across. */
  readonly outH: number;
  readonly outW: number;
  readonly kH: number;
  readonly kW: number;
  readonly sH: number;
  readonly sW: number;
  readonly dH: number;
  readonly dW: number;
  /** Padding before the first row and column (the far side only changes outH/outW). */
  readonly padT: number;
  readonly padL: number;
}

export interface WindowTable {
  /** (kH * kW) x (outH * outW), row-major: the flat position h * W + w, or H * W in padding. */
  readonly index: Int32Array;
  /** Whether some entry points into padding (position H * W). */
  readonly padded: boolean;
}

const tableCache = new Map<string, WindowTable>();
/** Most recently used tables are kept up to this many int32 entries in all (64 MiB). */
const CACHE_BUDGET = 1 << 24;
let cachedEntries = 0;

function cached(key: string, build: () => WindowTable): WindowTable {
  const hit = tableCache.get(key);
  if (hit) {
    tableCache.delete(key);
    tableCache.set(key, hit);
    return hit;
  }
  const made = build();
  tableCache.set(key, made);
  cachedEntries += made.index.length;
  for (const [oldKey, old] of tableCache) {
    if (cachedEntries <= CACHE_BUDGET || oldKey === key) break;
    tableCache.delete(oldKey);
    cachedEntries -= old.index.length;
  }
  return made;
}

/** Flat positions read by each kernel slot of each window (see the module comment). */
export function windowTable(g: WindowGeometry): WindowTable {
  const key = `win:${g.h},${g.w},${g.outH},${g.outW},${g.kH},${g.kW},${g.sH},${g.sW},${g.dH},${g.dW},${g.padT},${g.padL}`;
  return cached(key, () => {
    const L = g.outH * g.outW;
    const index = new Int32Array(g.kH * g.kW * L);
    const fill = g.h * g.w;
    let padded = false;
    let p = 0;
    for (let ki = 0; ki < g.kH; ki++) {
      for (let kj = 0; kj < g.kW; kj++) {
        for (let oh = 0; oh < g.outH; oh++) {
          const ih = oh * g.sH - g.padT + ki * g.dH;
          const rowOk = ih >= 0 && ih < g.h;
          for (let ow = 0; ow < g.outW; ow++, p++) {
            const iw = ow * g.sW - g.padL + kj * g.dW;
            if (rowOk && iw >= 0 && iw < g.w) index[p] = ih * g.w + iw;
            else {
              index[p] = fill;
              padded = true;
            }
          }
        }
      }
    }
    return { index, padded };
  });
}

/** PyTorch's adaptive pooling windows along one dim: [floor(i * in / out), ceil((i + 1) * in / out)). */
export function adaptiveBounds(size: number, out: number): { starts: number[]; lengths: number[] } {
  const starts: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    starts.push(start);
    lengths.push(Math.ceil(((i + 1) * size) / out) - start);
  }
  return { starts, lengths };
}

/**
 * Adaptive windows as a table of max(height) x max(width) slots per output;
 * slots past a smaller window's edge point at the fill position H * W.
 */
export function adaptiveTable(h: number, w: number, outH: number, outW: number): WindowTable & { kH: number; kW: number } {
  const rows = adaptiveBounds(h, outH);
  const cols = adaptiveBounds(w, outW);
  const kH = Math.max(0, ...rows.lengths);
  const kW = Math.max(0, ...cols.lengths);
  const table = cached(`adaptive:${h},${w},${outH},${outW}`, () => {
    const L = outH * outW;
    const index = new Int32Array(kH * kW * L);
    let padded = false;
    let p = 0;
    for (let a = 0; a < kH; a++) {
      for (let b = 0; b < kW; b++) {
        for (let i = 0; i < outH; i++) {
          for (let j = 0; j < outW; j++, p++) {
            if (a < (rows.lengths[i] as number) && b < (cols.lengths[j] as number)) {
              index[p] = ((rows.starts[i] as number) + a) * w + (cols.starts[j] as number) + b;
            } else {
              index[p] = h * w;
              padded = true;
            }
          }
        }
      }
    }
    return { index, padded };
  });
  return { ...table, kH, kW };
}

/**
 * `table` with its padding entries (`fill`, the plane size) replaced by
 * `replacement(l)` for window l: what max pooling reports as the index of a
 * window whose maximum lies in its padding (every real element being -inf).
 */
export function indexTable(
  table: WindowTable,
  fill: number,
  L: number,
  replacement: (l: number) => number,
  key: string,
): Int32Array {
  return cached(`idx:${key}`, () => {
    const index = Int32Array.from(table.index);
    if (table.padded) for (let p = 0; p < index.length; p++) if (index[p] === fill) index[p] = replacement(p % L);
    return { index, padded: false };
  }).index;
}

/** An int32 tensor of host data on `like`'s backend. */
export function hostInt32(data: Int32Array, shape: readonly number[], like: Tensor): Tensor {
  return fromStorageArray(data, shape, 'int32', like.backend);
}

/**
 * Every window of `x` (N, C, H, W) at once: (N, C, K, L) where K = kH * kW
 * slots and L windows, padding read as `fill`. One pad (of a single element)
 * and one gather.
 */
export function gatherWindows(x: Tensor, table: WindowTable, K: number, L: number, fill: number): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return tidy(() => {
    let flat = reshape(x, [n, c, h * w]);
    if (table.padded) {
      flat = runPrimitive(
        'pad',
        [flat],
        {
          pads: [
            [0, 0],
            [0, 0],
            [0, 1],
          ],
          mode: 'constant',
          value: fill,
        },
        { shape: [n, c, h * w + 1], dtype: x.dtype },
      );
    }
    const index = expand(reshape(hostInt32(table.index, [K * L], x), [1, 1, K * L]), [n, c, K * L]);
    const out = runPrimitive('gather', [flat, index], { axis: 2 }, { shape: [n, c, K * L], dtype: x.dtype });
    return reshape(out, [n, c, K, L]);
  });
}

/**
 * col2im: sums `cols` (N, C, K, L) into an (N, C, H, W) plane at the
 * positions of `table` (entries in padding are dropped). float32 or int32.
 */
export function scatterWindows(cols: Tensor, table: WindowTable, h: number, w: number): Tensor {
  const [n, c, K, L] = cols.shape as [number, number, number, number];
  const size = h * w + (table.padded ? 1 : 0);
  return tidy(() => {
    const base = runPrimitive(
      'elementwise',
      [],
      { expr: E.cast(E.const(0, 'int32'), cols.dtype) },
      { shape: [n, c, size], dtype: cols.dtype },
      cols.backend,
    );
    const index = expand(reshape(hostInt32(table.index, [K * L], cols), [1, 1, K * L]), [n, c, K * L]);
    const src = reshape(cols, [n, c, K * L]);
    let out = runPrimitive('scatterAdd', [base, index, src], { axis: 2 }, { shape: [n, c, size], dtype: cols.dtype });
    if (table.padded) out = slice(out, [null, null, { end: h * w }]);
    return reshape(out, [n, c, h, w]);
  });
}
