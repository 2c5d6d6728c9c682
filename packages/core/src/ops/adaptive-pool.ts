/**
 * Adaptive pooling: a fixed output size, with PyTorch's windows
 * [floor(i * In / Out), ceil((i + 1) * In / Out)) along each dim (they may
 * differ in size and overlap). The windows are gathered at once as a table of
 * max-height x max-width slots (see util/conv-windows.ts), slots past a
 * smaller window reading the fill value; float16 computes in float32.
 */
import { fromStorageArray } from '../engine';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import type { Tensor } from '../tensor/tensor';
import {
  adaptiveBounds,
  adaptiveTable,
  batched4d,
  castTo,
  gatherWindows,
  hostInt32,
  indexTable,
  requireFloat,
} from '../util/conv-windows';
import { div } from './arithmetic';
import { zeros } from './creation';
import { gather } from './indexing';
import { argmax, max, sum } from './reduce';
import { expand, reshape, squeeze, unsqueeze } from './views';

/** One size for both dims, or (height, width); null keeps that dim's input size. */
export type AdaptiveSize = number | null | readonly [number | null, number | null];

interface AdaptivePlan {
  n: number;
  c: number;
  h: number;
  w: number;
  outH: number;
  outW: number;
}

function planAdaptive(op: string, x: Tensor, outputSize: AdaptiveSize): AdaptivePlan {
  const { n, c, h, w } = batched4d(op, x);
  const pair = outputSize === null || typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  const ok = Array.isArray(pair) && pair.length === 2 && pair.every((v) => v === null || (Number.isInteger(v) && v >= 0));
  if (!ok) {
    throw new RangeError(
      `${op}: outputSize must be a non-negative integer, null, or a [height, width] pair of them, got ${JSON.stringify(outputSize)}`,
    );
  }
  return { n, c, h, w, outH: pair[0] ?? h, outW: pair[1] ?? w };
}

const outShape = (x: Tensor, p: AdaptivePlan): number[] => (x.ndim === 4 ? [p.n, p.c, p.outH, p.outW] : [p.c, p.outH, p.outW]);

function adaptiveCore(
  op: string,
  x: Tensor,
  p: AdaptivePlan,
  kind: 'avg' | 'max',
  withIndices: boolean,
): Tensor | [Tensor, Tensor] {
  if (kind === 'avg') requireFloat(op, x);
  else if (x.dtype === 'bool') throw new DTypeError(`${op}: bool inputs are not supported; convert with .to('float32')`);
  return tidy(() => {
    const shape = outShape(x, p);
    if (p.outH * p.outW === 0 || p.n === 0) {
      const empty = zeros(shape, { dtype: x.dtype, backend: x.backend });
      return withIndices ? [empty, zeros(shape, { dtype: 'int32', backend: x.backend })] : empty;
    }
    const half = x.dtype === 'float16';
    const x4 = reshape(half ? castTo(x, 'float32') : x, [p.n, p.c, p.h, p.w]);
    const table = adaptiveTable(p.h, p.w, p.outH, p.outW);
    const K = table.kH * table.kW;
    const L = p.outH * p.outW;
    const rows = adaptiveBounds(p.h, p.outH);
    const cols = adaptiveBounds(p.w, p.outW);
    let values: Tensor;
    if (kind === 'avg') {
      const counts = new Float32Array(L);
      for (let i = 0; i < p.outH; i++) {
        for (let j = 0; j < p.outW; j++) counts[i * p.outW + j] = (rows.lengths[i] as number) * (cols.lengths[j] as number);
      }
      const sums = sum(gatherWindows(x4, table, K, L, 0), 2);
      values = reshape(div(sums, fromStorageArray(counts, [L], 'float32', x.backend)), shape);
    } else {
      const fill = x.dtype === 'int32' ? -(2 ** 31) : Number.NEGATIVE_INFINITY;
      const windows = gatherWindows(x4, table, K, L, fill);
      values = reshape(max(windows, 2), shape);
      if (withIndices) {
        const start = (l: number) => (rows.starts[Math.floor(l / p.outW)] as number) * p.w + (cols.starts[l % p.outW] as number);
        const positions = indexTable(table, p.h * p.w, L, start, `adaptive:${p.h},${p.w},${p.outH},${p.outW}`);
        const where = expand(reshape(hostInt32(positions, [K * L], x), [1, 1, K, L]), [p.n, p.c, K, L]);
        const indices = reshape(gather(where, 2, argmax(windows, 2, true)), shape);
        return [half ? castTo(values, 'float16') : values, indices];
      }
    }
    return half ? castTo(values, 'float16') : values;
  });
}

