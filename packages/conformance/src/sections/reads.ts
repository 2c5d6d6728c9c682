/**
 * Reading values back: data() (async, every backend), the synchronous reads
 * where the backend declares `syncRead`, nested arrays, items, printing, and
 * reads of strided views (which materialise a copy first).
 */
import * as S from '@strata/core';
import { tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness';

export function readsSection(h: Harness): void {
  describe('reads', () => {
    it('data() returns row-major values of exactly size elements, views included', async () => {
      const x = tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { dtype: 'float32' },
      );
      expect(Array.from(await x.data())).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await x.data()).toBeInstanceOf(Float32Array);
      expect(Array.from(await x.T.data())).toEqual([1, 4, 2, 5, 3, 6]);
      expect(Array.from(await x.slice([1, { start: 1 }]).data())).toEqual([5, 6]);
      expect(Array.from(await tensor([9], { dtype: 'float32' }).expand(3).data())).toEqual([9, 9, 9]);
      expect((await S.zeros([0, 4]).data()).length).toBe(0);
      if (h.supports('int32')) expect(await tensor([1], { dtype: 'int32' }).data()).toBeInstanceOf(Int32Array);
      if (h.supports('bool')) expect(await tensor([true]).data()).toBeInstanceOf(Uint8Array);
      if (h.supports('float16')) expect(await tensor([0.5], { dtype: 'float16' }).data()).toBeInstanceOf(Float32Array);
    });

    it('toArray() nests by shape (booleans for bool); item() reads one element', async () => {
      const x = tensor([
        [1.5, 2],
        [3, 4],
      ]);
      expect(await x.toArray()).toEqual([
        [1.5, 2],
        [3, 4],
      ]);
      expect(await x.T.toArray()).toEqual([
        [1.5, 3],
        [2, 4],
      ]);
      expect(await tensor(2.5).toArray()).toBe(2.5);
      expect(await x.sum().item()).toBe(10.5);
      if (h.supports('bool')) {
        expect(await tensor([[true, false]]).toArray()).toEqual([[true, false]]);
        expect(await tensor([true]).item()).toBe(true);
      }
      await expect(x.item()).rejects.toThrow(RangeError);
    });

    it('synchronous reads agree with data() where the backend declares syncRead', async (ctx) => {
      h.requireSyncRead(ctx);
      const x = S.arange(12, undefined, 1, { dtype: 'float32' }).reshape(3, 4).T;
      expect(Array.from(x.dataSync())).toEqual(Array.from(await x.data()));
      expect(x.arraySync()).toEqual(await x.toArray());
      expect(x.sum().itemSync()).toBe(66);
      expect(
        String(
          tensor(
            [
              [1, 2],
              [3, 4],
            ],
            { dtype: 'float32' },
          ),
        ),
      ).toContain('tensor([[1., 2.]');
    });
  });
}
