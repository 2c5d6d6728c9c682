/**
 * Symbolic differentiation of core's scalar expressions. The `elementwise`
 * primitive evaluates one expression per element, so its gradient with respect
 * to input k is another elementwise expression: gradOut * d(expr)/d(input k),
 * built here and run through the same primitive (hence differentiable again,
 * which gives higher-order gradients for free).
 *
 * Conventions at non-differentiable points: abs'(0) = 0 (sign), max/min
 * against a constant use the strict comparison (relu'(0) = 0, like PyTorch),
 * max/min of two tensors split the gradient evenly on ties (like PyTorch).
 */
import { E, type Expr } from '@strata/core';

type D = Expr | null; // null is an exact zero

const isFloatExpr = (e: Expr) => e.dtype === 'float32' || e.dtype === 'float16';
const c = (v: number, like: Expr) => E.const(v, like.dtype === 'float16' ? 'float16' : 'float32');

function mul(a: D, b: D): D {
  if (!a || !b) return null;
  if (a.kind === 'const' && a.value === 1) return b;
  if (b.kind === 'const' && b.value === 1) return a;
  return E.binary('mul', a, b);
}
function add(a: D, b: D): D {
  if (!a) return b;
  if (!b) return a;
  return E.binary('add', a, b);
}
function neg(a: D): D {
  return a ? E.unary('neg', a) : null;
}
function div(a: D, b: Expr): D {
  return a ? E.binary('div', a, b) : null;
}
function select(cond: Expr, a: D, b: D, like: Expr): D {
  if (!a && !b) return null;
  return E.select(cond, a ?? c(0, like), b ?? c(0, like));
}

/** d(e)/d(input k), or null when it is identically zero. */
export function differentiate(e: Expr, k: number): D {
  if (!isFloatExpr(e) && e.kind !== 'cast') return null;
  switch (e.kind) {
    case 'input':
      return e.index === k ? c(1, e) : null;
    case 'const':
    case 'index':
      return null;
    case 'cast':
      return isFloatExpr(e) && isFloatExpr(e.x) ? differentiate(e.x, k) : null;
    case 'select':
      return select(e.cond, differentiate(e.a, k), differentiate(e.b, k), e);
    case 'unary': {
      const dx = differentiate(e.x, k);
      if (!dx) return null;
      const x = e.x;
      switch (e.op) {
        case 'neg':
          return neg(dx);
        case 'abs':
          return mul(dx, E.unary('sign', x));
        case 'exp':
          return mul(dx, e);
        case 'expm1':
          return mul(dx, E.unary('exp', x));
        case 'log':
          return div(dx, x);
        case 'log1p':
          return div(dx, E.binary('add', c(1, x), x));
        case 'sqrt':
          return div(dx, E.binary('mul', c(2, x), e));
        case 'rsqrt':
          // d x^-1/2 = -1/2 x^-3/2 = -0.5 * rsqrt(x) / x
          return mul(dx, E.binary('div', E.binary('mul', c(-0.5, x), e), x));
        case 'reciprocal':
          return neg(mul(dx, E.binary('mul', e, e)));
        case 'sin':
          return mul(dx, E.unary('cos', x));
        case 'cos':
          return neg(mul(dx, E.unary('sin', x)));
        case 'tan':
          return mul(dx, E.binary('add', c(1, x), E.binary('mul', e, e)));
        case 'tanh':
          return mul(dx, E.binary('sub', c(1, x), E.binary('mul', e, e)));
        case 'erf':
          return mul(dx, E.binary('mul', c(2 / Math.sqrt(Math.PI), x), E.unary('exp', E.unary('neg', E.binary('mul', x, x)))));
        case 'sign':
        case 'floor':
        case 'ceil':
        case 'round':
        case 'trunc':
        case 'not':
        case 'isnan':
        case 'isfinite':
          return null;
      }
      return null;
    }
    case 'binary': {
      const { a, b } = e;
      const da = differentiate(a, k);
      const db = differentiate(b, k);
      if (!da && !db) return null;
      switch (e.op) {
        case 'add':
          return add(da, db);
        case 'sub':
          return add(da, neg(db));
        case 'mul':
          return add(mul(da, b), mul(a, db));
        case 'div':
          // (a/b)' = a'/b - a b'/b^2 = (a' - e b') / b
          return div(add(da, neg(mul(e, db))), b);
        case 'pow': {
          // d a^b = b a^(b-1) a' + a^b ln(a) b'  (the second term is 0 where a^b = 0, like PyTorch)
          const viaBase = da ? mul(da, E.binary('mul', b, E.binary('pow', a, E.binary('sub', b, c(1, b))))) : null;
          const viaExp = db
            ? mul(db, E.select(E.binary('eq', e, c(0, e)), c(0, e), E.binary('mul', e, E.unary('log', a))))
            : null;
          return add(viaBase, viaExp);
        }
        case 'max':
        case 'min': {
          const isMax = e.op === 'max';
          const wins = (p: Expr, q: Expr) => E.binary(isMax ? 'gt' : 'lt', p, q);
          if (b.kind === 'const') return select(wins(a, b), da, null, e);
          if (a.kind === 'const') return select(wins(b, a), db, null, e);
          const half = (d: D) => (d ? E.binary('mul', d, c(0.5, e)) : null);
          return select(wins(a, b), da, select(wins(b, a), db, add(half(da), half(db)), e), e);
        }
        default:
          return null; // comparisons and logic have zero gradient
      }
    }
  }
}
