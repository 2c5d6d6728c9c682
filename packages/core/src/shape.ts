import { fmtShape, ShapeError } from './errors';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] as number;
  }
  return strides;
}

export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] as number;
    if (d !== 1 && strides[i] !== s) return false;
    s *= d;
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Validates a user-given shape: non-negative integers. */
export function checkShape(shape: readonly unknown[], op: string): number[] {
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: shape ${JSON.stringify(shape)} must hold non-negative integers; got ${String(d)}`);
    }
  }
  return shape as number[];
}

/** Numpy/PyTorch broadcasting of any number of shapes. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const o = ndim - shape.length + i;
      const d = shape[i] as number;
      const cur = out[o] as number;
      if (cur === 1) out[o] = d;
      else if (d !== 1 && d !== cur) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmtShape).join(' and ')} cannot broadcast (dimension ${o - ndim}: ${cur} vs ${d})`,
        );
      }
    }
  }
  return out;
}

/** Normalises a possibly negative axis into [0, ndim). */
export function normAxis(axis: number, ndim: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -Math.max(ndim, 1) || axis >= Math.max(ndim, 1)) {
    throw new RangeError(
      `${op}: axis ${axis} is out of range for a ${ndim}-d tensor (allowed: ${-Math.max(ndim, 1)} to ${Math.max(ndim, 1) - 1})`,
    );
  }
  return axis < 0 ? axis + Math.max(ndim, 1) : axis;
}

/** Normalises an axis list (undefined = all axes), sorted and without duplicates. */
export function normAxes(axes: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normAxis(a, ndim, op));
  if (new Set(out).size !== out.length) throw new RangeError(`${op}: repeated axis in ${JSON.stringify(list)}`);
  return out.sort((a, b) => a - b);
}
