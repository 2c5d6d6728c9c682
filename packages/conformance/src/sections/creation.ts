/**
 * Creating tensors on the backend: from JS data (every dtype), constant fills,
 * ranges, eye and the *Like functions. Fills and ranges run as device kernels,
 * so their values are part of the backend contract.
 */
import * as S from '@strata/core';
import { tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { expectTensor } from '../compare';
import type { Harness } from '../harness';
import { tf, tfCompute } from '../oracle';

export function creationSection(h: Harness): void {
  describe('creation', () => {
    it('tensor() from nested arrays, typed arrays and scalars, in every declared dtype', async () => {
      await expectTensor(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'int32' },
      );
      await expectTensor(tensor([0.5, -1.25]), [0.5, -1.25], { dtype: 'float32' });
      await expectTensor(
        tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] }),
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        { dtype: 'float32' },
      );
      await expectTensor(tensor(2.5), [2.5], { shape: [], dtype: 'float32' });
      await expectTensor(tensor([0.1]), [Math.fround(0.1)], { dtype: 'float32' });
      await expectTensor(tensor([], { dtype: 'float32' }), [], { shape: [0] });
      await expectTensor(tensor([[], []], { dtype: 'float32' }), [], { shape: [2, 0] });
      for (const dtype of S.dtypes) {
        if (!h.supports(dtype)) continue;
        await expectTensor(
          tensor(
            [
              [0, 1],
              [1, 0],
            ],
            { dtype },
          ),
          [
            [0, 1],
            [1, 0],
          ],
          { dtype, label: `tensor(${dtype})` },
        );
      }
      if (h.supports('bool')) await expectTensor(tensor([true, false]), [1, 0], { dtype: 'bool', shape: [2] });
      if (h.supports('int32'))
        await expectTensor(tensor([2147483647, -2147483648, 2.9, -2.9], { dtype: 'int32' }), [2147483647, -2147483648, 2, -2], {
          dtype: 'int32',
        });
    });

    it('zeros, ones, full (numbers and booleans), with dtypes and empty shapes', async () => {
      await expectTensor(
        S.zeros([2, 3]),
        [
          [0, 0, 0],
          [0, 0, 0],
        ],
        { dtype: 'float32' },
      );
      await expectTensor(S.ones([3]), [1, 1, 1], { dtype: 'float32' });
      await expectTensor(
        S.full([2, 2], -1.5),
        [
          [-1.5, -1.5],
          [-1.5, -1.5],
        ],
        { dtype: 'float32' },
      );
      await expectTensor(S.full([], 7), [7], { shape: [], dtype: 'float32' });
      await expectTensor(S.full([1], Number.NaN), [Number.NaN]);
      await expectTensor(S.full([2], Number.NEGATIVE_INFINITY), [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      await expectTensor(S.zeros([0]), [], { shape: [0] });
      await expectTensor(S.ones([2, 0, 3]), [], { shape: [2, 0, 3] });
      if (h.supports('bool')) await expectTensor(S.full([2], true), [1, 1], { dtype: 'bool' });
      if (h.supports('int32')) await expectTensor(S.full([2], 3.7, { dtype: 'int32' }), [3, 3], { dtype: 'int32' });
      if (h.supports('float16')) await expectTensor(S.ones([2], { dtype: 'float16' }), [1, 1], { dtype: 'float16' });
      await expectTensor(S.zeros([1000, 1000]).sum(), [0], { shape: [] });
    });

    it('zerosLike / onesLike / fullLike keep shape and dtype (or take a new dtype)', async () => {
      const x = tensor([[1.5, 2.5, 3.5]]);
      await expectTensor(S.zerosLike(x), [[0, 0, 0]], { dtype: 'float32' });
      await expectTensor(S.onesLike(x.T), [[1], [1], [1]], { dtype: 'float32' });
      await expectTensor(S.fullLike(x, 4), [[4, 4, 4]], { dtype: 'float32' });
      if (h.supports('int32')) {
        await expectTensor(S.onesLike(tensor([1, 2], { dtype: 'int32' })), [1, 1], { dtype: 'int32' });
        await expectTensor(S.fullLike(x, 2.9, { dtype: 'int32' }), [[2, 2, 2]], { dtype: 'int32' });
      }
      if (h.supports('bool')) await expectTensor(S.zerosLike(tensor([true])), [0], { dtype: 'bool' });
    });

    it('arange: integer and float ranges, negative steps, empty ranges', async () => {
      await expectTensor(S.arange(5), [0, 1, 2, 3, 4], { dtype: 'int32' });
      await expectTensor(S.arange(2, 7, 2), [2, 4, 6], { dtype: 'int32' });
      await expectTensor(S.arange(5, 0, -2), [5, 3, 1], { dtype: 'int32' });
      await expectTensor(S.arange(0, 1, 0.25), [0, 0.25, 0.5, 0.75], { dtype: 'float32' });
      await expectTensor(S.arange(3, 3), [], { shape: [0] });
      await expectTensor(S.arange(3, 0), [], { shape: [0] });
      await expectTensor(S.arange(4, undefined, 1, { dtype: 'float32' }), [0, 1, 2, 3], { dtype: 'float32' });
      // tfjs's range accumulates in float32, so the float64 definition start + i * step is the reference.
      const ref = Array.from({ length: 26 }, (_, i) => -3.5 + i * 0.3);
      await expectTensor(S.arange(-3.5, 4.25, 0.3), ref, {
        tol: { rtol: 4 * h.eps, atol: 16 * h.eps },
        shape: [26],
        label: 'arange(-3.5, 4.25, 0.3)',
      });
      expect(() => S.arange(0, 1, 0)).toThrow(RangeError);
    });

    it('linspace: both ends included, exact last value, steps 0 and 1', async () => {
      await expectTensor(S.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1], { dtype: 'float32' });
      await expectTensor(S.linspace(-1, 1, 2), [-1, 1]);
      await expectTensor(S.linspace(0, 1, 0), [], { shape: [0] });
      await expectTensor(S.linspace(3, 10, 1), [3], { label: 'linspace(3, 10, 1) is [start], like PyTorch and NumPy' });
      // tfjs's linspace accumulates in float32; the float64 definition is the reference.
      const ref = Array.from({ length: 37 }, (_, i) => -2.5 + (i * (7.1 + 2.5)) / 36);
      const out = S.linspace(-2.5, 7.1, 37);
      await expectTensor(out, ref, { tol: { rtol: 4 * h.eps, atol: 32 * h.eps }, shape: [37], label: 'linspace(-2.5, 7.1, 37)' });
      expect((await out.data())[36]).toBe(Math.fround(7.1));
    });

    it('eye: square, rectangular and empty', async () => {
      await expectTensor(
        S.eye(3),
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        { dtype: 'float32' },
      );
      await expectTensor(S.eye(2, 4), [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
      ]);
      await expectTensor(S.eye(3, 2), tfCompute(() => tf.eye(3, 2)).values, { shape: [3, 2] });
      await expectTensor(S.eye(0), [], { shape: [0, 0] });
      await expectTensor(S.eye(2, 0), [], { shape: [2, 0] });
      await expectTensor(S.eye(64).sum(), [64], { shape: [] });
      if (h.supports('int32'))
        await expectTensor(
          S.eye(2, 2, { dtype: 'int32' }),
          [
            [1, 0],
            [0, 1],
          ],
          { dtype: 'int32' },
        );
      if (h.supports('bool'))
        await expectTensor(
          S.eye(2, 2, { dtype: 'bool' }),
          [
            [1, 0],
            [0, 1],
          ],
          { dtype: 'bool' },
        );
    });
  });
}
