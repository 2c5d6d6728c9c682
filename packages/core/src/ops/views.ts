/**
 * Views: new handles on the same storage (no kernel runs). Four are primitive —
 * reshape, permute, expand, slice — and recorded for autograd; the rest are
 * compositions of them. `reshape` copies only when no strided layout can express
 * the new shape (as in PyTorch); `view` never copies and says so when it cannot.
 */
import { E } from '../backend/expr';
import { makeView, runPrimitive } from '../engine';
import { fmtShape, ShapeError } from '../errors';
import { contiguousStrides, isContiguous, normAxes, normAxis, type Shape, sizeOf } from '../shape';
import { Tensor } from '../tensor/tensor';

/** Strides for viewing (shape, strides) as newShape without copying, or null (PyTorch's computeStride). */
export function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  if (sizeOf(shape) === 0 || shape.length === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length).fill(1);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] as number;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d] as number;
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD] as number;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1] as number;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? out : null;
}

/** Resolves one -1 and checks the element count. */
export function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (out.lastIndexOf(-1) !== unknown) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmtShape(shape)}`);
  for (const d of out) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) throw new ShapeError(`${op}: invalid size ${d} in ${fmtShape(shape)}`);
  }
  if (unknown >= 0) {
    const known = out.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `${op}: cannot infer -1 in ${fmtShape(shape)} for a tensor of shape ${fmtShape(x.shape)} (${x.size} elements)`,
      );
    }
    out[unknown] = x.size / known;
  }
  if (sizeOf(out) !== x.size) {
    throw new ShapeError(
      `${op}: shape ${fmtShape(shape)} has ${sizeOf(out)} elements, but the tensor of shape ${fmtShape(x.shape)} has ${x.size}`,
    );
  }
  return out;
}

/** A view with a new shape; throws (with the fix) when the layout needs a copy. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const newShape = inferShape('view', x, shape);
  const strides = viewStrides(x.shape, x.strides, newShape);
  if (!strides) {
    throw new ShapeError(
      `view: a tensor of shape ${fmtShape(x.shape)} with strides ${fmtShape(x.strides)} cannot be viewed as ${fmtShape(newShape)} without a copy; use reshape()`,
    );
  }
  return makeView('reshape', x, { shape: newShape }, { shape: newShape, strides, offset: x.offset });
}

/** Same elements, new shape: a view when the layout allows, a copy otherwise. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const newShape = inferShape('reshape', x, shape);
  const strides = viewStrides(x.shape, x.strides, newShape);
  if (strides) return makeView('reshape', x, { shape: newShape }, { shape: newShape, strides, offset: x.offset });
  const copy = contiguous(x);
  try {
    return view(copy, newShape);
  } finally {
    copy.dispose();
  }
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const nd = x.ndim;
  const norm = dims.map((d) => normAxis(d, nd, 'permute'));
  if (norm.length !== nd || new Set(norm).size !== nd) {
    throw new ShapeError(
      `permute: dims ${fmtShape(dims)} must be a permutation of 0..${nd - 1} for a tensor of shape ${fmtShape(x.shape)}`,
    );
  }
  return makeView(
    'permute',
    x,
    { dims: norm },
    {
      shape: norm.map((d) => x.shape[d] as number),
      strides: norm.map((d) => x.strides[d] as number),
      offset: x.offset,
    },
  );
}

export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  if (x.ndim < 2 && dim0 === -2 && dim1 === -1)
    return permute(
      x,
      x.shape.map((_, i) => i),
    );
  const a = normAxis(dim0, x.ndim, 'transpose');
  const b = normAxis(dim1, x.ndim, 'transpose');
  const dims = x.shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
}

/** Broadcasts to `shape` with stride-0 dims; -1 keeps a dim. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) throw new ShapeError(`expand: target ${fmtShape(shape)} has fewer dims than the tensor's ${fmtShape(x.shape)}`);
  const outShape: number[] = [];
  const strides: number[] = [];
  shape.forEach((target, i) => {
    const j = i - lead;
    const size = j >= 0 ? (x.shape[j] as number) : 1;
    const t = target === -1 ? size : target;
    if (j < 0 && target === -1) throw new ShapeError(`expand: -1 is not allowed for the new leading dimension ${i}`);
    if (size !== t && size !== 1) {
      throw new ShapeError(
        `expand: cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)} (dimension ${i}: ${size} is not 1 and differs from ${t})`,
      );
    }
    outShape.push(t);
    strides.push(j >= 0 && size === t ? (x.strides[j] as number) : 0);
  });
  return makeView('expand', x, { shape: outShape }, { shape: outShape, strides, offset: x.offset });
}

export const broadcastTo = expand;

export interface SliceRange {
  start?: number;
  end?: number;
  step?: number;
}

/**
 * Basic slicing, one entry per leading dim (missing dims are taken whole):
 * a number picks one index (and drops the dim), a range keeps it.
 * `slice(x, [0, { start: 1, end: -1 }])` is PyTorch's `x[0, 1:-1]`.
 */
