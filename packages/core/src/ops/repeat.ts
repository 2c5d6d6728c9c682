/**
 * Rearranging copies: repeat/tile (an `expand` view materialised by one
 * reshape copy), flip (a `gather` per flipped axis with a broadcast reversed
 * `arange` as the index) and roll (a `concat` of two slices per axis).
 */
import { runPrimitive } from '../engine';
import { fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import { normAxes, normAxis } from '../shape';
import type { Tensor } from '../tensor/tensor';
import { arange } from './creation';
import { cat } from './join';
import { defineMethods } from './tensor-method';
import { clone, expand, narrow, reshape } from './views';

type Sizes = number[] | [readonly number[]];

/** Accepts both `f(x, 2, 3)` and `f(x, [2, 3])`. */
const sizesOf = (args: Sizes): number[] =>
  args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : [...(args as number[])];

function repeatCore(op: string, x: Tensor, reps: readonly number[]): Tensor {
  x.assertAlive(op);
  for (const r of reps) {
    if (!Number.isInteger(r) || r < 0)
      throw new RangeError(`${op}: repeats must be non-negative integers, got ${fmtShape(reps)}`);
  }
  if (reps.length < x.ndim) {
    throw new ShapeError(
      `${op}: ${reps.length} repeats ${fmtShape(reps)} are fewer than the dims of the tensor of shape ${fmtShape(x.shape)}`,
    );
  }
  const base = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  return tidy(() => {
    // [a, b] -> [1, a, 1, b] -> expand to [ra, a, rb, b] -> reshape (a copy) to [ra * a, rb * b].
    const interleaved = reshape(
      x,
      base.flatMap((d) => [1, d]),
    );
    const expanded = expand(
      interleaved,
      base.flatMap((d, i) => [reps[i] as number, d]),
    );
    return reshape(
      expanded,
      base.map((d, i) => d * (reps[i] as number)),
    );
  });
}

/**
 * Tiles the tensor `repeats[i]` times along dim i (torch.Tensor.repeat). More
 * repeats than dims treat the tensor as having leading dims of size 1.
 *
 * @example
 * repeat(tensor([1, 2]), 2);       // [1, 2, 1, 2]
 * repeat(tensor([1, 2]), 2, 2);    // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * tensor([[1], [2]]).repeat(1, 2); // [[1, 1], [2, 2]]
 */
export function repeat(x: Tensor, ...repeats: Sizes): Tensor {
  return repeatCore('repeat', x, sizesOf(repeats));
}

/**
 * torch.tile: like `repeat`, but fewer reps than dims are padded with leading 1s.
 *
 * @example
 * tile(tensor([[1, 2], [3, 4]]), [2]); // [[1, 2, 1, 2], [3, 4, 3, 4]]
 */
export function tile(x: Tensor, reps: number | readonly number[]): Tensor {
  const list = typeof reps === 'number' ? [reps] : [...reps];
  return repeatCore('tile', x, [...new Array<number>(Math.max(0, x.ndim - list.length)).fill(1), ...list]);
}

/**
 * Reverses the order of elements along the given axes (torch.flip).
 *
 * @example
 * flip(tensor([[1, 2], [3, 4]]), 0);       // [[3, 4], [1, 2]]
 * flip(tensor([[1, 2], [3, 4]]), [0, -1]); // [[4, 3], [2, 1]]
 */
export function flip(x: Tensor, axes: number | readonly number[]): Tensor {
  x.assertAlive('flip');
  const list = normAxes(axes, x.ndim, 'flip');
  return tidy(() => {
    let out = x;
    for (const a of list) {
      const n = x.shape[a];
      if (n === undefined || n <= 1) continue;
      const reversed = arange(n - 1, -1, -1, { dtype: 'int32', backend: x.backend });
      const index = expand(
        reshape(
          reversed,
          x.shape.map((d, k) => (k === a ? d : 1)),
        ),
        x.shape,
      );
      out = runPrimitive('gather', [out, index], { axis: a }, { shape: x.shape, dtype: x.dtype });
    }
    return out === x ? clone(x) : out;
  });
}

function rollAxis(x: Tensor, shift: number, axis: number): Tensor {
  const n = x.shape[axis] ?? 0;
  const k = n === 0 ? 0 : ((shift % n) + n) % n;
  if (k === 0) return x;
  return cat([narrow(x, axis, n - k, k), narrow(x, axis, 0, n - k)], axis);
}

/**
 * Shifts elements along axes, wrapping around (torch.roll). Without `axes`
 * the tensor is rolled as if flattened, then restored to its shape.
 *
 * @example
 * roll(tensor([1, 2, 3, 4]), 1);                 // [4, 1, 2, 3]
 * roll(tensor([[1, 2], [3, 4]]), 1);             // [[4, 1], [2, 3]]
 * roll(tensor([[1, 2], [3, 4]]), [1, -1], [0, 1]); // [[4, 3], [2, 1]]
 */
export function roll(x: Tensor, shifts: number | readonly number[], axes?: number | readonly number[]): Tensor {
  x.assertAlive('roll');
  const s = typeof shifts === 'number' ? [shifts] : [...shifts];
  for (const v of s) if (!Number.isInteger(v)) throw new RangeError(`roll: shifts must be integers, got ${fmtShape(s)}`);
  if (axes === undefined) {
    if (s.length !== 1)
      throw new ShapeError(`roll: without axes the tensor is flattened, so shifts must be one number, got ${fmtShape(s)}`);
    return tidy(() => reshape(rollAxis(reshape(x, [-1]), s[0] as number, 0), x.shape));
  }
  const a = (typeof axes === 'number' ? [axes] : [...axes]).map((d) => normAxis(d, x.ndim, 'roll'));
  if (a.length !== s.length) {
    throw new ShapeError(
      `roll: shifts and axes must align, got ${s.length} shifts ${fmtShape(s)} and ${a.length} axes ${fmtShape(a)}`,
    );
  }
  return tidy(() => {
    let out = x;
    a.forEach((d, i) => {
      out = rollAxis(out, s[i] as number, d);
    });
    return out === x ? clone(x) : out;
  });
}

defineMethods({ repeat, tile, flip, roll });

declare module '../tensor/tensor' {
  interface Tensor {
    repeat(...repeats: number[]): Tensor;
    repeat(repeats: readonly number[]): Tensor;
    tile(reps: number | readonly number[]): Tensor;
    flip(axes: number | readonly number[]): Tensor;
    roll(shifts: number | readonly number[], axes?: number | readonly number[]): Tensor;
  }
}
