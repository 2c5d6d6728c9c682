/**
 * Optimizer updates as single elementwise kernels. Written op by op, Adam's
 * update of one parameter is about a dozen kernels (each reading and writing
 * the whole tensor); as one scalar expression over its inputs it is three, on
 * every backend, because core's `elementwise` primitive takes an expression
 * (GPU backends pay per dispatch, CPU backends per pass over memory).
 * Hyperparameters stay 0-d tensor inputs (`k(value)`), so a changing lr never
 * produces a new kernel. The order of operations is the op-by-op one.
 */
import { E, type Expr, elementwise, type Tensor } from '@strata/core';
import type { Scalar } from './optimizer';

const add = (a: Expr, b: Expr) => E.binary('add', a, b);
const sub = (a: Expr, b: Expr) => E.binary('sub', a, b);
const mul = (a: Expr, b: Expr) => E.binary('mul', a, b);
const div = (a: Expr, b: Expr) => E.binary('div', a, b);

/**
 * `start + weight * (end - start)`, evaluated the way torch.lerp does (from the
 * nearer end when weight >= 0.5), as PyTorch's optimizers use for moving averages.
 */
export function lerp(start: Tensor, end: Tensor, weight: number, k: Scalar): Tensor {
  if (weight < 0.5) {
    return elementwise('lerp', [start, end, k(weight)], ([s, e, w]) => add(s as Expr, mul(sub(e as Expr, s as Expr), w as Expr)));
  }
  return elementwise('lerp', [start, end, k(1 - weight)], ([s, e, w]) =>
    sub(e as Expr, mul(sub(e as Expr, s as Expr), w as Expr)),
  );
}

/** `avg * beta + g * g * (1 - beta)`: the running average of the squared gradient. */
export function squareAverage(avg: Tensor, g: Tensor, beta: number, k: Scalar): Tensor {
  return elementwise('squareAverage', [avg, g, k(beta), k(1 - beta)], ([a, x, b, c]) =>
    add(mul(a as Expr, b as Expr), mul(mul(x as Expr, x as Expr), c as Expr)),
  );
}

/** Adam's step: `theta - m / (sqrt(v) / biasCorrection2Sqrt + eps) * stepSize`. */
export function adamUpdate(
  theta: Tensor,
  m: Tensor,
  v: Tensor,
  options: { stepSize: number; biasCorrection2Sqrt: number; eps: number },
  k: Scalar,
): Tensor {
  const { stepSize, biasCorrection2Sqrt, eps } = options;
  return elementwise('adamUpdate', [theta, m, v, k(stepSize), k(biasCorrection2Sqrt), k(eps)], ([p, mm, vv, s, c, e]) => {
    const denom = add(div(E.unary('sqrt', vv as Expr), c as Expr), e as Expr);
    return sub(p as Expr, mul(div(mm as Expr, denom), s as Expr));
  });
}
