/**
 * Dropout: zeroes each element with probability `p` and scales the survivors
 * by 1 / (1 - p), from a seeded bernoulli mask (pass a `Generator` to
 * reproduce a mask). An identity in eval mode (`training: false`) or at p = 0.
 */
import { E } from '../backend/expr';
import { isFloat } from '../dtype';
import { runPrimitive } from '../engine';
import { DTypeError } from '../errors';
import { tidy } from '../memory';
import type { Generator } from '../random/generator';
import type { Tensor } from '../tensor/tensor';
import { bernoulli, zeros } from './creation';
import { reshape } from './views';

export interface DropoutOptions {
  /** Probability of zeroing an element, in [0, 1] (default 0.5). */
  p?: number;
  /** Applies dropout when true (default); returns x unchanged when false. */
  training?: boolean;
  /** Source of the mask (the default generator when omitted). */
  generator?: Generator;
}

/** Validates p the way every dropout user (dropout, attention) does. */
export function checkDropoutP(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability must be in [0, 1], got ${p}`);
}

/**
 * F.dropout: each element is kept with probability 1 - p and scaled by
 * 1 / (1 - p), so the expected value is unchanged. With `training: false` or
 * p = 0 it returns a new handle on x (no copy); p = 1 gives zeros.
 *
 * @example
 * dropout(ones([4]), { p: 0.5, generator: new Generator(0) }); // e.g. [2, 0, 2, 2]
 * dropout(x, { training: false });                              // x's values
 */
export function dropout(x: Tensor, options: DropoutOptions = {}): Tensor {
  x.assertAlive('dropout');
  const p = options.p ?? 0.5;
  checkDropoutP('dropout', p);
  if (!isFloat(x.dtype)) throw new DTypeError(`dropout: expects a float tensor, got ${x.dtype}; convert with .to('float32')`);
  if (options.training === false || p === 0) return reshape(x, x.shape);
  if (p === 1) return zeros(x.shape, { dtype: x.dtype, backend: x.backend });
  return tidy(() => {
    const keep = bernoulli(1 - p, {
      shape: x.shape,
      dtype: 'bool',
      backend: x.backend,
      ...(options.generator ? { generator: options.generator } : {}),
    });
    const scaled = E.binary('mul', E.input(0, x.dtype), E.const(1 / (1 - p), x.dtype));
    const expr = E.select(E.input(1, 'bool'), scaled, E.const(0, x.dtype));
    return runPrimitive('elementwise', [x, keep], { expr }, { shape: x.shape, dtype: x.dtype });
  });
}
