/**
 * The backend contract: the small, typed set of primitives every backend
 * implements. Everything else in the op library is a composite written once in
 * core from these. `KernelTable` is a mapped type over the union, so a backend
 * that lacks a kernel does not compile.
 *
 * Kernels receive strided views (shape, strides, offset into storage) and
 * return fresh contiguous storage for the output. They may queue work and
 * return before it runs (WebGPU); reads are what wait.
 */
import type { DType } from '../dtype';
import type { Shape } from '../shape';
import type { Expr } from './expr';

/** A strided window onto a backend's storage. Strides may be 0 (broadcast) but never negative. */
export interface View<S> {
  readonly storage: S;
  readonly dtype: DType;
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
}

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin' | 'any' | 'all';
export type ScanOp = 'sum' | 'prod';
export type PadMode = 'constant' | 'reflect' | 'replicate';
export type RandomDistribution = 'uniform' | 'normal' | 'bits';

/** Parameters of each primitive; the inputs each takes are listed in the comment. */
export interface PrimitiveParams {
  /** inputs: N views already broadcast to `shape`. Evaluates `expr` per output element. */
  elementwise: { readonly expr: Expr };
  /**
   * inputs: [x]. Reduces over `axes` (sorted, unique); the output shape drops them.
   * argmax/argmin return the first index of the extreme (int32); NaN counts as the maximum
   * for max/argmax and minimum for min/argmin, like PyTorch (NaN propagates).
   */
  reduce: { readonly op: ReduceOp; readonly axes: readonly number[] };
  /** inputs: [x]. Inclusive running sum/product along `axis`; output has x's shape. */
  scan: { readonly op: ScanOp; readonly axis: number };
  /** inputs: [a (..., M, K), b (..., K, N)] with equal batch shapes (broadcast views). Output (..., M, N). */
  matmul: Record<string, never>;
  /** inputs: [x, index (int32, same rank as x)]. out[i][j] = x[i][index[i][j]] along `axis` (torch.gather). */
  gather: { readonly axis: number };
  /** inputs: [base, index (int32), src]. out = base, then out[.. index ..] += src along `axis` (torch.scatter_add). */
  scatterAdd: { readonly axis: number };
  /** inputs: N views equal in all dims but `axis`. */
  concat: { readonly axis: number };
  /** inputs: [x]. `pads[d] = [before, after]` for each dim (non-negative). */
  pad: { readonly pads: readonly (readonly [number, number])[]; readonly mode: PadMode; readonly value: number };
  /**
   * inputs: none. Philox-4x32-10 keyed by `key`: element i uses block `counter + floor(i / 4)`,
   * word `i % 4`. uniform: [0, 1) float32; normal: Box–Muller on word pairs; bits: raw uint32 as int32.
   */
  random: {
    readonly key: readonly [number, number];
    readonly counter: number;
    readonly distribution: RandomDistribution;
  };
  /** inputs: [x]. Stable argsort along `axis` (int32 indices); NaN sorts last ascending, first descending. */
  argsort: { readonly axis: number; readonly descending: boolean };
}

export type Primitive = keyof PrimitiveParams;

export const primitives = [
  'elementwise',
  'reduce',
  'scan',
  'matmul',
  'gather',
  'scatterAdd',
  'concat',
  'pad',
  'random',
  'argsort',
] as const satisfies readonly Primitive[];

/** What a kernel is told about the output it must produce. */
export interface OutputSpec {
  readonly shape: Shape;
  readonly dtype: DType;
}

export type Kernel<S, P extends Primitive> = (inputs: readonly View<S>[], params: PrimitiveParams[P], out: OutputSpec) => S;

/** Every primitive, required: a backend missing one fails to type-check. */
export type KernelTable<S> = { readonly [P in Primitive]: Kernel<S, P> };
