import type { Shape } from '../shape';

/**
 * Views share storage and run no kernel; autograd still sees them (each has a
 * gradient rule), so every view core makes is one of these four. Others
 * (transpose, squeeze, flatten, narrow, T ...) are compositions of them.
 */
export interface ViewParams {
  /** Same elements in row-major order, new shape. Only for layouts that allow it without copying. */
  reshape: { readonly shape: Shape };
  /** Reorders dimensions: output dim i is input dim `dims[i]`. */
  permute: { readonly dims: readonly number[] };
  /** Broadcasts size-1 (or new leading) dims to `shape` with stride 0. */
  expand: { readonly shape: Shape };
  /** Per dim: elements start, start + step, ... below end (0 <= start <= end <= size, step >= 1). */
  slice: { readonly starts: readonly number[]; readonly ends: readonly number[]; readonly steps: readonly number[] };
}

export type ViewOp = keyof ViewParams;
