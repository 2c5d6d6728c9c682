/**
 * Index and logic reductions and scans: argmax/argmin (first extreme, NaN
 * wins), any/all over any axes, cumsum/cumprod along every axis, against tfjs
 * and hand-computed cases.
 */
import { tensor } from '@strata/core';
import { describe, it } from 'vitest';
import { expectTensor } from '../compare';
import type { Harness } from '../harness';
import { tf, tfCompute, tfTensor, uniform } from '../oracle';

const SHAPE = [3, 4, 5];

export function argScanSection(h: Harness): void {
  describe('argmax/argmin, any/all, cumsum/cumprod', () => {
    it('argmax/argmin: first extreme index, any axis, keepDim, NaN wins; match tfjs', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const x = tensor(
        [
          [1, 5, 5, 0],
          [7, 7, -1, -1],
        ],
        { dtype: 'float32' },
      );
      await expectTensor(x.argmax(), [4], { dtype: 'int32', shape: [] });
      await expectTensor(x.argmax(1), [1, 0], { dtype: 'int32' });
      await expectTensor(x.argmin(1, true), [[3], [2]], { dtype: 'int32' });
      await expectTensor(x.argmin(0), [0, 0, 1, 1], { dtype: 'int32' });
      await expectTensor(tensor([1, Number.NaN, 3, Number.NaN]).argmax(), [1], { shape: [] });
      await expectTensor(tensor([1, Number.NaN, -3]).argmin(), [1], { shape: [] });
      const data = uniform(60, -5, 5, 77);
      const t = tensor(data, { shape: SHAPE });
      for (const axis of [0, 1, 2, -1]) {
        const max = tfCompute(() => tf.argMax(tfTensor(data, SHAPE), axis));
        await expectTensor(t.argmax(axis), max.values, { shape: max.shape, dtype: 'int32', label: `argmax ${axis}` });
        const min = tfCompute(() => tf.argMin(tfTensor(data, SHAPE), axis));
        await expectTensor(t.argmin(axis), min.values, { shape: min.shape, dtype: 'int32', label: `argmin ${axis}` });
      }
      const ofView = tfCompute(() => tf.argMax(tf.transpose(tfTensor(data, SHAPE)), 0));
      await expectTensor(t.T.argmax(0), ofView.values, { shape: ofView.shape, label: 'argmax of a view' });
    });

    it('any/all over axes match tfjs; any dtype counts != 0', async (ctx) => {
      h.requireDTypes(ctx, 'bool');
      const bits = [1, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1];
      const b = tensor(bits.map(Boolean), { shape: [2, 2, 3] });
      for (const axes of [[0], [1], [2], [0, 2], [0, 1, 2]]) {
        const tb = () => tfTensor(bits, [2, 2, 3], 'bool');
        const any = tfCompute(() => tf.any(tb(), axes));
        await expectTensor(b.any(axes), any.values, { shape: any.shape, dtype: 'bool', label: `any [${axes}]` });
        const all = tfCompute(() => tf.all(tb(), axes, true));
        await expectTensor(b.all(axes, true), all.values, { shape: all.shape, dtype: 'bool', label: `all [${axes}]` });
      }
      await expectTensor(tensor([0, 0.5, Number.NaN]).all(), [0], { dtype: 'bool', shape: [] });
      await expectTensor(tensor([0, 0.5]).any(), [1], { dtype: 'bool', shape: [] });
      await expectTensor(
        tensor(
          [
            [0, 0],
            [0, 3],
          ],
          { dtype: 'int32' },
        ).any(1),
        [false, true],
        { dtype: 'bool' },
      );
    });

    it('cumsum/cumprod along every axis match tfjs and float64', async () => {
      const data = uniform(60, 0.5, 1.5, 88);
      const x = tensor(data, { shape: SHAPE });
      for (const axis of [0, 1, 2, -1]) {
        const len = SHAPE.at(axis) as number;
        const tfAxis = (axis + SHAPE.length) % SHAPE.length; // tfjs's cumsum/cumprod take non-negative axes only
        const tol = h.reduction(len, 1.5 * len);
        await expectTensor(x.cumsum(axis), tfCompute(() => tf.cumsum(tfTensor(data, SHAPE), tfAxis)).values, {
          tol,
          shape: SHAPE,
          label: `cumsum ${axis}`,
        });
        const ptol = { rtol: 8 * len * h.eps, atol: 0 };
        await expectTensor(x.cumprod(axis), tfCompute(() => tf.cumprod(tfTensor(data, SHAPE), tfAxis)).values, {
          tol: ptol,
          shape: SHAPE,
          label: `cumprod ${axis}`,
        });
      }
      await expectTensor(
        tensor(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          { dtype: 'float32' },
        ).cumsum(1),
        [
          [1, 3, 6],
          [4, 9, 15],
        ],
      );
      await expectTensor(
        tensor(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          { dtype: 'float32' },
        ).cumprod(0),
        [
          [1, 2, 3],
          [4, 10, 18],
        ],
      );
      await expectTensor(
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          { dtype: 'float32' },
        ).T.cumsum(1),
        [
          [1, 4],
          [2, 6],
        ],
      );
      await expectTensor(tensor(2.5).cumsum(0), [2.5], { shape: [] });
      await expectTensor(tensor([1, Number.NaN, 2]).cumsum(0), [1, Number.NaN, Number.NaN]);
      if (h.supports('int32'))
        await expectTensor(tensor([1, 2, 3], { dtype: 'int32' }).cumprod(0), [1, 2, 6], { dtype: 'int32' });
      if (h.supports('bool')) await expectTensor(tensor([true, false, true]).cumsum(0), [1, 1, 2], { dtype: 'int32' });
    });
  });
}
