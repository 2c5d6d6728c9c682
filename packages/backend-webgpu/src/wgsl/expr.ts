/**
 * Renders core's scalar expressions (Expr) as WGSL. Each node becomes a WGSL
 * value of its dtype's *value type*: f32 for float32 and float16 (float16 is
 * only a storage format), i32 for int32 (WGSL i32 arithmetic wraps like the
 * CPU's `| 0`), and bool for bool. Mixed operands are converted to the node's
 * dtype first, the way the CPU reference computes them; see math.ts for where
 * WGSL's builtins needed help to match JavaScript's Math.
 *
 * Known differences from the CPU (which computes in float64 and rounds once on
 * store): float math rounds at every step in float32, transcendental builtins
 * are a few ulps off, and int32 pow wraps exactly modulo 2^32 where the CPU's
 * float64 Math.pow has already lost bits (results beyond 2^53).
 */
import type { BinaryScalarOp, DType, Expr, UnaryScalarOp } from '@strata/core';

export type ValueType = 'f32' | 'i32' | 'bool';

export function valueType(dtype: DType): ValueType {
  return dtype === 'int32' ? 'i32' : dtype === 'bool' ? 'bool' : 'f32';
}

/** What the renderer needs from the kernel around it. */
export interface ExprContext {
  /** WGSL expression for input `index`'s value at this element, in valueType(dtype). */
  input(index: number, dtype: DType): string;
  /** WGSL expression for a constant node, in valueType(dtype). */
  constant(node: Extract<Expr, { kind: 'const' }>): string;
  /** WGSL i32 expression for the flat output index. */
  readonly index: string;
}

/** Converts a rendered value of type `from` to `to` with the CPU's cast semantics. */
export function convert(code: string, from: ValueType, to: ValueType, used: Set<string>): string {
  if (from === to) return code;
  if (to === 'f32') return from === 'i32' ? `f32(${code})` : `select(0.0, 1.0, ${code})`;
  if (to === 'i32') {
    if (from === 'bool') return `select(0i, 1i, ${code})`;
    used.add('s_toint');
    return `s_toint(${code})`;
  }
  if (from === 'i32') return `(${code} != 0i)`;
  used.add('s_nonzero');
  return `s_nonzero(${code})`;
}

/** JavaScript truthiness (`x ? ... : ...`): 0, -0 and NaN are false. */
function truthy(code: string, from: ValueType, used: Set<string>): string {
  if (from === 'bool') return code;
  if (from === 'i32') return `(${code} != 0i)`;
  used.add('s_truthy');
  return `s_truthy(${code})`;
}

const floatFunctions: Partial<Record<UnaryScalarOp, (x: string) => [string, string?]>> = {
  exp: (x) => [`s_exp(${x})`, 's_exp'],
  log: (x) => [`s_log(${x})`, 's_log'],
  log1p: (x) => [`s_log1p(${x})`, 's_log1p'],
  expm1: (x) => [`s_expm1(${x})`, 's_expm1'],
  sqrt: (x) => [`s_sqrt(${x})`, 's_sqrt'],
  rsqrt: (x) => [`(1.0 / s_sqrt(${x}))`, 's_sqrt'],
  sin: (x) => [`s_sin(${x})`, 's_sin'],
  cos: (x) => [`s_cos(${x})`, 's_cos'],
  tan: (x) => [`s_tan(${x})`, 's_tan'],
  tanh: (x) => [`s_tanh(${x})`, 's_tanh'],
  erf: (x) => [`s_erf(${x})`, 's_erf'],
  reciprocal: (x) => [`(1.0 / ${x})`],
  floor: (x) => [`floor(${x})`],
  ceil: (x) => [`ceil(${x})`],
  round: (x) => [`round(${x})`],
  trunc: (x) => [`trunc(${x})`],
  abs: (x) => [`abs(${x})`],
  sign: (x) => [`s_sign(${x})`, 's_sign'],
  neg: (x) => [`(-${x})`],
};

function renderUnary(op: UnaryScalarOp, x: Expr, dtype: DType, r: (e: Expr) => string, used: Set<string>): string {
  const xt = valueType(x.dtype);
  const xs = r(x);
  switch (op) {
    case 'not':
      return `!${truthy(xs, xt, used)}`;
    case 'isnan':
      if (xt !== 'f32') return 'false';
      used.add('s_isnan');
      return `s_isnan(${xs})`;
    case 'isfinite':
      if (xt !== 'f32') return 'true';
      used.add('s_isfinite');
      return `s_isfinite(${xs})`;
    default:
      break;
  }
  const t = valueType(dtype);
  if (t === 'i32' || (t === 'bool' && xt !== 'f32')) {
    // Integer forms: exact where the op keeps integers, else through f32 and back.
    const xi = convert(xs, xt, 'i32', used);
    let v: string | undefined;
    if (op === 'neg') v = `(-${xi})`;
    else if (op === 'abs') v = `abs(${xi})`;
    else if (op === 'sign') v = `sign(${xi})`;
    else if (op === 'floor' || op === 'ceil' || op === 'round' || op === 'trunc') v = xi;
    if (v !== undefined) return convert(v, 'i32', t, used);
  }
  const f = floatFunctions[op];
  if (!f) throw new Error(`WebGPU: no WGSL rendering for unary op '${op}'`);
  const [code, helper] = f(convert(xs, xt, 'f32', used));
  if (helper) used.add(helper);
  return convert(code, 'f32', t, used);
}

