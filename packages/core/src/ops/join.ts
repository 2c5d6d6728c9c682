/**
 * Joining and splitting along an axis. `cat` and `stack` run the `concat`
 * primitive once (after PyTorch's dtype promotion); `split` and `chunk` return
 * views of the input, so they copy nothing.
 */
import { E } from '../backend/expr';
import { type DType, promoteTypes } from '../dtype';
import { runPrimitive } from '../engine';
import { fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import { normAxis } from '../shape';
import type { Tensor } from '../tensor/tensor';
import { defineMethods } from './tensor-method';
import { narrow, unsqueeze } from './views';

function castTo(x: Tensor, dtype: DType): Tensor {
  return runPrimitive('elementwise', [x], { expr: E.cast(E.input(0, x.dtype), dtype) }, { shape: x.shape, dtype });
}

/** PyTorch's legacy rule: 1-d empty tensors (shape [0]) may join anything and are skipped. */
const isLegacyEmpty = (t: Tensor): boolean => t.ndim === 1 && t.shape[0] === 0;

/**
 * Concatenates tensors along an existing axis (torch.cat). Shapes must match in
 * every dim but `axis`; the result dtype promotes all inputs. Tensors of shape
 * [0] are skipped, like PyTorch.
 *
 * @example
 * cat([tensor([[1, 2]]), tensor([[3, 4]])]);     // [[1, 2], [3, 4]]
 * cat([tensor([[1, 2]]), tensor([[3, 4]])], -1); // [[1, 2, 3, 4]]
 */
export function cat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('cat: expected a non-empty list of tensors');
  tensors.forEach((t, i) => {
    t.assertAlive('cat');
    if (t.ndim === 0)
      throw new ShapeError(`cat: zero-dimensional tensor (at position ${i}) cannot be concatenated; unsqueeze it or use stack()`);
  });
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const parts = tensors.filter((t) => !isLegacyEmpty(t));
  const ref = parts[0] ?? (tensors[0] as Tensor);
  const a = normAxis(axis, ref.ndim, 'cat');
  for (const t of parts) {
    if (t.ndim !== ref.ndim || t.shape.some((d, k) => k !== a && d !== ref.shape[k])) {
      throw new ShapeError(
        `cat: tensors must have the same shape except in dimension ${a}; got ${tensors.map((x) => fmtShape(x.shape)).join(', ')}`,
      );
    }
  }
  const inputs = parts.length > 0 ? parts : [ref];
  const shape = [...ref.shape];
  shape[a] = inputs.reduce((n, t) => n + (t.shape[a] as number), 0);
  return tidy(() => {
    const cast = inputs.map((t) => (t.dtype === dtype ? t : castTo(t, dtype)));
    return runPrimitive('concat', cast, { axis: a }, { shape, dtype });
  });
}

/**
 * Joins equally shaped tensors along a new axis (torch.stack).
 *
 * @example
 * stack([tensor([1, 2]), tensor([3, 4])]);    // [[1, 2], [3, 4]]
 * stack([tensor([1, 2]), tensor([3, 4])], 1); // [[1, 3], [2, 4]]
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  const ref = tensors[0];
  if (!ref) throw new ShapeError('stack: expected a non-empty list of tensors');
  tensors.forEach((t, i) => {
    t.assertAlive('stack');
    if (t.ndim !== ref.ndim || t.shape.some((d, k) => d !== ref.shape[k])) {
      throw new ShapeError(
        `stack: expects each tensor to be equal size, but got ${fmtShape(ref.shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}`,
      );
    }
  });
  const a = normAxis(axis, ref.ndim + 1, 'stack');
  return tidy(() =>
    cat(
      tensors.map((t) => unsqueeze(t, a)),
      a,
    ),
  );
}

function checkSize(op: string, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${op}: ${what} must be a non-negative integer, got ${n}`);
}

/**
 * Splits into views along `axis` (torch.split): a number gives pieces of that
 * size (the last may be smaller), a list gives the size of each piece.
 *
 * @example
 * split(arange(5), 2);      // [0, 1], [2, 3], [4]
 * split(arange(5), [1, 4]); // [0], [1, 2, 3, 4]
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  x.assertAlive('split');
  if (x.ndim === 0) throw new ShapeError('split: cannot split a 0-d tensor');
  const a = normAxis(axis, x.ndim, 'split');
  const size = x.shape[a] as number;
  let sizes: number[];
  if (typeof splitSizeOrSections === 'number') {
    const s = splitSizeOrSections;
    checkSize('split', s, 'the split size');
    if (s === 0 && size !== 0) {
      throw new RangeError(
        `split: split size can only be 0 if dimension ${a} is empty; it has size ${size} (shape ${fmtShape(x.shape)})`,
      );
    }
    const count = s === 0 ? 1 : Math.max(1, Math.ceil(size / s));
    sizes = Array.from({ length: count }, (_, i) => Math.min(s, size - i * s));
  } else {
    sizes = [...splitSizeOrSections];
    for (const s of sizes) checkSize('split', s, 'each section size');
    const total = sizes.reduce((n, s) => n + s, 0);
    if (total !== size) {
      throw new ShapeError(
        `split: section sizes ${fmtShape(sizes)} sum to ${total}, but dimension ${a} of the tensor of shape ${fmtShape(x.shape)} has size ${size}`,
      );
    }
  }
  let start = 0;
  return sizes.map((len) => {
    const piece = narrow(x, a, start, len);
    start += len;
    return piece;
  });
}

/**
 * Splits into `chunks` views of equal size along `axis` (the last may be
 * smaller, and fewer may come back), like torch.chunk.
 *
 * @example
 * chunk(arange(5), 3); // [0, 1], [2, 3], [4]
 * chunk(arange(6), 4); // [0, 1], [2, 3], [4, 5]
 */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  x.assertAlive('chunk');
  if (!Number.isInteger(chunks) || chunks < 1) throw new RangeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  if (x.ndim === 0) throw new ShapeError('chunk: cannot chunk a 0-d tensor');
  const a = normAxis(axis, x.ndim, 'chunk');
  const size = x.shape[a] as number;
  // An empty dim gives `chunks` empty pieces, like PyTorch.
  if (size === 0) return split(x, new Array<number>(chunks).fill(0), a);
  return split(x, Math.ceil(size / chunks), a);
}

defineMethods({ split, chunk });

declare module '../tensor/tensor' {
  interface Tensor {
    split(splitSizeOrSections: number | readonly number[], axis?: number): Tensor[];
    chunk(chunks: number, axis?: number): Tensor[];
  }
}
