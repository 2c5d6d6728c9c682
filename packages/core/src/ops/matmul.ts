/**
 * Matrix products with PyTorch's rules: 1-d operands are promoted to a matrix
 * (prepending or appending a 1 that is removed again), batch dims broadcast, and
 * transposed views go to the kernel as strides, never copied here.
 */
import { E } from '../backend/expr';
import { promoteTypes } from '../dtype';
import { assertSameBackend, runPrimitive } from '../engine';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import { broadcastShapes } from '../shape';
import type { Tensor } from '../tensor/tensor';
import { add } from './arithmetic';
import { defineMethods } from './tensor-method';
import { expand, reshape, transpose } from './views';

export function matmul(a: Tensor, b: Tensor): Tensor {
  assertSameBackend('matmul', [a, b]);
  if (a.ndim === 0 || b.ndim === 0)
    throw new ShapeError(`matmul: both operands need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.dtype === 'bool' || b.dtype === 'bool')
    throw new DTypeError(`matmul: bool tensors are not supported; convert with .to('float32')`);
  const dtype = promoteTypes(a.dtype, b.dtype);
  return tidy(() => {
    const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0] as number]) : a;
    const b2 = b.ndim === 1 ? reshape(b, [b.shape[0] as number, 1]) : b;
    const [M, K] = a2.shape.slice(-2) as [number, number];
    const [K2, N] = b2.shape.slice(-2) as [number, number];
    if (K !== K2) {
      throw new ShapeError(`matmul: inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${K} vs ${K2})`);
    }
    let batch: number[];
    try {
      batch = broadcastShapes('matmul', a2.shape.slice(0, -2), b2.shape.slice(0, -2));
    } catch {
      throw new ShapeError(
        `matmul: batch dimensions of ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} cannot broadcast (${fmtShape(a2.shape.slice(0, -2))} vs ${fmtShape(b2.shape.slice(0, -2))})`,
      );
    }
    const cast = (t: Tensor) =>
      t.dtype === dtype && dtype !== 'float16'
        ? t
        : runPrimitive(
            'elementwise',
            [t],
            { expr: E.cast(E.input(0, t.dtype), dtype === 'float16' ? 'float32' : dtype) },
            { shape: t.shape, dtype: dtype === 'float16' ? 'float32' : dtype },
          );
    const aB = expand(cast(a2), [...batch, M, K]);
    const bB = expand(cast(b2), [...batch, K, N]);
    const kernelType = dtype === 'float16' ? 'float32' : dtype;
    let out = runPrimitive('matmul', [aB, bB], {}, { shape: [...batch, M, N], dtype: kernelType });
    if (dtype === 'float16')
      out = runPrimitive('elementwise', [out], { expr: E.cast(E.input(0, 'float32'), 'float16') }, { shape: out.shape, dtype });
    // Drop the dims that 1-d operands gained.
    if (a.ndim === 1 && b.ndim === 1) return reshape(out, []);
    if (a.ndim === 1) return reshape(out, [...batch, N]);
    if (b.ndim === 1) return reshape(out, [...batch, M]);
    return out;
  });
}

/** Inner product of two 1-d tensors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`dot: needs two 1-d tensors of equal length, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  return matmul(a, b);
}

/** Outer product of two 1-d tensors: (n) x (m) -> (n, m). */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1)
    throw new ShapeError(`outer: needs two 1-d tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return tidy(() => matmul(reshape(a, [-1, 1]), reshape(b, [1, -1])));
}

/** Batched matmul of two 3-d tensors (B, M, K) @ (B, K, N); no broadcasting, like torch.bmm. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`bmm: needs 3-d tensors with equal batch size, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  return matmul(a, b);
}

/** x @ weight^T + bias, with PyTorch's weight layout (outFeatures, inFeatures). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  if (weight.ndim !== 2)
    throw new ShapeError(`linear: weight must be 2-d (outFeatures, inFeatures), got ${fmtShape(weight.shape)}`);
  if (x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new ShapeError(
      `linear: input's last dim ${x.shape[x.ndim - 1]} does not match weight ${fmtShape(weight.shape)} (inFeatures = ${weight.shape[1]})`,
    );
  }
  return tidy(() => {
    const y = matmul(x, transpose(weight, 0, 1));
    return bias ? add(y, bias) : y;
  });
}

defineMethods({ matmul, dot, outer, bmm });

declare module '../tensor/tensor' {
  interface Tensor {
    matmul(other: Tensor): Tensor;
    dot(other: Tensor): Tensor;
    outer(other: Tensor): Tensor;
    bmm(other: Tensor): Tensor;
  }
}
