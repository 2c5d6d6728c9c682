import type { Tensor } from '@strata/core';
import '@strata/autograd';

const parameters = new WeakSet<Tensor>();

/**
 * Marks a tensor as a trainable parameter (like `nn.Parameter`): it requires
 * grad, and a Module that holds it in a property lists it in `parameters()`
 * and `stateDict()` under that property's name.
 */
export function parameter(t: Tensor, requiresGrad = true): Tensor {
  parameters.add(t);
  t.requiresGrad_(requiresGrad);
  return t;
}

export function isParameter(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && parameters.has(value as Tensor);
}
