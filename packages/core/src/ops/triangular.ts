/**
 * Triangular parts of (batches of) matrices: one `elementwise` kernel that
 * derives each element's row and column from its flat output index.
 */
import { E } from '../backend/expr';
import { runPrimitive } from '../engine';
import { fmtShape, ShapeError } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { defineMethods } from './tensor-method';

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  x.assertAlive(op);
  if (x.ndim < 2) throw new ShapeError(`${op}: input must have at least 2 dims, got shape ${fmtShape(x.shape)}`);
  if (!Number.isInteger(diagonal)) throw new RangeError(`${op}: diagonal must be an integer, got ${diagonal}`);
  const [m, n] = x.shape.slice(-2) as [number, number];
  // Offsets beyond the matrix keep or zero everything; clamping keeps the int32 math small.
  const k = Math.max(-m, Math.min(n, diagonal));
  const cols = E.const(Math.max(n, 1), 'int32');
  const rows = E.const(Math.max(m, 1), 'int32');
  const flatRow = E.binary('div', E.index(), cols);
  const col = E.binary('sub', E.index(), E.binary('mul', flatRow, cols));
  const row = E.binary('sub', flatRow, E.binary('mul', E.binary('div', flatRow, rows), rows));
  const offset = E.binary('sub', col, row);
  const keep = E.binary(op === 'tril' ? 'le' : 'ge', offset, E.const(k, 'int32'));
  const expr = E.select(keep, E.input(0, x.dtype), E.const(0, x.dtype));
  return runPrimitive('elementwise', [x], { expr }, { shape: x.shape, dtype: x.dtype });
}

/**
 * Lower triangle of the last two dims (torch.tril): keeps elements with
 * `col - row <= diagonal`, zeros the rest. Leading dims are batches.
 *
 * @example
 * tril(tensor([[1, 2], [3, 4]]));     // [[1, 0], [3, 4]]
 * tril(tensor([[1, 2], [3, 4]]), -1); // [[0, 0], [3, 0]]
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal);
}

/**
 * Upper triangle of the last two dims (torch.triu): keeps elements with
 * `col - row >= diagonal`, zeros the rest.
 *
 * @example
 * triu(tensor([[1, 2], [3, 4]]));    // [[1, 2], [0, 4]]
 * triu(tensor([[1, 2], [3, 4]]), 1); // [[0, 2], [0, 0]]
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal);
}

defineMethods({ tril, triu });

declare module '../tensor/tensor' {
  interface Tensor {
    tril(diagonal?: number): Tensor;
    triu(diagonal?: number): Tensor;
  }
}
