/**
 * Inclusive scans (cumsum, cumprod) along one axis, written contiguously.
 *
 * Short lanes (≤ SERIAL_MAX) take one pass: each fragment folds its lane from
 * the start up to its own position, reading the input view in place. Longer
 * lanes use Hillis–Steele: a contiguous copy in the output dtype, then
 * ⌈log2 len⌉ passes of `y[k] = x[k] ∘ x[k - 2^p]`. That is n·log n work instead
 * of the serial fold's n²/2 per lane, and each result is a tree of log2(len)
 * roundings rather than len of them.
 */
import type { DType, ScanOp } from '@strata/core';
import { contiguousStrides, loadValue, Params, storeValue, type ViewInfo, viewAccess } from '../glsl/access';
import { convert, valueType } from '../glsl/expr';
import type { KernelSpec } from '../runtime/kernel-cache';
import { layoutOf } from '../storage';

export const SERIAL_MAX = 32;

function accType(dtype: DType): 'float' | 'int' {
  return valueType(dtype) === 'float' ? 'float' : 'int';
}

function identity(op: ScanOp, t: 'float' | 'int'): string {
  return op === 'sum' ? (t === 'float' ? '0.0' : '0') : t === 'float' ? '1.0' : '1';
}

/** Elements after `axis` in a row-major layout of `shape`. */
export function innerSize(shape: readonly number[], axis: number): number {
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d] as number;
  return inner;
}

/** One pass computing the whole scan of `x` along `axis` (for lanes of at most SERIAL_MAX). */
export function buildSerialScan(x: ViewInfo, axis: number, op: ScanOp, outDtype: DType): KernelSpec {
  const p = new Params();
  const used = new Set<string>();
  const t = accType(outDtype);
  const lanes = x.strides.map((s, d) => (d === axis ? 0 : s));
  const access = viewAccess(x.shape, [{ strides: lanes, offset: x.offset }], 'i', p, 'b');
  const inner = p.add(innerSize(x.shape, axis));
  const len = p.add(x.shape[axis] as number);
  const stride = p.add(x.strides[axis] as number);
  const load = convert(loadValue(0, `b0 + j * ${stride}`, x.dtype), valueType(x.dtype), t, used);
  const body = [
    access.code,
    `int k = (i / ${inner}) % ${len};`,
    `${t} acc = ${identity(op, t)};`,
    'for (int j = 0; j <= k; j++) {',
    `  acc = acc ${op === 'sum' ? '+' : '*'} ${load};`,
    '}',
    storeValue(convert('acc', t, valueType(outDtype), used), outDtype),
  ];
  return {
    name: `scan:${op}`,
    inputs: [layoutOf(x.dtype)],
    output: layoutOf(outDtype),
    body: body.join('\n  '),
    helpers: used,
    params: p.values,
  };
}

/**
 * One Hillis–Steele step over a contiguous tensor of `shape` and `dtype`:
 * element k of each lane along `axis` combines with element k - `step`.
 */
export function buildScanStep(shape: readonly number[], axis: number, op: ScanOp, dtype: DType, step: number): KernelSpec {
  const p = new Params();
  const used = new Set<string>();
  const t = accType(dtype);
  const inner = p.add(innerSize(shape, axis));
  const len = p.add(shape[axis] as number);
  const s = p.add(step);
  const a = convert(loadValue(0, 'i', dtype), valueType(dtype), t, used);
  const b = convert(loadValue(0, `i - ${s} * ${inner}`, dtype), valueType(dtype), t, used);
  const body = [
    `int k = (i / ${inner}) % ${len};`,
    `${t} v = ${a};`,
    `if (k >= ${s}) { v = v ${op === 'sum' ? '+' : '*'} ${b}; }`,
    storeValue(convert('v', t, valueType(dtype), used), dtype),
  ];
  return {
    name: `scan-step:${op}`,
    inputs: [layoutOf(dtype)],
    output: layoutOf(dtype),
    body: body.join('\n  '),
    helpers: used,
    params: p.values,
  };
}

/** The view of a contiguous tensor of `shape`. */
export function contiguousView(shape: readonly number[], dtype: DType): ViewInfo {
  return { shape, strides: contiguousStrides(shape), offset: 0, dtype };
}
