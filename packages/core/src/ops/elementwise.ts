/**
 * The one path every elementwise op takes: promote dtypes like PyTorch, broadcast
 * the tensor operands (as recorded `expand` views, so autograd sums gradients
 * back), fold JS scalars into the expression as constants, and run the
 * `elementwise` primitive with the op's scalar expression.
 */
import { E, type Expr } from '../backend/expr';
import { type DType, promoteTypes, promoteWithScalar, scalarDType } from '../dtype';
import { assertSameBackend, fromStorageArray, runPrimitive } from '../engine';
import { broadcastShapes, shapesEqual } from '../shape';
import { isTensor, type Tensor } from '../tensor/tensor';
import { expand } from './views';

/** An operand: a tensor, or a plain number/boolean that broadcasts like a 0-d tensor. */
export type TensorLike = Tensor | number | boolean;

export interface ElementwiseRule {
  /** dtype the math runs in, from the promoted operand dtype (default: unchanged). */
  compute?: (promoted: DType) => DType;
  /** dtype of the result, from the compute dtype (default: the expression's own dtype). */
  result?: (compute: DType) => DType;
}

/** int/bool operands of float math (exp, div, sigmoid ...) become float32, as in PyTorch. */
export const floatMath: ElementwiseRule = { compute: (d) => (d === 'float16' ? 'float16' : 'float32') };

export function resultDType(args: readonly TensorLike[]): DType {
  let tensorType: DType | undefined;
  let scalarType: DType | undefined;
  for (const a of args) {
    if (isTensor(a)) tensorType = tensorType ? promoteTypes(tensorType, a.dtype) : a.dtype;
    else {
      const s = scalarDType(a);
      scalarType = scalarType ? promoteTypes(scalarType, s) : s;
    }
  }
  if (!tensorType) return scalarType ?? 'float32';
  return scalarType ? promoteWithScalar(tensorType, scalarType) : tensorType;
}

function scalarTensor(value: number | boolean): Tensor {
  const dtype = scalarDType(value);
  const data =
    dtype === 'float32'
      ? new Float32Array([Number(value)])
      : dtype === 'int32'
        ? new Int32Array([Number(value)])
        : new Uint8Array([Number(value)]);
  return fromStorageArray(data, [], dtype);
}

export function elementwise(
  op: string,
  args: readonly TensorLike[],
  build: (xs: Expr[], dtype: DType) => Expr,
  rule: ElementwiseRule = {},
): Tensor {
  // All-scalar calls (add(1, 2)) still return a tensor: lift the first scalar.
  if (!args.some(isTensor) && args.length > 0) {
    const lifted = scalarTensor(args[0] as number | boolean);
    try {
      return elementwise(op, [lifted, ...args.slice(1)], build, rule);
    } finally {
      lifted.dispose();
    }
  }
  const promoted = resultDType(args);
  const computeType = rule.compute ? rule.compute(promoted) : promoted;
  const tensors = args.filter(isTensor);
  assertSameBackend(op, tensors);
  const shape = broadcastShapes(op, ...tensors.map((t) => t.shape));
  let k = 0;
  const xs = args.map((a) => (isTensor(a) ? E.cast(E.input(k++, a.dtype), computeType) : E.const(Number(a), computeType)));
  let expr = build(xs, computeType);
  const outType = rule.result ? rule.result(computeType) : expr.dtype;
  expr = E.cast(expr, outType);
  const views = tensors.map((t) => (shapesEqual(t.shape, shape) ? t : expand(t, shape)));
  try {
    return runPrimitive('elementwise', views, { expr }, { shape, dtype: outType });
  } finally {
    for (const v of views) if (!tensors.includes(v)) v.dispose();
  }
}

/** Elementwise map of one tensor with an expression builder (used by composites). */
export function mapUnary(op: string, x: TensorLike, build: (x: Expr, dtype: DType) => Expr, rule: ElementwiseRule = {}): Tensor {
  return elementwise(op, [x], ([v], d) => build(v as Expr, d), rule);
}
