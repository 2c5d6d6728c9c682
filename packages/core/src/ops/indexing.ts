/**
 * Indexing with tensors: gather/scatterAdd are primitives (checked here);
 * indexSelect is a gather with a broadcast index; maskedFill one elementwise
 * select; maskedSelect a cumsum + scatterAdd + gather on the device (with one
 * host read of the count, which sets the output shape); oneHot a broadcast
 * equality. Index tensors must be int32, like PyTorch's int64 indices.
 *
 * Out-of-range indices: the CPU kernels throw a RangeError; GPU backends may not check.
 */
import { E } from '../backend/expr';
import { type DType, scalarDType } from '../dtype';
import { runPrimitive } from '../engine';
import { BackendError, DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import { broadcastShapes, normAxis, shapesEqual } from '../shape';
import { isTensor, type Tensor } from '../tensor/tensor';
import { arange, zeros } from './creation';
import { cumsum, max as reduceMax, min as reduceMin, sum } from './reduce';
import { defineMethods } from './tensor-method';
import { expand, reshape, slice, unsqueeze } from './views';

function castTo(x: Tensor, dtype: DType): Tensor {
  return runPrimitive('elementwise', [x], { expr: E.cast(E.input(0, x.dtype), dtype) }, { shape: x.shape, dtype });
}

function requireInt32(op: string, index: Tensor, name = 'index'): void {
  index.assertAlive(op);
  if (index.dtype !== 'int32')
    throw new DTypeError(`${op}: ${name} must be int32, got ${index.dtype}; convert with .to('int32')`);
}

function requireBoolMask(op: string, mask: Tensor): void {
  mask.assertAlive(op);
  if (mask.dtype !== 'bool')
    throw new DTypeError(`${op}: mask must be bool, got ${mask.dtype}; compare (x.gt(0)) or convert with .to('bool')`);
}

/** A view of `t` broadcast to `shape` (a new handle even when no broadcast is needed). */
const broadcast = (t: Tensor, shape: readonly number[]): Tensor =>
  shapesEqual(t.shape, shape) ? reshape(t, shape) : expand(t, shape);

/**
 * Picks values along `axis` by index (torch.gather):
 * `out[i][j] = x[i][index[i][j]]` for axis 1. `index` has x's rank and no dim
 * larger than x's outside `axis`; the result has index's shape.
 *
 * @example
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[0, 0], [1, 0]])); // [[1, 1], [4, 3]]
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  x.assertAlive('gather');
  requireInt32('gather', index);
  if (index.ndim !== x.ndim) {
    throw new ShapeError(`gather: index ${fmtShape(index.shape)} must have as many dims as the input ${fmtShape(x.shape)}`);
  }
  const a = normAxis(axis, x.ndim, 'gather');
  if (x.ndim === 0) return tidy(() => reshape(gather(reshape(x, [1]), 0, reshape(index, [1])), []));
  index.shape.forEach((d, k) => {
    if (k !== a && d > (x.shape[k] as number)) {
      throw new ShapeError(
        `gather: index ${fmtShape(index.shape)} is larger than the input ${fmtShape(x.shape)} in dimension ${k}`,
      );
    }
  });
  return runPrimitive('gather', [x, index], { axis: a }, { shape: index.shape, dtype: x.dtype });
}

/**
 * Out-of-place torch.scatter_add: a copy of `x` with `src[p]` added at
 * `x[p with p[axis] := index[p]]` for every position p of `index` (repeats accumulate).
 * `src` must have x's dtype; index's dims may not exceed src's, nor x's outside `axis`.
 *
 * @example
 * scatterAdd(zeros([3]), 0, tensor([0, 2, 0]), tensor([1, 2, 3], { dtype: 'float32' })); // [4, 0, 2]
 */
export function scatterAdd(x: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  x.assertAlive('scatterAdd');
  src.assertAlive('scatterAdd');
  requireInt32('scatterAdd', index);
  if (src.dtype !== x.dtype)
    throw new DTypeError(`scatterAdd: src dtype ${src.dtype} must match the input's ${x.dtype}; convert with .to('${x.dtype}')`);
  const shapes = `input ${fmtShape(x.shape)}, index ${fmtShape(index.shape)} and src ${fmtShape(src.shape)}`;
  if (index.ndim !== x.ndim || src.ndim !== x.ndim)
    throw new ShapeError(`scatterAdd: ${shapes} must have the same number of dims`);
  const a = normAxis(axis, x.ndim, 'scatterAdd');
  if (x.ndim === 0) return tidy(() => reshape(scatterAdd(reshape(x, [1]), 0, reshape(index, [1]), reshape(src, [1])), []));
  index.shape.forEach((d, k) => {
    if (d > (src.shape[k] as number) || (k !== a && d > (x.shape[k] as number))) {
      throw new ShapeError(
        `scatterAdd: index is larger than src (or than the input outside dimension ${a}) in dimension ${k}: ${shapes}`,
      );
    }
  });
  // float16 storage holds raw bits and bool adds are logical or: accumulate in float32 / int32.
  const compute: DType = x.dtype === 'float16' ? 'float32' : x.dtype === 'bool' ? 'int32' : x.dtype;
  return tidy(() => {
    const base = compute === x.dtype ? x : castTo(x, compute);
    const values = compute === src.dtype ? src : castTo(src, compute);
    const out = runPrimitive('scatterAdd', [base, index, values], { axis: a }, { shape: x.shape, dtype: compute });
    return compute === x.dtype ? out : castTo(out, x.dtype);
  });
}

/**
 * Selects entries along `axis` by a 1-d int32 index (torch.index_select).
 *
 * @example
 * indexSelect(tensor([[1, 2], [3, 4], [5, 6]]), 0, tensor([2, 0])); // [[5, 6], [1, 2]]
 */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  x.assertAlive('indexSelect');
  requireInt32('indexSelect', index);
  if (index.ndim > 1) throw new ShapeError(`indexSelect: index must be 0-d or 1-d, got shape ${fmtShape(index.shape)}`);
  const a = normAxis(axis, x.ndim, 'indexSelect');
  if (x.ndim === 0 && index.size !== 1) {
    throw new ShapeError(`indexSelect: a 0-d input takes exactly one index, got shape ${fmtShape(index.shape)}`);
  }
  const x1 = x.ndim === 0 ? [1] : x.shape;
  const n = index.size;
  const outShape = x1.map((d, k) => (k === a ? n : d));
  const indexShape = x1.map((_, k) => (k === a ? n : 1));
  return tidy(() => {
    const idx = expand(reshape(index, indexShape), outShape);
    let out: Tensor;
    try {
      out = runPrimitive('gather', [reshape(x, x1), idx], { axis: a }, { shape: outShape, dtype: x.dtype });
    } catch (error) {
      if (error instanceof RangeError) throw new RangeError(`indexSelect: ${error.message.replace(/^gather: /, '')}`);
      throw error;
    }
    return x.ndim === 0 ? reshape(out, []) : out;
  });
}

