import { E } from '../backend/expr';
import { DTypeError } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { elementwise, floatMath, type TensorLike } from './elementwise';
import { defineMethods } from './tensor-method';

/** a + b (broadcasting, PyTorch promotion). `alpha` scales b, like torch.add. bool + bool is logical or, as in PyTorch. */
export function add(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  return elementwise('add', [a, b], ([x, y], d) =>
    d === 'bool' ? E.binary('or', x!, y!) : E.binary('add', x!, alpha === 1 ? y! : E.binary('mul', y!, E.const(alpha, d))),
  );
}

/** a - b. Like PyTorch, two bool operands are an error (a plain subtraction would store -1 in a bool). */
export function sub(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  return elementwise('sub', [a, b], ([x, y], d) => {
    if (d === 'bool')
      throw new DTypeError(`sub: subtracting bool tensors is not supported; use logicalXor, or convert with .to('int32') first`);
    return E.binary('sub', x!, alpha === 1 ? y! : E.binary('mul', y!, E.const(alpha, d)));
  });
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  return elementwise('mul', [a, b], ([x, y]) => E.binary('mul', x!, y!));
}

/** True division: integer operands give float32 (torch.div without rounding_mode). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return elementwise('div', [a, b], ([x, y]) => E.binary('div', x!, y!), floatMath);
}

export function pow(a: TensorLike, b: TensorLike): Tensor {
  return elementwise('pow', [a, b], ([x, y]) => E.binary('pow', x!, y!));
}

export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return elementwise('minimum', [a, b], ([x, y]) => E.binary('min', x!, y!));
}

export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return elementwise('maximum', [a, b], ([x, y]) => E.binary('max', x!, y!));
}

/** Limits values to [min, max]; either bound may be omitted (null/undefined). NaN stays NaN. */
export function clamp(x: TensorLike, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new TypeError('clamp: at least one of min or max must be given');
  }
  const args: TensorLike[] = [x];
  if (min !== undefined && min !== null) args.push(min);
  if (max !== undefined && max !== null) args.push(max);
  return elementwise('clamp', args, (xs) => {
    let v = xs[0]!;
    let k = 1;
    if (min !== undefined && min !== null) v = E.select(E.unary('isnan', v), v, E.binary('max', v, xs[k++]!));
    if (max !== undefined && max !== null) v = E.select(E.unary('isnan', v), v, E.binary('min', v, xs[k]!));
    return v;
  });
}

defineMethods({ add, sub, mul, div, pow, minimum, maximum, clamp });

declare module '../tensor/tensor' {
  interface Tensor {
    add(other: TensorLike, alpha?: number): Tensor;
    sub(other: TensorLike, alpha?: number): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    pow(exponent: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor;
  }
}
