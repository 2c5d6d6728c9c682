import type { Tensor } from '@strata/core';

export { add, contiguous, keep, onesLike, type Tensor, tidy } from '@strata/core';

export function fmtShapeOf(t: Tensor): string {
  return `[${t.shape.join(', ')}]`;
}
