/** Unary math: each op is its scalar expression; float-valued ones lift ints to float32. */
import { E, type Expr, type UnaryScalarOp } from '../backend/expr';
import { DTypeError } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { floatMath, mapUnary, type TensorLike } from './elementwise';
import { defineMethods } from './tensor-method';

const floatUnary =
  (op: UnaryScalarOp) =>
  (x: TensorLike): Tensor =>
    mapUnary(op, x, (v) => E.unary(op, v), floatMath);
const sameUnary =
  (op: UnaryScalarOp) =>
  (x: TensorLike): Tensor =>
    mapUnary(op, x, (v) => E.unary(op, v));

export const exp = floatUnary('exp');
export const log = floatUnary('log');
export const log1p = floatUnary('log1p');
export const expm1 = floatUnary('expm1');
export const sqrt = floatUnary('sqrt');
export const rsqrt = floatUnary('rsqrt');
export const sin = floatUnary('sin');
export const cos = floatUnary('cos');
export const tan = floatUnary('tan');
export const tanh = floatUnary('tanh');
export const erf = floatUnary('erf');
export const reciprocal = floatUnary('reciprocal');
/** Like PyTorch, negating a bool tensor is an error (it would store -1 in a bool); use logicalNot. */
export const neg = (x: TensorLike): Tensor =>
  mapUnary('neg', x, (v) => {
    if (v.dtype === 'bool')
      throw new DTypeError(`neg: negating a bool tensor is not supported; use logicalNot, or convert with .to('int32') first`);
    return E.unary('neg', v);
  });
export const abs = sameUnary('abs');
export const sign = sameUnary('sign');
/** Rounding is the identity on integer tensors. */
const rounding =
  (op: UnaryScalarOp) =>
  (x: TensorLike): Tensor =>
    mapUnary(op, x, (v) => (v.dtype === 'int32' || v.dtype === 'bool' ? v : E.unary(op, v)));
export const floor = rounding('floor');
export const ceil = rounding('ceil');
/** Rounds half to even, like torch.round. */
export const round = rounding('round');
export const trunc = rounding('trunc');

export function square(x: TensorLike): Tensor {
  return mapUnary('square', x, (v) => E.binary('mul', v, v));
}

// biome-ignore lint/suspicious/noShadowRestrictedNames: the op is named like the number test it applies elementwise.
export function isNaN(x: TensorLike): Tensor {
  return mapUnary('isNaN', x, (v) => E.unary('isnan', v));
}

// biome-ignore lint/suspicious/noShadowRestrictedNames: the op is named like the number test it applies elementwise.
export function isFinite(x: TensorLike): Tensor {
  return mapUnary('isFinite', x, (v): Expr => E.unary('isfinite', v));
}

defineMethods({
  exp,
  log,
  log1p,
  expm1,
  sqrt,
  rsqrt,
  sin,
  cos,
  tan,
  tanh,
  erf,
  reciprocal,
  neg,
  abs,
  sign,
  floor,
  ceil,
  round,
  trunc,
  square,
  isNaN,
  isFinite,
});

declare module '../tensor/tensor' {
  interface Tensor {
    exp(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    expm1(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tan(): Tensor;
    tanh(): Tensor;
    erf(): Tensor;
    reciprocal(): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    trunc(): Tensor;
    square(): Tensor;
    isNaN(): Tensor;
    isFinite(): Tensor;
  }
}
