/**
 * Renders a scalar expression (backend/expr.ts) as JavaScript source. Floats are
 * computed in float64 and rounded when stored; int32 math wraps like int32.
 */
import type { Expr } from '../backend/expr';

export const helperSource = `
function erf(x) {
  // W. J. Cody's rational approximations (Math. Comp. 23, 1969): erf directly
  // near 0, through erfc = exp(-x^2) P/Q further out; erfc(4) is below half a
  // float32 ulp of 1, so beyond 4 the result is +-1.
  const ax = Math.abs(x);
  if (ax <= 0.46875) {
    const t = x * x;
    const p = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
    const q = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683333670241;
    return x * p / q;
  }
  if (ax <= 4) {
    const p = (((((((2.15311535474403846e-8 * ax + 0.564188496988670089) * ax + 8.88314979438837594) * ax + 66.1191906371416295) * ax + 298.635138197400131) * ax + 881.952221241769090) * ax + 1712.04761263407058) * ax + 2051.07837782607147) * ax + 1230.33935479799725;
    const q = (((((((ax + 15.7449261107098347) * ax + 117.693950891312499) * ax + 537.181101862009858) * ax + 1621.38957456669019) * ax + 3290.79923573345963) * ax + 4362.61909014324716) * ax + 3439.36767414372164) * ax + 1230.33935480374942;
    const r = 1 - Math.exp(-ax * ax) * p / q;
    return x < 0 ? -r : r;
  }
  if (ax !== ax) return NaN;
  return x < 0 ? -1 : 1;
}
function roundHalfEven(x) {
  const r = Math.round(x);
  return (Math.abs(x % 1) === 0.5 && r % 2 !== 0) ? r - 1 : r;
}
`;

function literal(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '(-Infinity)';
  if (Object.is(value, -0)) return '(-0)';
  return value < 0 ? `(${value})` : String(value);
}

/**
 * `inputName(i)` is the JS expression holding input i's value at the current
 * element; `constName`, when given, names a constant instead of inlining it
 * (kernels then take constants as arguments and are reused across values).
 */
export function renderJs(e: Expr, inputName: (i: number) => string, constName?: (c: Expr) => string): string {
  const r = (x: Expr) => renderJs(x, inputName, constName);
  const int = e.dtype === 'int32';
  switch (e.kind) {
    case 'input':
      return inputName(e.index);
    case 'const':
      return constName ? constName(e) : literal(e.value);
    case 'index':
      return 'i';
    case 'cast': {
      const x = r(e.x);
      if (e.dtype === 'int32') return `(Math.trunc(${x}) | 0)`;
      if (e.dtype === 'bool') return `(${x} !== 0 ? 1 : 0)`;
      return x;
    }
    case 'select':
      return `(${r(e.cond)} ? ${r(e.a)} : ${r(e.b)})`;
    case 'unary': {
      const x = r(e.x);
      switch (e.op) {
        case 'neg':
          return int ? `((-${x}) | 0)` : `(-${x})`;
        case 'abs':
          return int ? `(Math.abs(${x}) | 0)` : `Math.abs(${x})`;
        case 'sign':
          return `Math.sign(${x})`;
        case 'exp':
        case 'log':
        case 'log1p':
        case 'expm1':
        case 'sqrt':
        case 'sin':
        case 'cos':
        case 'tan':
        case 'tanh':
        case 'floor':
        case 'ceil':
        case 'trunc':
          return `Math.${e.op}(${x})`;
        case 'rsqrt':
          return `(1 / Math.sqrt(${x}))`;
        case 'reciprocal':
          return `(1 / ${x})`;
        case 'round':
          return `roundHalfEven(${x})`;
        case 'erf':
          return `erf(${x})`;
        case 'not':
          return `(${x} ? 0 : 1)`;
        case 'isnan':
          return `(${x} !== ${x} ? 1 : 0)`;
        case 'isfinite':
          return `(Number.isFinite(${x}) ? 1 : 0)`;
      }
      break;
    }
    case 'binary': {
      const a = r(e.a);
      const b = r(e.b);
      switch (e.op) {
        case 'add':
          return int ? `((${a} + ${b}) | 0)` : `(${a} + ${b})`;
        case 'sub':
          return int ? `((${a} - ${b}) | 0)` : `(${a} - ${b})`;
        case 'mul':
          return int ? `Math.imul(${a}, ${b})` : `(${a} * ${b})`;
        case 'div':
          return int ? `(Math.trunc(${a} / ${b}) | 0)` : `(${a} / ${b})`;
        case 'pow':
          return int ? `(Math.pow(${a}, ${b}) | 0)` : `Math.pow(${a}, ${b})`;
        case 'max':
          return `Math.max(${a}, ${b})`;
        case 'min':
          return `Math.min(${a}, ${b})`;
        case 'eq':
          return `(${a} === ${b} ? 1 : 0)`;
        case 'ne':
          return `(${a} !== ${b} ? 1 : 0)`;
        case 'lt':
          return `(${a} < ${b} ? 1 : 0)`;
        case 'le':
          return `(${a} <= ${b} ? 1 : 0)`;
        case 'gt':
          return `(${a} > ${b} ? 1 : 0)`;
        case 'ge':
          return `(${a} >= ${b} ? 1 : 0)`;
        case 'and':
          return `(${a} && ${b} ? 1 : 0)`;
        case 'or':
          return `(${a} || ${b} ? 1 : 0)`;
        case 'xor':
          return `((${a} ? 1 : 0) !== (${b} ? 1 : 0) ? 1 : 0)`;
      }
    }
  }
  throw new Error(`renderJs: unhandled expression ${JSON.stringify(e)}`);
}
