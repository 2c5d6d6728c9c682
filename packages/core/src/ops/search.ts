/**
 * Searching: unique values (with inverse indices and counts), searchsorted,
 * nonzero and whereIndices (torch.where(cond)). Everything runs on the device
 * except that unique, nonzero and whereIndices read one number back (the
 * output length, which sets the output shape): with `dataSync` on backends
 * that read synchronously (CPU, WebGL); elsewhere use the `...Async` forms.
 */
import { E } from '../backend/expr';
import { BackendError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import { shapesEqual } from '../shape';
import { isTensor, type Tensor } from '../tensor/tensor';
import { sub } from './arithmetic';
import { ne, where } from './compare';
import { arange, ones, zeros } from './creation';
import { elementwise } from './elementwise';
import { gather, maskedSelect, maskedSelectAsync, scatterAdd } from './indexing';
import { cat, stack } from './join';
import { cumsum, sum } from './reduce';
import { argsort } from './sort';
import { defineMethods } from './tensor-method';
import { reshape, slice, unsqueeze } from './views';

export interface UniqueOptions {
  /** Results are always sorted ascending (PyTorch leaves the order unspecified when false). */
  sorted?: boolean;
  /** Also return, for each input element, the index of its value in `values` (input's shape). */
  returnInverse?: boolean;
  /** Also return how often each value occurs. */
  returnCounts?: boolean;
}

/** `values`, plus `inverse` / `counts` when asked for (typed as present when the option is literally true). */
export type UniqueResult<O extends UniqueOptions = UniqueOptions> = { values: Tensor } & (O extends { returnInverse: true }
  ? { inverse: Tensor }
  : { inverse?: Tensor }) &
  (O extends { returnCounts: true } ? { counts: Tensor } : { counts?: Tensor });

interface UniqueParts {
  order: Tensor;
  sorted: Tensor;
  isNew: Tensor;
  group: Tensor;
}

/** Sorts the flattened input and marks the first element of each run of equal values (NaN != NaN). */
function uniqueParts(x: Tensor): UniqueParts {
  const flat = reshape(x, [-1]);
  const n = flat.size;
  const order = argsort(flat);
  const sorted = gather(flat, 0, order);
  const first = ones([Math.min(n, 1)], { dtype: 'bool', backend: x.backend });
  const changed = ne(slice(sorted, [{ start: 1 }]), slice(sorted, [{ end: Math.max(n - 1, 0) }]));
  const isNew = cat([first, changed]);
  return { order, sorted, isNew, group: sub(cumsum(isNew, 0), 1) };
}

function uniqueFinish(x: Tensor, parts: UniqueParts, count: number, options: UniqueOptions): UniqueResult {
  const { order, sorted, isNew, group } = parts;
  const backend = x.backend;
  const n = sorted.size;
  const int = { dtype: 'int32' as const, backend };
  const firstPos = scatterAdd(zeros([count], int), 0, group, where(isNew, arange(n, undefined, 1, int), 0));
  const result: UniqueResult = { values: gather(sorted, 0, firstPos) };
  if (options.returnInverse) result.inverse = reshape(scatterAdd(zeros([n], int), 0, order, group), x.shape);
  if (options.returnCounts) result.counts = scatterAdd(zeros([count], int), 0, group, ones([n], int));
  return result;
}

function requireSync(op: string, x: Tensor): void {
  if (!x.backend.readSync)
    throw new BackendError(
      `${op}: the output size depends on the values, and the '${x.backend.name}' backend cannot read synchronously; use \`await ${op}Async(...)\``,
    );
}

/**
 * The distinct values of the flattened input, sorted (torch.unique without
 * `dim`), optionally with inverse indices and counts (int32). NaNs are each
 * distinct, as in PyTorch. Reads the number of distinct values back with dataSync.
 *
 * @example
 * unique(tensor([3, 1, 3, 2])).values;                 // [1, 2, 3]
 * unique(tensor([3, 1, 3]), { returnInverse: true, returnCounts: true });
 * // { values: [1, 3], inverse: [1, 0, 1], counts: [1, 2] }
 */
export function unique<const O extends UniqueOptions = Record<never, never>>(x: Tensor, options?: O): UniqueResult<O> {
  x.assertAlive('unique');
  requireSync('unique', x);
  return tidy(() => {
    const parts = uniqueParts(x);
    const count = parts.sorted.size === 0 ? 0 : (sum(parts.isNew).dataSync()[0] as number);
    return uniqueFinish(x, parts, count, options ?? {}) as UniqueResult<O>;
  });
}

/** `unique` for any backend: awaits the number of distinct values. */
export async function uniqueAsync<const O extends UniqueOptions = Record<never, never>>(
  x: Tensor,
  options?: O,
): Promise<UniqueResult<O>> {
  x.assertAlive('uniqueAsync');
  const parts = tidy(() => uniqueParts(x));
  try {
    const total = tidy(() => sum(parts.isNew));
    let count: number;
    try {
      count = parts.sorted.size === 0 ? 0 : ((await total.data())[0] as number);
    } finally {
      total.dispose();
    }
    return tidy(() => uniqueFinish(x, parts, count, options ?? {}) as UniqueResult<O>);
  } finally {
    for (const t of Object.values(parts)) t.dispose();
  }
}

export interface SearchSortedOptions {
  /** false (default): the first index i with value <= seq[i]; true: the first with value < seq[i]. */
  right?: boolean;
}

/**
 * For each value, the index at which inserting it would keep `sortedSequence`
 * sorted (torch.searchsorted), int32. The sequence is sorted along its last
 * dim; when it has more dims, `values` must share its leading dims. Computed
 * on the device as a count of comparisons (memory O(values × sequence length)):
 * `right: false` counts `!(seq >= v)`, `true` counts `!(seq > v)`, so a NaN
 * value goes to the end as in PyTorch. The sequence itself must hold no NaN.
 *
 * @example
 * searchsorted(tensor([1, 3, 5]), tensor([0, 3, 6]));                  // [0, 1, 3]
 * searchsorted(tensor([1, 3, 5]), tensor([0, 3, 6]), { right: true }); // [0, 2, 3]
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, options: SearchSortedOptions = {}): Tensor {
  const op = 'searchsorted';
  sortedSequence.assertAlive(op);
  if (isTensor(values)) values.assertAlive(op);
  if (sortedSequence.ndim === 0) throw new ShapeError(`${op}: sortedSequence must have at least 1 dim, got a 0-d tensor`);
  const vShape = isTensor(values) ? values.shape : [];
  if (sortedSequence.ndim > 1 && !shapesEqual(sortedSequence.shape.slice(0, -1), vShape.slice(0, -1)))
    throw new ShapeError(
      `${op}: for an n-d sortedSequence ${fmtShape(sortedSequence.shape)}, values ${fmtShape(vShape)} must share all dims but the last`,
    );
  return tidy(() => {
    const v = isTensor(values) ? unsqueeze(values, -1) : values;
    const seq = sortedSequence.ndim > 1 ? unsqueeze(sortedSequence, -2) : sortedSequence;
    const below = elementwise(op, [seq, v], ([s, x]) =>
      E.cast(E.unary('not', E.binary(options.right ? 'gt' : 'ge', s!, x!)), 'int32'),
    );
    return sum(below, -1);
  });
}

/** (count, ndim) coordinates from the flat positions of the nonzero elements. */
function coordinates(x: Tensor, flatPositions: Tensor): Tensor {
  const count = flatPositions.size;
  if (x.ndim === 0) return zeros([count, 0], { dtype: 'int32', backend: x.backend });
  let stride = 1;
  const strides = x.shape.map(() => 0);
  for (let d = x.ndim - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= x.shape[d] as number;
  }
  const cols = x.shape.map((size, d) => {
    const q = E.binary('div', E.input(0, 'int32'), E.const(strides[d] as number, 'int32'));
    const r = E.binary('sub', q, E.binary('mul', E.binary('div', q, E.const(size, 'int32')), E.const(size, 'int32')));
    return elementwise('nonzero', [flatPositions], () => r);
  });
  return stack(cols, 1);
}

const flatMask = (x: Tensor): Tensor => reshape(ne(x, 0), [-1]);

/**
 * The coordinates of the nonzero (true, NaN included) elements as an
 * (n, ndim) int32 tensor in row-major order (torch.nonzero). Reads the count
 * back with dataSync; use `nonzeroAsync` elsewhere.
 *
 * @example
 * nonzero(tensor([[1, 0], [0, 2]])); // [[0, 0], [1, 1]]
 */
export function nonzero(x: Tensor): Tensor {
  x.assertAlive('nonzero');
  requireSync('nonzero', x);
  return tidy(() => {
    const mask = flatMask(x);
    return coordinates(x, maskedSelect(arange(mask.size, undefined, 1, { dtype: 'int32', backend: x.backend }), mask));
  });
}

/** `nonzero` for any backend: awaits the count. */
export async function nonzeroAsync(x: Tensor): Promise<Tensor> {
  x.assertAlive('nonzeroAsync');
  const [mask, positions] = tidy(() => {
    const m = flatMask(x);
    return [m, arange(m.size, undefined, 1, { dtype: 'int32', backend: x.backend })];
  });
  try {
    const flat = await maskedSelectAsync(positions, mask);
    return tidy(() => coordinates(x, flat));
  } finally {
    mask.dispose();
    positions.dispose();
  }
}

/** One 1-d int32 index tensor per dim (columns of nonzero); a 0-d input counts as 1-d. */
function columns(coords: Tensor, ndim: number): Tensor[] {
  return Array.from({ length: Math.max(ndim, 1) }, (_, d) => slice(coords, [null, d]));
}

/**
 * torch.where(cond) with one argument (nonzero as a tuple): one 1-d int32
 * tensor of indices per dim, so `x[idx[0][i], idx[1][i], ...]` are the
 * nonzero elements. Named apart from the 3-argument `where`.
 *
 * @example
 * whereIndices(tensor([[0, 1], [1, 0]])); // [[0, 1], [1, 0]]
 */
export function whereIndices(cond: Tensor): Tensor[] {
  cond.assertAlive('whereIndices');
  return tidy(() => columns(nonzero(cond.ndim === 0 ? reshape(cond, [1]) : cond), cond.ndim));
}

/** `whereIndices` for any backend. */
export async function whereIndicesAsync(cond: Tensor): Promise<Tensor[]> {
  cond.assertAlive('whereIndicesAsync');
  const flat = cond.ndim === 0 ? reshape(cond, [1]) : undefined;
  try {
    const coords = await nonzeroAsync(flat ?? cond);
    return tidy(() => {
      const cols = columns(coords, cond.ndim);
      coords.dispose();
      return cols;
    });
  } finally {
    flat?.dispose();
  }
}

defineMethods({ unique, nonzero });

declare module '../tensor/tensor' {
  interface Tensor {
    unique<const O extends UniqueOptions = Record<never, never>>(options?: O): UniqueResult<O>;
    nonzero(): Tensor;
  }
}
