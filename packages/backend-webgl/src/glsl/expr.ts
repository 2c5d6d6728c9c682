/**
 * Renders core's scalar expressions (Expr) as GLSL ES 3.00. Each node becomes a
 * GLSL value of its dtype's *value type*: float for float32, int for int32
 * (GLSL ES 3.00 highp int arithmetic wraps like the CPU's `| 0`), bool for
 * bool. Mixed operands are converted to the node's dtype first, the way the CPU
 * reference computes them; see math.ts for where GLSL's builtins needed help
 * to match JavaScript's Math.
 *
 * Why GLSL and not gpu.js's JavaScript subset: gpu.js translates JS numbers
 * to GLSL floats and has no bit casts, so it cannot express int32 wrapping
 * (`(a + b) | 0` of 2^31 - 1 and 1 gave 0), ToInt32 (`3e9 | 0` gave 0), NaN
 * propagation (`Math.max(NaN, 1)` gave 1), half-to-even rounding or the
 * accuracy the conformance suite asks of expm1 and sin (measured in Chromium,
 * see the README). The rendered function is handed to gpu.js as a native
 * function and called from the kernel's JavaScript body.
 */
import type { BinaryScalarOp, DType, Expr, UnaryScalarOp } from '@strata/core';

export type ValueType = 'float' | 'int' | 'bool';

export function valueType(dtype: DType): ValueType {
  return dtype === 'int32' ? 'int' : dtype === 'bool' ? 'bool' : 'float';
}

/** What the renderer needs from the kernel around it. */
export interface ExprContext {
  /** GLSL expression for input `index`'s value at this element, in valueType(dtype). */
  input(index: number, dtype: DType): string;
  /** GLSL expression for a constant node, in valueType(dtype). */
  constant(node: Extract<Expr, { kind: 'const' }>): string;
  /** GLSL int expression for the flat output index. */
  readonly index: string;
}

/** Converts a rendered value of type `from` to `to` with the CPU's cast semantics. */
export function convert(code: string, from: ValueType, to: ValueType, used: Set<string>): string {
  if (from === to) return code;
  if (to === 'float') return from === 'int' ? `float(${code})` : `(${code} ? 1.0 : 0.0)`;
  if (to === 'int') {
    if (from === 'bool') return `(${code} ? 1 : 0)`;
    used.add('s_toint');
    return `s_toint(${code})`;
  }
  if (from === 'int') return `(${code} != 0)`;
  used.add('s_nonzero');
  return `s_nonzero(${code})`;
}

/** JavaScript truthiness (`x ? ... : ...`): 0, -0 and NaN are false. */
export function truthy(code: string, from: ValueType, used: Set<string>): string {
  if (from === 'bool') return code;
  if (from === 'int') return `(${code} != 0)`;
  used.add('s_truthy');
  return `s_truthy(${code})`;
}

const floatFunctions: Partial<Record<UnaryScalarOp, (x: string) => [string, string?]>> = {
  exp: (x) => [`s_exp(${x})`, 's_exp'],
  log: (x) => [`s_log(${x})`, 's_log'],
  log1p: (x) => [`s_log1p(${x})`, 's_log1p'],
  expm1: (x) => [`s_expm1(${x})`, 's_expm1'],
  sqrt: (x) => [`s_sqrt(${x})`, 's_sqrt'],
  sin: (x) => [`s_sin(${x})`, 's_sin'],
  cos: (x) => [`s_cos(${x})`, 's_cos'],
  tan: (x) => [`s_tan(${x})`, 's_tan'],
  tanh: (x) => [`s_tanh(${x})`, 's_tanh'],
  erf: (x) => [`s_erf(${x})`, 's_erf'],
  reciprocal: (x) => [`s_div(1.0, ${x})`, 's_div'],
  floor: (x) => [`floor(${x})`],
  ceil: (x) => [`ceil(${x})`],
  round: (x) => [`s_round(${x})`, 's_round'],
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
      return `(!${truthy(xs, xt, used)})`;
    case 'isnan':
      if (xt !== 'float') return 'false';
      used.add('s_isnan');
      return `s_isnan(${xs})`;
    case 'isfinite':
      if (xt !== 'float') return 'true';
      used.add('s_isfinite');
      return `s_isfinite(${xs})`;
    case 'rsqrt':
      used.add('s_div');
      used.add('s_sqrt');
      return convert(`s_div(1.0, s_sqrt(${convert(xs, xt, 'float', used)}))`, 'float', valueType(dtype), used);
    default:
      break;
  }
  const t = valueType(dtype);
  if (t === 'int' || (t === 'bool' && xt !== 'float')) {
    // Integer forms: exact where the op keeps integers, else through float and back.
    const xi = convert(xs, xt, 'int', used);
    let v: string | undefined;
    if (op === 'neg') v = `(-${xi})`;
    else if (op === 'abs') v = `abs(${xi})`;
    else if (op === 'sign') v = `sign(${xi})`;
    else if (op === 'floor' || op === 'ceil' || op === 'round' || op === 'trunc') v = xi;
    if (v !== undefined) return convert(v, 'int', t, used);
  }
  const f = floatFunctions[op];
  if (!f) throw new Error(`WebGL: no GLSL rendering for unary op '${op}'`);
  const [code, helper] = f(convert(xs, xt, 'float', used));
  if (helper) used.add(helper);
  return convert(code, 'float', t, used);
}