export function slice(x: Tensor, index: readonly (number | SliceRange | null)[]): Tensor {
  if (index.length > x.ndim) throw new ShapeError(`slice: ${index.length} indices for a tensor of shape ${fmtShape(x.shape)}`);
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  const drop: number[] = [];
  x.shape.forEach((size, d) => {
    const ix = index[d];
    if (typeof ix === 'number') {
      if (!Number.isInteger(ix) || ix < -size || ix >= size)
        throw new RangeError(`slice: index ${ix} is out of range for dimension ${d} with size ${size}`);
      const i = ix < 0 ? ix + size : ix;
      starts.push(i);
      ends.push(i + 1);
      steps.push(1);
      drop.push(d);
      return;
    }
    const step = ix?.step ?? 1;
    if (!Number.isInteger(step) || step < 1)
      throw new RangeError(`slice: step must be a positive integer, got ${step} (dimension ${d})`);
    const clampIndex = (v: number) => Math.min(size, Math.max(0, v < 0 ? v + size : v));
    const start = clampIndex(ix?.start ?? 0);
    const end = Math.max(start, clampIndex(ix?.end ?? size));
    starts.push(start);
    ends.push(end);
    steps.push(step);
  });
  const shape = starts.map((s, d) => Math.ceil(((ends[d] as number) - s) / (steps[d] as number)));
  const strides = x.strides.map((s, d) => s * (steps[d] as number));
  const offset = x.offset + starts.reduce((o, s, d) => o + s * (x.strides[d] as number), 0);
  const sliced = makeView('slice', x, { starts, ends, steps }, { shape, strides, offset });
  if (drop.length === 0) return sliced;
  try {
    return reshape(
      sliced,
      shape.filter((_, d) => !drop.includes(d)),
    );
  } finally {
    sliced.dispose();
  }
}

/** `length` elements of `dim` from `start` (torch.narrow). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normAxis(dim, x.ndim, 'narrow');
  const size = x.shape[d] as number;
  const s = start < 0 ? start + size : start;
  if (s < 0 || length < 0 || s + length > size) {
    throw new RangeError(`narrow: start ${start} and length ${length} exceed dimension ${d} of size ${size}`);
  }
  const index: SliceRange[] = x.shape.map(() => ({}));
  index[d] = { start: s, end: s + length };
  return slice(x, index);
}

export function squeeze(x: Tensor, dims?: number | readonly number[]): Tensor {
  const axes = dims === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normAxes(dims, x.ndim, 'squeeze');
  return reshape(
    x,
    x.shape.filter((d, i) => !(axes.includes(i) && d === 1)),
  );
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normAxis(dim, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normAxis(startDim, x.ndim, 'flatten');
  const e = normAxis(endDim, x.ndim, 'flatten');
  if (s > e) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const merged = x.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** A contiguous copy when needed; otherwise a new handle on the same storage. */
export function contiguous(x: Tensor): Tensor {
  if (isContiguous(x.shape, x.strides))
    return makeView('reshape', x, { shape: x.shape }, { shape: x.shape, strides: x.strides, offset: x.offset });
  return clone(x);
}

/** A copy with its own contiguous storage. */
export function clone(x: Tensor): Tensor {
  return runPrimitive('elementwise', [x], { expr: E.input(0, x.dtype) }, { shape: x.shape, dtype: x.dtype });
}

declare module '../tensor/tensor' {
  interface Tensor {
    view(...shape: number[] | [readonly number[]]): Tensor;
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    permute(...dims: number[] | [readonly number[]]): Tensor;
    transpose(dim0?: number, dim1?: number): Tensor;
    expand(...shape: number[] | [readonly number[]]): Tensor;
    broadcastTo(shape: readonly number[]): Tensor;
    slice(index: readonly (number | SliceRange | null)[]): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    squeeze(dims?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    /** Transpose of a 2-d tensor (reverses all dims otherwise, like PyTorch's deprecated .T on n-d). */
    readonly T: Tensor;
    /** Transpose of the last two dims. */
    readonly mT: Tensor;
  }
}

const shapeArgs = (args: (number | readonly number[])[]): number[] =>
  args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);

Object.assign(Tensor.prototype, {
  view(this: Tensor, ...shape: (number | readonly number[])[]) {
    return view(this, shapeArgs(shape));
  },
  reshape(this: Tensor, ...shape: (number | readonly number[])[]) {
    return reshape(this, shapeArgs(shape));
  },
  permute(this: Tensor, ...dims: (number | readonly number[])[]) {
    return permute(this, shapeArgs(dims));
  },
  transpose(this: Tensor, dim0?: number, dim1?: number) {
    return transpose(this, dim0, dim1);
  },
  expand(this: Tensor, ...shape: (number | readonly number[])[]) {
    return expand(this, shapeArgs(shape));
  },
  broadcastTo(this: Tensor, shape: readonly number[]) {
    return expand(this, shape);
  },
  slice(this: Tensor, index: readonly (number | SliceRange | null)[]) {
    return slice(this, index);
  },
  narrow(this: Tensor, dim: number, start: number, length: number) {
    return narrow(this, dim, start, length);
  },
  squeeze(this: Tensor, dims?: number | readonly number[]) {
    return squeeze(this, dims);
  },
  unsqueeze(this: Tensor, dim: number) {
    return unsqueeze(this, dim);
  },
  flatten(this: Tensor, startDim?: number, endDim?: number) {
    return flatten(this, startDim, endDim);
  },
  contiguous(this: Tensor) {
    return contiguous(this);
  },
  clone(this: Tensor) {
    return clone(this);
  },
});

Object.defineProperties(Tensor.prototype, {
  T: {
    get(this: Tensor) {
      return permute(
        this,
        this.shape.map((_, i) => this.ndim - 1 - i),
      );
    },
  },
  mT: {
    get(this: Tensor) {
      if (this.ndim < 2) throw new ShapeError(`mT: needs at least 2 dims, got shape ${fmtShape(this.shape)}`);
      return transpose(this, -2, -1);
    },
  },
});