/**
 * Adaptive 2-d average pooling, like `torch.nn.functional.adaptive_avg_pool2d`:
 * (N, C, H, W) or (C, H, W) -> (N, C, outH, outW); output (i, j) averages rows
 * [floor(i * H / outH), ceil((i + 1) * H / outH)) and the matching columns.
 *
 * @example
 * const x = arange(16, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 4, 4);
 * adaptiveAvgPool2d(x, 1);      // [[[[7.5]]]] (global average pooling)
 * adaptiveAvgPool2d(x, [2, 2]); // [[[[2.5, 4.5], [10.5, 12.5]]]]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  const p = planAdaptive('adaptiveAvgPool2d', x, outputSize);
  return adaptiveCore('adaptiveAvgPool2d', x, p, 'avg', false) as Tensor;
}

/**
 * Adaptive 2-d max pooling, like `torch.nn.functional.adaptive_max_pool2d`,
 * with the same windows as adaptiveAvgPool2d. With `returnIndices` it returns
 * [values, indices], indices (int32) being flat h * W + w positions in each input plane.
 *
 * @example
 * const x = arange(9, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 3, 3);
 * adaptiveMaxPool2d(x, 2); // windows rows/cols [0, 2) and [1, 3): [[[[4, 5], [7, 8]]]]
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options?: { returnIndices?: boolean },
): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options: { returnIndices?: boolean } = {},
): Tensor | [Tensor, Tensor] {
  const p = planAdaptive('adaptiveMaxPool2d', x, outputSize);
  return adaptiveCore('adaptiveMaxPool2d', x, p, 'max', options.returnIndices ?? false);
}

function as2d(op: string, x: Tensor, outputSize: number): [Tensor, AdaptiveSize] {
  x.assertAlive(op);
  if ((x.ndim !== 2 && x.ndim !== 3) || x.shape.slice(-2).includes(0)) {
    throw new ShapeError(
      `${op}: expected a non-empty 2-d (C, L) or 3-d (N, C, L) input (N may be 0), got shape ${fmtShape(x.shape)}`,
    );
  }
  if (typeof outputSize !== 'number')
    throw new RangeError(`${op}: outputSize must be a single integer, got ${JSON.stringify(outputSize)}`);
  return [unsqueeze(x, -2), [1, outputSize]];
}

/**
 * Adaptive 1-d average pooling, like `torch.nn.functional.adaptive_avg_pool1d`: (N, C, L) or (C, L) -> (N, C, outputSize).
 *
 * @example
 * adaptiveAvgPool1d(tensor([[[1, 2, 3, 4, 5]]], { dtype: 'float32' }), 2); // windows [0, 3) and [2, 5): [[[2, 4]]]
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  return tidy(() => {
    const [x2, size] = as2d('adaptiveAvgPool1d', x, outputSize);
    const p = planAdaptive('adaptiveAvgPool1d', x2, size);
    return squeeze(adaptiveCore('adaptiveAvgPool1d', x2, p, 'avg', false) as Tensor, -2);
  });
}

/**
 * Adaptive 1-d max pooling, like `torch.nn.functional.adaptive_max_pool1d`; indices are positions along L.
 *
 * @example
 * adaptiveMaxPool1d(tensor([[[1, 5, 3, 4, 2]]], { dtype: 'float32' }), 2); // [[[5, 4]]]
 */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: number,
  options?: { returnIndices?: boolean },
): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: number,
  options: { returnIndices?: boolean } = {},
): Tensor | [Tensor, Tensor] {
  return tidy(() => {
    const [x2, size] = as2d('adaptiveMaxPool1d', x, outputSize);
    const p = planAdaptive('adaptiveMaxPool1d', x2, size);
    const out = adaptiveCore('adaptiveMaxPool1d', x2, p, 'max', options.returnIndices ?? false);
    return Array.isArray(out) ? [squeeze(out[0], -2), squeeze(out[1], -2)] : squeeze(out, -2);
  });
}
