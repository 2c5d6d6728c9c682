import { reshape, type Tensor } from '@strata/core';
import { noGrad } from './mode';

export { DTypeError, isFloat, Tensor } from '@strata/core';

/** A same-storage handle created without recording (detach). */
export function noGradView(t: Tensor): Tensor {
  return noGrad(() => reshape(t, t.shape));
}
