/** Comparisons and logic: bool results; logical ops read any dtype as `!= 0`. */
import { type BinaryScalarOp, E } from '../backend/expr';
import type { Tensor } from '../tensor/tensor';
import { elementwise, resultDType, type TensorLike } from './elementwise';
import { defineMethods } from './tensor-method';

const compare =
  (op: BinaryScalarOp) =>
  (a: TensorLike, b: TensorLike): Tensor =>
    elementwise(op, [a, b], ([x, y]) => E.binary(op, x!, y!));
const toBool = { compute: () => 'bool' as const };
const logical =
  (op: BinaryScalarOp, name: string) =>
  (a: TensorLike, b: TensorLike): Tensor =>
    elementwise(name, [a, b], ([x, y]) => E.binary(op, x!, y!), toBool);

export const eq = compare('eq');
export const ne = compare('ne');
export const lt = compare('lt');
export const le = compare('le');
export const gt = compare('gt');
export const ge = compare('ge');
export const logicalAnd = logical('and', 'logicalAnd');
export const logicalOr = logical('or', 'logicalOr');
export const logicalXor = logical('xor', 'logicalXor');

export function logicalNot(x: TensorLike): Tensor {
  return elementwise('logicalNot', [x], ([v]) => E.unary('not', v!), toBool);
}

/** `cond ? a : b` elementwise, broadcasting all three; the result dtype promotes a and b. */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const dtype = resultDType([a, b]);
  return elementwise('where', [cond, a, b], ([c, x, y]) => E.select(E.binary('ne', c!, E.const(0, c!.dtype)), x!, y!), {
    compute: () => dtype,
  });
}

defineMethods({ eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, logicalNot });

declare module '../tensor/tensor' {
  interface Tensor {
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    logicalAnd(other: TensorLike): Tensor;
    logicalOr(other: TensorLike): Tensor;
    logicalXor(other: TensorLike): Tensor;
    logicalNot(): Tensor;
  }
}
