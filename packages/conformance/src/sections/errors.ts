/**
 * Errors are part of the contract: shape errors name the op and every shape
 * involved, dtype errors name the dtype, and misuse (bad axes, async tidy)
 * fails with a message that says what to do.
 */
import * as S from '@strata/core';
import { tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness';

/** Runs `f`, expecting an error of `type` whose message contains every fragment. */
function expectError(f: () => unknown, type: new (...args: never[]) => Error, ...fragments: string[]): void {
  let caught: unknown;
  try {
    f();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${type.name}`).toBeInstanceOf(type);
  const message = (caught as Error).message;
  for (const fragment of fragments) expect(message, `message should mention ${fragment}`).toContain(fragment);
}

export function errorsSection(h: Harness): void {
  describe('errors', () => {
    it('elementwise shape mismatches are ShapeErrors naming the op and both shapes', () => {
      const a = S.zeros([2, 3]);
      const b = S.zeros([4]);
      expectError(() => S.add(a, b), S.ShapeError, 'add', '[2, 3]', '[4]');
      expectError(() => S.mul(a, S.zeros([3, 3])), S.ShapeError, 'mul', '[2, 3]', '[3, 3]');
      expectError(() => S.maximum(a, b), S.ShapeError, 'maximum', '[2, 3]', '[4]');
      expectError(() => S.lt(a, b), S.ShapeError, '[2, 3]', '[4]');
      expectError(() => S.where(S.zeros([5]), a, a), S.ShapeError, 'where', '[5]', '[2, 3]');
    });

    it('matmul family shape errors name the op and the shapes', () => {
      expectError(() => S.matmul(S.zeros([2, 3]), S.zeros([4, 5])), S.ShapeError, 'matmul', '[2, 3]', '[4, 5]');
      expectError(() => S.matmul(S.zeros([]), S.zeros([3])), S.ShapeError, 'matmul');
      expectError(() => S.dot(S.zeros([3]), S.zeros([4])), S.ShapeError, 'dot', '[3]', '[4]');
      expectError(() => S.outer(S.zeros([2, 2]), S.zeros([3])), S.ShapeError, 'outer', '[2, 2]');
      expectError(() => S.bmm(S.zeros([2, 3, 4]), S.zeros([3, 4, 5])), S.ShapeError, 'bmm', '[2, 3, 4]', '[3, 4, 5]');
      expectError(() => S.linear(S.zeros([2, 3]), S.zeros([4, 5])), S.ShapeError, 'linear', '[4, 5]');
    });

    // Core bug (reported): a batch-dim mismatch names only the batch shapes ("matmul: shapes [2] and [3]
    // cannot broadcast"), not the operands' shapes. Remove `.fails` once ops/matmul.ts reports them.
    it('matmul batch mismatches name both full operand shapes', () => {
      expectError(() => S.matmul(S.zeros([2, 2, 3]), S.zeros([3, 3, 4])), S.ShapeError, 'matmul', '[2, 2, 3]', '[3, 3, 4]');
    });

    it('view errors name the op, the shapes and the fix', () => {
      const x = S.zeros([2, 3]);
      expectError(() => x.reshape(4, 2), S.ShapeError, 'reshape', '[4, 2]', '[2, 3]');
      expectError(() => x.reshape(-1, -1), S.ShapeError, 'reshape');
      expectError(() => x.T.view(6), S.ShapeError, 'view', 'reshape()');
      expectError(() => x.expand(4, 3), S.ShapeError, 'expand', '[2, 3]', '[4, 3]');
      expectError(() => x.permute(0, 0), S.ShapeError, 'permute');
      expectError(() => x.slice([0, 0, 0]), S.ShapeError, 'slice');
    });

    it('bad axes are RangeErrors naming the op and the allowed range', () => {
      const x = S.zeros([2, 3]);
      expectError(() => x.sum(2), RangeError, 'sum', 'axis 2');
      expectError(() => x.mean(-3), RangeError, 'mean', 'axis -3');
      expectError(() => x.var(2), RangeError, 'var', 'axis 2');
      expectError(() => x.std(2), RangeError, 'std', 'axis 2');
      expectError(() => x.logSumExp(2), RangeError, 'logSumExp', 'axis 2');
      expectError(() => x.norm(2, 2), RangeError, 'norm', 'axis 2');
      expectError(() => x.sum([0, 0]), RangeError, 'repeated');
      expectError(() => x.argmax(5), RangeError, 'argmax');
      expectError(() => x.cumsum(2), RangeError, 'cumsum');
      expectError(() => x.narrow(1, 2, 2), RangeError, 'narrow');
    });

    it('dtype errors: matmul of bool, unknown dtypes, dtypes the backend does not declare', async (ctx) => {
      if (h.supports('bool')) expectError(() => S.matmul(tensor([[true]]), tensor([[true]])), S.DTypeError, 'matmul', 'bool');
      expect(() => tensor([1], { dtype: 'float64' as S.DType })).toThrow(/unknown dtype "float64"/);
      const missing = S.dtypes.find((d) => !h.supports(d));
      ctx.skip(missing === undefined, 'the backend declares every dtype');
      if (missing) expectError(() => S.zeros([2], { dtype: missing }), S.DTypeError, missing);
    });

    it('tidy rejects async functions', () => {
      expectError(() => S.tidy(() => Promise.resolve(1)), TypeError, 'tidy', 'Promise');
    });

    it('without syncRead, synchronous reads throw a BackendError pointing to await', (ctx) => {
      ctx.skip(h.caps.syncRead, 'the backend reads synchronously');
      expectError(() => S.zeros([2]).dataSync(), S.BackendError, 'await');
      expectError(() => S.zeros([2]).arraySync(), S.BackendError, 'await');
    });
  });
}