function scalarFill(op: string, value: number | boolean, dtype: DType) {
  const v = Number(value);
  if (dtype === 'int32' && (!Number.isFinite(v) || Math.abs(v) >= 2 ** 31)) {
    throw new DTypeError(`${op}: value ${v} cannot be stored in an int32 tensor`);
  }
  return E.cast(E.const(v, scalarDType(value)), dtype);
}

/**
 * `value` where `mask` is true, `x` elsewhere (torch.masked_fill); the mask is
 * bool and broadcasts with x. The value (a number, boolean or 0-d tensor) takes x's dtype.
 *
 * @example
 * maskedFill(tensor([1, 2, 3]), tensor([true, false, true]), 0); // [0, 2, 0]
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  x.assertAlive('maskedFill');
  requireBoolMask('maskedFill', mask);
  if (isTensor(value)) {
    value.assertAlive('maskedFill');
    if (value.ndim !== 0) throw new ShapeError(`maskedFill: a tensor value must be 0-d, got shape ${fmtShape(value.shape)}`);
  }
  const shape = broadcastShapes('maskedFill', x.shape, mask.shape);
  const fill = isTensor(value) ? E.cast(E.input(2, value.dtype), x.dtype) : scalarFill('maskedFill', value, x.dtype);
  const expr = E.select(E.input(1, 'bool'), fill, E.input(0, x.dtype));
  return tidy(() => {
    const inputs = (isTensor(value) ? [x, mask, value] : [x, mask]).map((t) => broadcast(t, shape));
    return runPrimitive('elementwise', inputs, { expr }, { shape, dtype: x.dtype });
  });
}

function checkMaskedSelect(x: Tensor, mask: Tensor): number[] {
  x.assertAlive('maskedSelect');
  requireBoolMask('maskedSelect', mask);
  return broadcastShapes('maskedSelect', x.shape, mask.shape);
}

/** Selection given the number of true mask entries: ranks (cumsum) -> scatter of source positions -> gather. */
function selectCore(x: Tensor, mask: Tensor, shape: readonly number[], count: number): Tensor {
  return tidy(() => {
    const flatX = reshape(broadcast(x, shape), [-1]);
    const flatMask = reshape(broadcast(mask, shape), [-1]);
    const n = flatMask.size;
    const backend = x.backend;
    // Each selected element's slot in the output; the others all go to a spare slot `count`.
    const rank = cumsum(flatMask, 0);
    const slotExpr = E.select(
      E.input(0, 'bool'),
      E.binary('sub', E.input(1, 'int32'), E.const(1, 'int32')),
      E.const(count, 'int32'),
    );
    const slot = runPrimitive('elementwise', [flatMask, rank], { expr: slotExpr }, { shape: [n], dtype: 'int32' });
    const positions = arange(n, undefined, 1, { dtype: 'int32', backend });
    const source = runPrimitive(
      'scatterAdd',
      [zeros([count + 1], { dtype: 'int32', backend }), slot, positions],
      { axis: 0 },
      { shape: [count + 1], dtype: 'int32' },
    );
    return gather(flatX, 0, slice(source, [{ end: count }]));
  });
}