const comparisons: Partial<Record<BinaryScalarOp, string>> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

function renderBinary(op: BinaryScalarOp, a: Expr, b: Expr, dtype: DType, r: (e: Expr) => string, used: Set<string>): string {
  const at = valueType(a.dtype);
  const bt = valueType(b.dtype);
  const cmp = comparisons[op];
  if (cmp) {
    const common: ValueType = at === 'f32' || bt === 'f32' ? 'f32' : 'i32';
    const x = convert(r(a), at, common, used);
    const y = convert(r(b), bt, common, used);
    if (op === 'ne' && common === 'f32') {
      // NaN != anything: spelled out, as SwiftShader's unordered not-equal says false.
      used.add('s_isnan');
      return `(${x} != ${y} || s_isnan(${x}) || s_isnan(${y}))`;
    }
    return `(${x} ${cmp} ${y})`;
  }
  if (op === 'and' || op === 'or' || op === 'xor') {
    const x = truthy(r(a), at, used);
    const y = truthy(r(b), bt, used);
    return op === 'and' ? `(${x} && ${y})` : op === 'or' ? `(${x} || ${y})` : `(${x} != ${y})`;
  }
  const t = valueType(dtype);
  const work: ValueType = t === 'bool' ? 'i32' : t;
  const x = convert(r(a), at, work, used);
  const y = convert(r(b), bt, work, used);
  let v: string;
  switch (op) {
    case 'add':
      v = `(${x} + ${y})`;
      break;
    case 'sub':
      v = `(${x} - ${y})`;
      break;
    case 'mul':
      v = `(${x} * ${y})`;
      break;
    case 'div':
      if (work === 'i32') used.add('s_idiv');
      v = work === 'i32' ? `s_idiv(${x}, ${y})` : `(${x} / ${y})`;
      break;
    case 'pow':
      used.add(work === 'i32' ? 's_ipow' : 's_pow');
      v = `${work === 'i32' ? 's_ipow' : 's_pow'}(${x}, ${y})`;
      break;
    case 'max':
    case 'min':
      if (work === 'f32') used.add(`s_${op}`);
      v = work === 'f32' ? `s_${op}(${x}, ${y})` : `${op}(${x}, ${y})`;
      break;
    default:
      throw new Error(`WebGPU: no WGSL rendering for binary op '${op}'`);
  }
  return convert(v, work, t, used);
}

/** Shared subexpressions (by object identity) get a `let`, so a DAG renders in linear size. */
export interface LetBlock {
  readonly lines: string[];
  readonly names: Map<Expr, string>;
  readonly shared: Set<Expr>;
}

/** Finds the non-leaf nodes of `e` reached more than once. */
export function letBlock(e: Expr): LetBlock {
  const seen = new Set<Expr>();
  const shared = new Set<Expr>();
  const walk = (x: Expr) => {
    if (x.kind === 'input' || x.kind === 'const' || x.kind === 'index') return;
    if (seen.has(x)) {
      shared.add(x);
      return;
    }
    seen.add(x);
    if (x.kind === 'unary' || x.kind === 'cast') walk(x.x);
    else if (x.kind === 'binary') {
      walk(x.a);
      walk(x.b);
    } else {
      walk(x.cond);
      walk(x.a);
      walk(x.b);
    }
  };
  walk(e);
  return { lines: [], names: new Map(), shared };
}

/**
 * WGSL for `e`, in valueType(e.dtype). `used` collects the helper functions
 * (math.ts) the code calls; `lets` (from `letBlock(e)`) collects the `let`
 * lines to emit before the returned expression.
 */
export function renderExpr(e: Expr, ctx: ExprContext, used: Set<string>, lets: LetBlock): string {
  const named = lets.names.get(e);
  if (named) return named;
  const code = renderNode(e, ctx, used, lets);
  if (!lets.shared.has(e)) return code;
  const name = `t${lets.names.size}`;
  lets.lines.push(`let ${name} = ${code};`);
  lets.names.set(e, name);
  return name;
}

function renderNode(e: Expr, ctx: ExprContext, used: Set<string>, lets: LetBlock): string {
  const r = (x: Expr) => renderExpr(x, ctx, used, lets);
  switch (e.kind) {
    case 'input':
      return ctx.input(e.index, e.dtype);
    case 'const':
      return ctx.constant(e);
    case 'index':
      return ctx.index;
    case 'cast':
      return convert(r(e.x), valueType(e.x.dtype), valueType(e.dtype), used);
    case 'select': {
      const t = valueType(e.dtype);
      const cond = truthy(r(e.cond), valueType(e.cond.dtype), used);
      const a = convert(r(e.a), valueType(e.a.dtype), t, used);
      const b = convert(r(e.b), valueType(e.b.dtype), t, used);
      return `select(${b}, ${a}, ${cond})`;
    }
    case 'unary':
      return renderUnary(e.op, e.x, e.dtype, r, used);
    case 'binary':
      return renderBinary(e.op, e.a, e.b, e.dtype, r, used);
  }
}
