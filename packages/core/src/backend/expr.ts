/**
 * Scalar expressions: the one description of elementwise math that every
 * backend renders into its own kernels (JS for the CPU, WGSL for WebGPU, gpu.js
 * source for WebGL). An op like `gelu` is an expression over its inputs; the
 * `elementwise` primitive evaluates one expression per output element, which
 * also lets a backend fuse a chain of ops into one kernel.
 *
 * Values are typed: integer math stays integer (int32 wrap-around), comparisons
 * yield bool, and `cast` converts explicitly. Backends may compute floats at
 * higher precision than float32 (the CPU uses float64) and round on store.
 */
import type { DType } from '../dtype';

export const unaryScalarOps = [
  'neg',
  'abs',
  'sign',
  'exp',
  'log',
  'log1p',
  'expm1',
  'sqrt',
  'rsqrt',
  'sin',
  'cos',
  'tan',
  'tanh',
  'floor',
  'ceil',
  'round',
  'trunc',
  'erf',
  'not',
  'isnan',
  'isfinite',
  'reciprocal',
] as const;
export const binaryScalarOps = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'max',
  'min',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'and',
  'or',
  'xor',
] as const;

export type UnaryScalarOp = (typeof unaryScalarOps)[number];
export type BinaryScalarOp = (typeof binaryScalarOps)[number];

export type Expr =
  /** The value of input `index` at this element (inputs are broadcast to the output shape). */
  | { readonly kind: 'input'; readonly index: number; readonly dtype: DType }
  | { readonly kind: 'const'; readonly value: number; readonly dtype: DType }
  /** The flat (row-major) index of the output element, as int32. */
  | { readonly kind: 'index'; readonly dtype: 'int32' }
  | { readonly kind: 'unary'; readonly op: UnaryScalarOp; readonly x: Expr; readonly dtype: DType }
  | { readonly kind: 'binary'; readonly op: BinaryScalarOp; readonly a: Expr; readonly b: Expr; readonly dtype: DType }
  /** `cond ? a : b`, elementwise. */
  | { readonly kind: 'select'; readonly cond: Expr; readonly a: Expr; readonly b: Expr; readonly dtype: DType }
  /** float → int truncates toward zero, anything → bool is `!= 0`, bool → number is 0/1. */
  | { readonly kind: 'cast'; readonly x: Expr; readonly dtype: DType };

const boolResult = new Set<string>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'xor', 'not', 'isnan', 'isfinite']);

/** Builders that type each node the way PyTorch types the op (see ops/elementwise.ts for promotion). */
export const E = {
  input: (index: number, dtype: DType): Expr => ({ kind: 'input', index, dtype }),
  const: (value: number, dtype: DType = 'float32'): Expr => ({ kind: 'const', value, dtype }),
  index: (): Expr => ({ kind: 'index', dtype: 'int32' }),
  unary(op: UnaryScalarOp, x: Expr): Expr {
    return { kind: 'unary', op, x, dtype: boolResult.has(op) ? 'bool' : x.dtype };
  },
  binary(op: BinaryScalarOp, a: Expr, b: Expr): Expr {
    const dtype = boolResult.has(op) ? 'bool' : a.dtype === b.dtype ? a.dtype : 'float32';
    return { kind: 'binary', op, a, b, dtype };
  },
  select: (cond: Expr, a: Expr, b: Expr): Expr => ({ kind: 'select', cond, a, b, dtype: a.dtype }),
  cast: (x: Expr, dtype: DType): Expr => (x.dtype === dtype ? x : { kind: 'cast', x, dtype }),
};

/** A stable text key for caching compiled kernels. */
export function exprKey(e: Expr): string {
  switch (e.kind) {
    case 'input':
      return `i${e.index}:${e.dtype}`;
    case 'const':
      return `c(${Object.is(e.value, -0) ? '-0' : String(e.value)}:${e.dtype})`;
    case 'index':
      return 'idx';
    case 'unary':
      return `${e.op}(${exprKey(e.x)})`;
    case 'binary':
      return `${e.op}(${exprKey(e.a)},${exprKey(e.b)})`;
    case 'select':
      return `sel(${exprKey(e.cond)},${exprKey(e.a)},${exprKey(e.b)}):${e.dtype}`;
    case 'cast':
      return `cast<${e.dtype}>(${exprKey(e.x)})`;
  }
}

/** Number of inputs an expression reads (1 + the highest input index). */
export function exprArity(e: Expr): number {
  switch (e.kind) {
    case 'input':
      return e.index + 1;
    case 'const':
    case 'index':
      return 0;
    case 'unary':
    case 'cast':
      return exprArity(e.x);
    case 'binary':
      return Math.max(exprArity(e.a), exprArity(e.b));
    case 'select':
      return Math.max(exprArity(e.cond), exprArity(e.a), exprArity(e.b));
  }
}
