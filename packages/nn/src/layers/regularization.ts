/**
 * Regularisation helpers: weight penalties to add to a loss, and Residual
 * (x + f(x)), the skip connection that keeps deep stacks trainable.
 */
import { ShapeError, type Tensor, tidy, zeros } from '@strata/core';
import type { UnaryModule } from '../containers';
import { Module } from '../module';
import { fmtShape } from './repr';

function penalty(params: Iterable<Tensor>, term: (p: Tensor) => Tensor): Tensor {
  return tidy(() => {
    let total: Tensor | undefined;
    for (const p of params) {
      const t = term(p);
      total = total ? total.add(t) : t;
    }
    return total ?? zeros([]);
  });
}

/**
 * Σ |p| over every element of every tensor (a 0-d, differentiable tensor; the gradient at 0 is 0).
 *
 * @example
 * const loss = mseLoss(model.forward(x), y).add(l1Penalty(model.parameters()).mul(1e-4));
 */
export function l1Penalty(params: Iterable<Tensor>): Tensor {
  return penalty(params, (p) => p.abs().sum());
}

/**
 * Σ p² over every element of every tensor (a 0-d, differentiable tensor). Adding λ · l2Penalty
 * to the loss is weight decay of 2λ for plain SGD.
 *
 * @example
 * const loss = crossEntropy(logits, labels).add(l2Penalty(model.parameters()).mul(5e-4));
 */
export function l2Penalty(params: Iterable<Tensor>): Tensor {
  return penalty(params, (p) => p.square().sum());
}

/**
 * A skip connection: forward(x) = x + fn(x). fn must keep the shape. The wrapped module is the
 * child `fn`, so its parameters are named `fn.weight` and so on.
 * Shapes: input (*) → (*).
 *
 * @example
 * const block = new Residual(new Sequential(new Linear(64, 64), new ReLU(), new Linear(64, 64)));
 * block.forward(randn([8, 64])); // (8, 64)
 */
export class Residual<M extends UnaryModule = UnaryModule> extends Module {
  constructor(readonly fn: M) {
    super();
  }

  forward(x: Tensor): Tensor {
    const y = this.fn.forward(x);
    if (y.shape.length !== x.shape.length || y.shape.some((d, i) => d !== x.shape[i])) {
      if (y !== x) y.dispose();
      throw new ShapeError(
        `Residual: the wrapped ${this.fn.typeName} maps ${fmtShape(x.shape)} to ${fmtShape(y.shape)}; a residual needs the same shape`,
      );
    }
    const out = x.add(y);
    if (y !== x) y.dispose();
    return out;
  }
}

/** `residual(fn)` is `new Residual(fn)`: x + fn(x). */
export function residual<M extends UnaryModule>(fn: M): Residual<M> {
  return new Residual(fn);
}
