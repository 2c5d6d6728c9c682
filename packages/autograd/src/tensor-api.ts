/** PyTorch-style autograd members on Tensor: requiresGrad_, grad, backward, detach ... */

import type {} from '@strata/core';
import { type BackwardOptions, backward } from './backward';
import { ensureInfo, infoOf } from './graph';
import { DTypeError, isFloat, noGradView, Tensor } from './tensor-imports';

function requiresGradSet(t: Tensor, flag = true): Tensor {
  const info = ensureInfo(t);
  if (info.gradFn) {
    if (!flag) throw new Error('requiresGrad_: cannot turn off gradients of a non-leaf tensor; use detach() instead');
    return t;
  }
  if (flag && !isFloat(t.dtype)) {
    throw new DTypeError(
      `requiresGrad_: only floating-point tensors can require gradients, got ${t.dtype}; convert with .to('float32')`,
    );
  }
  info.requiresGrad = flag;
  return t;
}

Object.defineProperties(Tensor.prototype, {
  requiresGrad: {
    configurable: true,
    get(this: Tensor) {
      return infoOf(this)?.requiresGrad ?? false;
    },
  },
  grad: {
    configurable: true,
    get(this: Tensor) {
      return infoOf(this)?.grad;
    },
    set(this: Tensor, value: Tensor | undefined) {
      const info = ensureInfo(this);
      if (value && (value.size !== this.size || value.dtype !== this.dtype)) {
        throw new Error(
          `grad: assigned gradient [${value.shape.join(', ')}] (${value.dtype}) does not match the tensor [${this.shape.join(', ')}] (${this.dtype})`,
        );
      }
      info.grad = value;
    },
  },
  gradFn: {
    configurable: true,
    get(this: Tensor) {
      return infoOf(this)?.gradFn?.name ?? null;
    },
  },
  isLeaf: {
    configurable: true,
    get(this: Tensor) {
      return !infoOf(this)?.gradFn;
    },
  },
});

Object.assign(Tensor.prototype, {
  requiresGrad_(this: Tensor, flag = true) {
    return requiresGradSet(this, flag);
  },
  backward(this: Tensor, gradOutput?: Tensor, options?: BackwardOptions) {
    backward(this, gradOutput, options);
  },
  retainGrad(this: Tensor) {
    const info = infoOf(this);
    if (!info?.requiresGrad) throw new Error('retainGrad: the tensor does not require grad');
    if (info.gradFn) info.retainsGrad = true;
    return this;
  },
  detach(this: Tensor) {
    return noGradView(this);
  },
});

declare module '@strata/core' {
  interface TensorExtensions {
    /** Whether operations on this tensor are recorded for differentiation. */
    readonly requiresGrad: boolean;
    /** Marks a leaf tensor as a variable to differentiate with respect to (float dtypes only). */
    requiresGrad_(flag?: boolean): Tensor;
    /** Gradient accumulated by backward() (leaves, and non-leaves that called retainGrad()). */
    grad: Tensor | undefined;
    /** Name of the op that produced this tensor in the graph (null for leaves). */
    readonly gradFn: string | null;
    readonly isLeaf: boolean;
    /** Backpropagates from this tensor; a one-element tensor needs no gradOutput. */
    backward(gradOutput?: Tensor, options?: BackwardOptions): void;
    /** Makes backward() also store this non-leaf's gradient in `.grad`. */
    retainGrad(): Tensor;
    /** A new handle on the same storage that is not part of the graph. */
    detach(): Tensor;
  }
}
