/**
 * softmax / logSoftmax along one axis. Both subtract the axis max first, so
 * large logits cannot overflow. A backend's fused `softmax` kernel runs when it
 * has one; otherwise the composite below (max, sub, exp, sum, div/log) runs.
 * Like PyTorch, a slice that is all -inf (or holds +inf or NaN) gives NaN.
 */
import { E } from '../backend/expr';
import type { DType } from '../dtype';
import { runFused, runPrimitive } from '../engine';
import { tidy } from '../memory';
import { normAxis } from '../shape';
import type { Tensor } from '../tensor/tensor';
import { div, sub } from './arithmetic';
import { exp, log as logOp } from './math';
import { max, sum } from './reduce';
import { defineMethods } from './tensor-method';
import { clone, reshape } from './views';

function castTo(x: Tensor, dtype: DType): Tensor {
  return runPrimitive('elementwise', [x], { expr: E.cast(E.input(0, x.dtype), dtype) }, { shape: x.shape, dtype });
}

/**
 * The softmax composite from primitives (what a backend's fused kernel must
 * match): `e = exp(x - max)`, then `e / sum(e)` or `(x - max) - log(sum(e))`.
 * `axis` must already be normalised and the axis non-empty; float32 in, float32 out.
 */
export function softmaxComposite(x: Tensor, axis: number, log: boolean): Tensor {
  return tidy(() => {
    const z = sub(x, max(x, axis, true));
    const e = exp(z);
    const s = sum(e, axis, true);
    return log ? sub(z, logOp(s)) : div(e, s);
  });
}

function softmaxCore(op: string, x: Tensor, axis: number, log: boolean): Tensor {
  x.assertAlive(op);
  const a = normAxis(axis, x.ndim, op);
  return tidy(() => {
    // Integer and float16 inputs compute in float32; float16 results are stored back as float16.
    const xf = x.dtype === 'float32' ? x : castTo(x, 'float32');
    const x1 = xf.ndim === 0 ? reshape(xf, [1]) : xf;
    const y =
      x1.size === 0
        ? clone(x1)
        : (runFused('softmax', [x1], { axis: a, log }, { shape: x1.shape, dtype: 'float32' }) ?? softmaxComposite(x1, a, log));
    const shaped = x.ndim === 0 ? reshape(y, []) : y;
    return x.dtype === 'float16' ? castTo(shaped, 'float16') : shaped;
  });
}

/**
 * `exp(x) / sum(exp(x))` along `axis` (default the last), computed stably.
 * Integer inputs give float32; float16 stays float16.
 *
 * @example
 * softmax(tensor([1, 2, 3])); // [0.0900, 0.2447, 0.6652]
 * softmax(tensor([[0, 0], [0, Math.log(3)]]), 1); // [[0.5, 0.5], [0.25, 0.75]]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return softmaxCore('softmax', x, axis, false);
}

/**
 * `log(softmax(x))` along `axis`, as `x - max - log(sum(exp(x - max)))` so it
 * stays finite where softmax underflows to 0.
 *
 * @example
 * logSoftmax(tensor([0, 0])); // [-0.6931, -0.6931]
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return softmaxCore('logSoftmax', x, axis, true);
}

defineMethods({ softmax, logSoftmax });

declare module '../tensor/tensor' {
  interface Tensor {
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
  }
}