const comparisons: Partial<Record<BinaryScalarOp, string>> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

function renderBinary(op: BinaryScalarOp, a: Expr, b: Expr, dtype: DType, r: (e: Expr) => string, used: Set<string>): string {
  const at = valueType(a.dtype);
  const bt = valueType(b.dtype);
  const cmp = comparisons[op];
  if (cmp) {
    const common: ValueType = at === 'float' || bt === 'float' ? 'float' : 'int';
    const x = convert(r(a), at, common, used);
    const y = convert(r(b), bt, common, used);
    if (common === 'float') {
      // Spelled out with bit tests: an unordered compare may say NaN == NaN (SwiftShader's does).
      used.add('s_isnan');
      if (op === 'ne') return `(${x} != ${y} || s_isnan(${x}) || s_isnan(${y}))`;
      return `(${x} ${cmp} ${y} && !s_isnan(${x}) && !s_isnan(${y}))`;
    }
    return `(${x} ${cmp} ${y})`;
  }
  if (op === 'and' || op === 'or' || op === 'xor') {
    const x = truthy(r(a), at, used);
    const y = truthy(r(b), bt, used);
    return op === 'and' ? `(${x} && ${y})` : op === 'or' ? `(${x} || ${y})` : `(${x} != ${y})`;
  }
  const t = valueType(dtype);
  const work: ValueType = t === 'bool' ? 'int' : t;
  const x = convert(r(a), at, work, used);
  const y = convert(r(b), bt, work, used);
  const helper = (name: string) => {
    used.add(name);
    return `${name}(${x}, ${y})`;
  };
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
      v = helper(work === 'int' ? 's_idiv' : 's_div');
      break;
    case 'pow':
      v = helper(work === 'int' ? 's_ipow' : 's_pow');
      break;
    case 'max':
    case 'min':
      v = work === 'float' ? helper(`s_${op}`) : `${op}(${x}, ${y})`;
      break;
    default:
      throw new Error(`WebGL: no GLSL rendering for binary op '${op}'`);
  }
  return convert(v, work, t, used);
}

/** Shared subexpressions (by object identity) get a local, so a DAG renders in linear size. */
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
 * GLSL for `e`, in valueType(e.dtype). `used` collects the helper functions
 * (math.ts) the code calls; `lets` (from `letBlock(e)`) collects the local
 * declarations to emit before the returned expression.
 */
export function renderExpr(e: Expr, ctx: ExprContext, used: Set<string>, lets: LetBlock): string {
  const named = lets.names.get(e);
  if (named) return named;
  const code = renderNode(e, ctx, used, lets);
  if (!lets.shared.has(e)) return code;
  const name = `x${lets.names.size}`;
  lets.lines.push(`${valueType(e.dtype)} ${name} = ${code};`);
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
      return `(${cond} ? ${a} : ${b})`;
    }
    case 'unary':
      return renderUnary(e.op, e.x, e.dtype, r, used);
    case 'binary':
      return renderBinary(e.op, e.a, e.b, e.dtype, r, used);
  }
}
