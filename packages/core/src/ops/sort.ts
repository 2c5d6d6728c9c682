/**
 * Sorting along an axis: argsort is the `argsort` primitive (stable; NaN last
 * ascending, first descending, like PyTorch), sort gathers the values by it,
 * and topk slices the first k of a sort.
 */
import { E } from '../backend/expr';
import type { DType } from '../dtype';
import { runPrimitive } from '../engine';
import { fmtShape } from '../errors';
import { tidy } from '../memory';
import { normAxis } from '../shape';
import type { Tensor } from '../tensor/tensor';
import { gather } from './indexing';
import { defineMethods } from './tensor-method';
import { narrow, reshape } from './views';

export interface SortOptions {
  /** Default -1 (the last axis). */
  axis?: number;
  /** Largest first (default false). */
  descending?: boolean;
  /** Equal values keep their order. Always true here: the sort is stable either way. */
  stable?: boolean;
}

export interface SortResult {
  values: Tensor;
  /** int32 positions along the axis. */
  indices: Tensor;
}

function castTo(x: Tensor, dtype: DType): Tensor {
  return runPrimitive('elementwise', [x], { expr: E.cast(E.input(0, x.dtype), dtype) }, { shape: x.shape, dtype });
}

/** Stable argsort of `x` (at least 1-d) along a normalised axis. */
function argsortCore(x: Tensor, axis: number, descending: boolean): Tensor {
  // float16 storage holds raw bits, which do not order like the values: sort a float32 copy.
  const keys = x.dtype === 'float16' ? castTo(x, 'float32') : x;
  try {
    return runPrimitive('argsort', [keys], { axis, descending }, { shape: x.shape, dtype: 'int32' });
  } finally {
    if (keys !== x) keys.dispose();
  }
}

/**
 * The indices that sort `x` along `axis` (torch.argsort), int32. The sort is
 * stable; NaN sorts as the largest value.
 *
 * @example
 * argsort(tensor([3, 1, 2]));                       // [1, 2, 0]
 * argsort(tensor([3, 1, 2]), { descending: true }); // [0, 2, 1]
 */
export function argsort(x: Tensor, options: SortOptions = {}): Tensor {
  x.assertAlive('argsort');
  const a = normAxis(options.axis ?? -1, x.ndim, 'argsort');
  if (x.ndim === 0) return tidy(() => reshape(argsortCore(reshape(x, [1]), 0, false), []));
  return argsortCore(x, a, options.descending ?? false);
}

/**
 * Sorted values and their original positions along `axis` (torch.sort).
 *
 * @example
 * sort(tensor([3, 1, 2])); // { values: [1, 2, 3], indices: [1, 2, 0] }
 */
export function sort(x: Tensor, options: SortOptions = {}): SortResult {
  x.assertAlive('sort');
  const a = normAxis(options.axis ?? -1, x.ndim, 'sort');
  return tidy(() => {
    const indices = argsort(x, options);
    const values = x.ndim === 0 ? reshape(x, []) : gather(x, a, indices);
    return { values, indices };
  });
}

export interface TopkOptions {
  /** Default -1 (the last axis). */
  axis?: number;
  /** The k largest (default) or the k smallest. */
  largest?: boolean;
  /** Results come back sorted (largest first, or smallest first) whatever this says. */
  sorted?: boolean;
}

/**
 * The k largest (or smallest) values along `axis` and their indices
 * (torch.topk). Ties keep the lower index first; NaN counts as the largest.
 *
 * @example
 * topk(tensor([1, 5, 3, 4]), 2); // { values: [5, 4], indices: [1, 3] }
 */
export function topk(x: Tensor, k: number, options: TopkOptions = {}): SortResult {
  x.assertAlive('topk');
  const a = normAxis(options.axis ?? -1, x.ndim, 'topk');
  const size = x.ndim === 0 ? 1 : (x.shape[a] as number);
  if (!Number.isInteger(k) || k < 0 || k > size)
    throw new RangeError(`topk: k (${k}) must be an integer in [0, ${size}] for dimension ${a} of shape ${fmtShape(x.shape)}`);
  if (x.ndim === 0) return sort(x);
  return tidy(() => {
    const order = argsortCore(x, a, options.largest ?? true);
    const indices = narrow(order, a, 0, k);
    return { values: gather(x, a, indices), indices };
  });
}

defineMethods({ sort, argsort, topk });

declare module '../tensor/tensor' {
  interface Tensor {
    sort(options?: SortOptions): SortResult;
    argsort(options?: SortOptions): Tensor;
    topk(k: number, options?: TopkOptions): SortResult;
  }
}
