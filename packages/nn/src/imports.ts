import { noGrad } from '@strata/autograd';
import { isTensor, reshape, type Tensor } from '@strata/core';

export { isTensor, type Tensor };

/** A same-storage handle outside the autograd graph. */
export function noGradView(t: Tensor): Tensor {
  return noGrad(() => reshape(t, t.shape));
}
