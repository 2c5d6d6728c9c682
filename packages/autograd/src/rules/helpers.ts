import { arange, reshape, type Shape, sum, type Tensor } from '@strata/core';

/** Sums a gradient of a broadcast result back to the shape of the operand that was broadcast. */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? sum(g, axes, true) : g;
  return reshape(summed, shape);
}

/** `arange(size)` in `shape`: each element holds its own flat index (int32). */
export function flatIndices(shape: Shape): Tensor {
  return reshape(arange(shape.reduce((a, b) => a * b, 1)), shape);
}

/** Keep-dim shape of a reduction of `shape` over `axes`. */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}