/**
 * The elements of x where the mask is true, as a 1-d tensor in row-major order
 * (torch.masked_select); x and the bool mask broadcast together. The output
 * size depends on the mask's values, so this reads one number back with
 * `dataSync` (CPU, WebGL); on backends without synchronous reads use
 * `maskedSelectAsync`.
 *
 * @example
 * maskedSelect(tensor([[1, 2], [3, 4]]), tensor([[true, false], [false, true]])); // [1, 4]
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  const shape = checkMaskedSelect(x, mask);
  if (!x.backend.readSync) {
    throw new BackendError(
      `maskedSelect: the output size depends on the mask's values, and the '${x.backend.name}' backend cannot read them synchronously; use \`await maskedSelectAsync(x, mask)\``,
    );
  }
  const count = tidy(() => sum(broadcast(mask, shape)).dataSync()[0] as number);
  return selectCore(x, mask, shape, count);
}

/**
 * `maskedSelect` for any backend: awaits the count of true mask entries.
 *
 * @example
 * await maskedSelectAsync(tensor([1, 2, 3]), tensor([false, true, true])); // [2, 3]
 */
export async function maskedSelectAsync(x: Tensor, mask: Tensor): Promise<Tensor> {
  const shape = checkMaskedSelect(x, mask);
  const total = tidy(() => sum(broadcast(mask, shape)));
  let count: number;
  try {
    count = (await total.data())[0] as number;
  } finally {
    total.dispose();
  }
  return selectCore(x, mask, shape, count);
}

/**
 * One-hot encoding of int32 class indices (F.one_hot, but int32): the result
 * has a new last dim of size `numClasses`. With `numClasses = -1` it is
 * `max(indices) + 1`, which reads the indices back (synchronous backends only).
 * Where the backend reads synchronously the values are also checked to lie in
 * [0, numClasses); elsewhere out-of-range rows come out all zero.
 *
 * @example
 * oneHot(tensor([0, 2]));    // [[1, 0, 0], [0, 0, 1]]
 * oneHot(tensor([1]), 4);    // [[0, 1, 0, 0]]
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  requireInt32('oneHot', indices, 'indices');
  if (!Number.isInteger(numClasses) || numClasses < -1) {
    throw new RangeError(`oneHot: numClasses must be -1 (infer) or a non-negative integer, got ${numClasses}`);
  }
  const backend = indices.backend;
  let classes = numClasses;
  if (classes === -1) {
    if (indices.size === 0)
      throw new ShapeError(
        `oneHot: cannot infer the number of classes from an empty tensor (shape ${fmtShape(indices.shape)}); pass numClasses`,
      );
    if (!backend.readSync) {
      throw new BackendError(
        `oneHot: inferring numClasses reads the indices, and the '${backend.name}' backend cannot read synchronously; pass numClasses`,
      );
    }
  }
  if (backend.readSync && indices.size > 0) {
    const [lo, hi] = tidy(() => [reduceMin(indices).dataSync()[0] as number, reduceMax(indices).dataSync()[0] as number]);
    if (lo < 0) throw new RangeError(`oneHot: class values must be non-negative, got ${lo}`);
    if (classes === -1) classes = hi + 1;
    else if (hi >= classes) throw new RangeError(`oneHot: class values must be smaller than numClasses (${classes}), got ${hi}`);
  }
  const shape = [...indices.shape, classes];
  return tidy(() => {
    const column = expand(unsqueeze(indices, -1), shape);
    const labels = expand(arange(classes, undefined, 1, { dtype: 'int32', backend }), shape);
    const expr = E.cast(E.binary('eq', E.input(0, 'int32'), E.input(1, 'int32')), 'int32');
    return runPrimitive('elementwise', [column, labels], { expr }, { shape, dtype: 'int32' });
  });
}

defineMethods({ gather, scatterAdd, indexSelect, maskedFill, maskedSelect });

declare module '../tensor/tensor' {
  interface Tensor {
    gather(axis: number, index: Tensor): Tensor;
    scatterAdd(axis: number, index: Tensor, src: Tensor): Tensor;
    indexSelect(axis: number, index: Tensor): Tensor;
    maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor;
    maskedSelect(mask: Tensor): Tensor;
  }
}
