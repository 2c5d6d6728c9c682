/**
 * Activation functions as scalar expressions (PyTorch's definitions and default
 * parameters). Each is one fused elementwise kernel on every backend.
 */
import { E, type Expr } from '../backend/expr';
import type { Tensor } from '../tensor/tensor';
import { floatMath, mapUnary, type TensorLike } from './elementwise';
import { defineMethods } from './tensor-method';

/** A constant in the dtype of the expression it meets, so float16 math stays float16. */
const c = (value: number, like: Expr) => E.const(value, like.dtype);
const add = (a: Expr, b: Expr) => E.binary('add', a, b);
const mul = (a: Expr, b: Expr) => E.binary('mul', a, b);
const clip = (x: Expr, lo: number, hi: number) => E.binary('min', E.binary('max', x, c(lo, x)), c(hi, x));
const sigmoidExpr = (x: Expr) => E.binary('div', c(1, x), add(c(1, x), E.unary('exp', E.unary('neg', x))));
const softplusExpr = (x: Expr, beta: number, threshold: number) => {
  const bx = mul(x, c(beta, x));
  // Above the threshold softplus(x) == x to float precision; also avoids exp overflow.
  return E.select(E.binary('gt', bx, c(threshold, x)), x, E.binary('div', E.unary('log1p', E.unary('exp', bx)), c(beta, x)));
};
const float = (op: string, x: TensorLike, f: (v: Expr) => Expr) => mapUnary(op, x, f, floatMath);

export const sigmoid = (x: TensorLike): Tensor => float('sigmoid', x, sigmoidExpr);
export const relu = (x: TensorLike): Tensor => mapUnary('relu', x, (v) => E.binary('max', v, E.const(0, v.dtype)));
export const relu6 = (x: TensorLike): Tensor => float('relu6', x, (v) => clip(v, 0, 6));
export const leakyRelu = (x: TensorLike, negativeSlope = 0.01): Tensor =>
  float('leakyRelu', x, (v) => E.select(E.binary('gt', v, c(0, v)), v, mul(v, c(negativeSlope, v))));
export const elu = (x: TensorLike, alpha = 1): Tensor =>
  float('elu', x, (v) => E.select(E.binary('gt', v, c(0, v)), v, mul(c(alpha, v), E.unary('expm1', v))));

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
export const selu = (x: TensorLike): Tensor =>
  float('selu', x, (v) =>
    mul(c(SELU_SCALE, v), E.select(E.binary('gt', v, c(0, v)), v, mul(c(SELU_ALPHA, v), E.unary('expm1', v)))),
  );

export type GeluApproximate = 'none' | 'tanh';
/** GELU: exact `x * Φ(x)` via erf, or the tanh approximation (`approximate: 'tanh'`). */
export const gelu = (x: TensorLike, options: { approximate?: GeluApproximate } = {}): Tensor =>
  float('gelu', x, (v) => {
    if (options.approximate === 'tanh') {
      const inner = mul(c(Math.sqrt(2 / Math.PI), v), add(v, mul(c(0.044715, v), mul(v, mul(v, v)))));
      return mul(mul(c(0.5, v), v), add(c(1, v), E.unary('tanh', inner)));
    }
    return mul(mul(c(0.5, v), v), add(c(1, v), E.unary('erf', mul(v, c(Math.SQRT1_2, v)))));
  });
export const silu = (x: TensorLike): Tensor => float('silu', x, (v) => mul(v, sigmoidExpr(v)));
export const softplus = (x: TensorLike, options: { beta?: number; threshold?: number } = {}): Tensor =>
  float('softplus', x, (v) => softplusExpr(v, options.beta ?? 1, options.threshold ?? 20));
export const mish = (x: TensorLike): Tensor => float('mish', x, (v) => mul(v, E.unary('tanh', softplusExpr(v, 1, 20))));
/** relu6(x + 3) / 6 */
export const hardSigmoid = (x: TensorLike): Tensor =>
  float('hardSigmoid', x, (v) => E.binary('div', clip(add(v, c(3, v)), 0, 6), c(6, v)));
/** x * relu6(x + 3) / 6 */
export const hardSwish = (x: TensorLike): Tensor =>
  float('hardSwish', x, (v) => mul(v, E.binary('div', clip(add(v, c(3, v)), 0, 6), c(6, v))));

defineMethods({ sigmoid, relu, relu6, leakyRelu, elu, selu, gelu, silu, softplus, mish, hardSigmoid, hardSwish });

declare module '../tensor/tensor' {
  interface Tensor {
    sigmoid(): Tensor;
    relu(): Tensor;
    relu6(): Tensor;
    leakyRelu(negativeSlope?: number): Tensor;
    elu(alpha?: number): Tensor;
    selu(): Tensor;
    gelu(options?: { approximate?: GeluApproximate }): Tensor;
    silu(): Tensor;
    softplus(options?: { beta?: number; threshold?: number }): Tensor;
    mish(): Tensor;
    hardSigmoid(): Tensor;
    hardSwish(): Tensor;
  }
}
