/**
 * Joining, padding, rearranging and indexing ops (the concat, pad, gather and
 * scatterAdd primitives and the composites on them): hand cases, tfjs on
 * random inputs, strided inputs and empty tensors.
 */
import * as S from '@strata/core';
import { tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { expectTensor } from '../compare';
import type { Harness } from '../harness';
import { integers, tf, tfCompute, tfTensor, uniform } from '../oracle';

const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

export function shapeOpsSection(h: Harness): void {
  describe('join, pad, rearrange and index ops', () => {
    const a = uniform(2 * 3 * 4, -5, 5, 2000);
    const b = uniform(2 * 3 * 4, -5, 5, 2001);
    const ta = () => tensor(a, { shape: [2, 3, 4] });
    const tb = () => tensor(b, { shape: [2, 3, 4] });

    it('cat and stack along every axis match tfjs concat/stack; dtypes promote; [0] is skipped', async () => {
      for (const axis of [0, 1, 2, -1]) {
        const c = tfCompute(() => tf.concat([tfTensor(a, [2, 3, 4]), tfTensor(b, [2, 3, 4])], axis));
        await expectTensor(S.cat([ta(), tb()], axis), c.values, { shape: c.shape, label: `cat ${axis}` });
      }
      for (const axis of [0, 1, 3, -1]) {
        const s = tfCompute(() => tf.stack([tfTensor(a, [2, 3, 4]), tfTensor(b, [2, 3, 4])], (axis + 4) % 4));
        await expectTensor(S.stack([ta(), tb()], axis), s.values, { shape: s.shape, label: `stack ${axis}` });
      }
      await expectTensor(
        S.cat([ta().T, tb().T], 1),
        tfCompute(() => tf.concat([tf.transpose(tfTensor(a, [2, 3, 4])), tf.transpose(tfTensor(b, [2, 3, 4]))], 1)).values,
        {
          shape: [4, 6, 2],
          label: 'cat of views',
        },
      );
      await expectTensor(
        S.cat([tensor([1, 2], { dtype: 'float32' }), tensor([], { dtype: 'float32' }), tensor([3], { dtype: 'float32' })]),
        [1, 2, 3],
      );
      await expectTensor(S.cat([S.zeros([2, 0]), S.ones([2, 1])], 1), [[1], [1]]);
      if (h.supports('int32'))
        await expectTensor(S.cat([tensor([1], { dtype: 'int32' }), tensor([0.5])]), [1, 0.5], { dtype: 'float32' });
      expect(() => S.cat([S.zeros([2, 3]), S.zeros([3, 3])], 1)).toThrow(S.ShapeError);
    });

    it('split and chunk return views that read back correctly', async () => {
      const x = S.arange(10, undefined, 1, { dtype: 'float32' }).reshape(2, 5);
      const parts = S.split(x, 2, 1);
      expect(parts.map((p) => [...p.shape])).toEqual([
        [2, 2],
        [2, 2],
        [2, 1],
      ]);
      await expectTensor(parts[1]!, [
        [2, 3],
        [7, 8],
      ]);
      await expectTensor(S.split(x, [1, 4], 1)[1]!, [
        [1, 2, 3, 4],
        [6, 7, 8, 9],
      ]);
      const chunks = S.chunk(x, 2, 0);
      await expectTensor(chunks[1]!, [[5, 6, 7, 8, 9]]);
      await expectTensor(S.chunk(x.T, 3, 0)[2]!.add(0), [[4, 9]]);
    });

    it('pad: constant, reflect, replicate and negative (crop) match tfjs pad/mirrorPad', async () => {
      const x = tensor(a.subarray(0, 12), { shape: [3, 4] });
      const c = tfCompute(() =>
        tf.pad(
          tfTensor(a.subarray(0, 12), [3, 4]),
          [
            [2, 0],
            [1, 3],
          ],
          1.5,
        ),
      );
      await expectTensor(S.pad(x, [1, 3, 2, 0], { value: 1.5 }), c.values, { shape: c.shape, label: 'constant' });
      const r = tfCompute(() =>
        tf.mirrorPad(
          tfTensor(a.subarray(0, 12), [3, 4]),
          [
            [1, 2],
            [2, 3],
          ],
          'reflect',
        ),
      );
      await expectTensor(S.pad(x, [2, 3, 1, 2], { mode: 'reflect' }), r.values, { shape: r.shape, label: 'reflect' });
      await expectTensor(S.pad(tensor([1, 2, 3], { dtype: 'float32' }), [1, 1], { mode: 'replicate' }), [1, 1, 2, 3, 3]);
      await expectTensor(S.pad(tensor([1, 2, 3], { dtype: 'float32' }), [-1, 0]), [2, 3]);
      await expectTensor(
        S.pad(x.T, [1, 0]),
        tfCompute(() =>
          tf.pad(tf.transpose(tfTensor(a.subarray(0, 12), [3, 4])), [
            [0, 0],
            [1, 0],
          ]),
        ).values,
        {
          shape: [4, 4],
          label: 'pad of a view',
        },
      );
      await expectTensor(S.pad(S.zeros([2, 0]), [1, 1], { value: 7 }), [
        [7, 7],
        [7, 7],
      ]);
    });

    it('repeat, tile, flip and roll match tfjs tile/reverse and index arithmetic', async () => {
      const t = tfCompute(() => tf.tile(tfTensor(a, [2, 3, 4]), [2, 1, 3]));
      await expectTensor(ta().repeat(2, 1, 3), t.values, { shape: t.shape, label: 'repeat' });
      await expectTensor(S.repeat(tensor([1, 2], { dtype: 'float32' }), 2, 2), [
        [1, 2, 1, 2],
        [1, 2, 1, 2],
      ]);
      await expectTensor(
        S.tile(
          tensor(
            [
              [1, 2],
              [3, 4],
            ],
            { dtype: 'float32' },
          ),
          [2],
        ),
        [
          [1, 2, 1, 2],
          [3, 4, 3, 4],
        ],
      );
      for (const axes of [[0], [2], [0, 2], [-1, 1]]) {
        const f = tfCompute(() => tf.reverse(tfTensor(a, [2, 3, 4]), axes));
        await expectTensor(ta().flip(axes), f.values, { shape: f.shape, label: `flip ${axes}` });
      }
      await expectTensor(S.roll(tensor([1, 2, 3, 4], { dtype: 'float32' }), 1), [4, 1, 2, 3]);
      await expectTensor(
        S.roll(
          tensor(
            [
              [1, 2],
              [3, 4],
            ],
            { dtype: 'float32' },
          ),
          1,
        ),
        [
          [4, 1],
          [2, 3],
        ],
      );
      await expectTensor(
        S.roll(
          tensor(
            [
              [1, 2],
              [3, 4],
            ],
            { dtype: 'float32' },
          ),
          [1, -1],
          [0, 1],
        ),
        [
          [4, 3],
          [2, 1],
        ],
      );
      const rolled = Array.from({ length: 24 }, (_, i) => a[(i + 18) % 24] as number);
      await expectTensor(ta().roll(6), rolled, { shape: [2, 3, 4], label: 'roll flattened by 6' });
    });

    it('tril and triu (with diagonals and batches) match tfjs bandPart', async () => {
      const m = uniform(2 * 4 * 5, -1, 1, 2002);
      const x = tensor(m, { shape: [2, 4, 5] });
      const tm = () => tfTensor(m, [2, 4, 5]);
      for (const k of [-2, 0, 1]) {
        // bandPart keeps |band| entries; tril(k < 0) is x minus the band of k - 1 sub-diagonals.
        const tril = tfCompute(() =>
          k < 0 ? tf.sub(tm(), tf.linalg.bandPart(tm(), -k - 1, -1)) : tf.linalg.bandPart(tm(), -1, k),
        );
        await expectTensor(x.tril(k), tril.values, { shape: [2, 4, 5], label: `tril(${k})` });
      }
      await expectTensor(x.triu(0), tfCompute(() => tf.linalg.bandPart(tm(), 0, -1)).values, {
        shape: [2, 4, 5],
        label: 'triu(0)',
      });
      await expectTensor(x.triu(2), tfCompute(() => tf.sub(tm(), tf.linalg.bandPart(tm(), -1, 1))).values, {
        shape: [2, 4, 5],
        label: 'triu(2)',
      });
      await expectTensor(
        S.triu(
          tensor(
            [
              [1, 2],
              [3, 4],
            ],
            { dtype: 'float32' },
          ),
          1,
        ),
        [
          [0, 2],
          [0, 0],
        ],
      );
      await expectTensor(
        S.tril(
          tensor(
            [
              [1, 2],
              [3, 4],
            ],
            { dtype: 'float32' },
          ).T,
        ),
        [
          [1, 0],
          [2, 4],
        ],
      );
    });

    it('gather, indexSelect and oneHot match tfjs gather/oneHot', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const x = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'float32' },
      );
      await expectTensor(
        S.gather(
          x,
          1,
          tensor(
            [
              [0, 0],
              [1, 0],
            ],
            { dtype: 'int32' },
          ),
        ),
        [
          [1, 1],
          [4, 3],
        ],
      );
      await expectTensor(S.gather(x.T, 0, tensor([[1, 0]], { dtype: 'int32' })), [[2, 3]]);
      const idx = integers(5, 0, 3, 2003);
      const sel = tfCompute(() => tf.gather(tfTensor(a, [2, 3, 4]), tfTensor(idx, [5], 'int32'), 1));
      await expectTensor(S.indexSelect(ta(), 1, tensor(idx)), sel.values, { shape: sel.shape, label: 'indexSelect' });
      const ix = integers(7, 0, 4, 2004);
      const oh = tfCompute(() => tf.oneHot(tfTensor(ix, [7], 'int32'), 4));
      await expectTensor(S.oneHot(tensor(ix), 4), oh.values, { shape: oh.shape, label: 'oneHot' });
    });

    it('scatterAdd accumulates repeated indices', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const base = S.zeros([2, 4]);
      const index = tensor(
        [
          [0, 1, 0],
          [3, 3, 3],
        ],
        { dtype: 'int32' },
      );
      const src = tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { dtype: 'float32' },
      );
      await expectTensor(S.scatterAdd(base, 1, index, src), [
        [4, 2, 0, 0],
        [0, 0, 0, 15],
      ]);
      const n = 64;
      const idx = integers(n, 0, 8, 2005);
      const vals = integers(n, -9, 10, 2006);
      const want = new Array<number>(8).fill(0);
      idx.forEach((j, i) => {
        want[j] = (want[j] as number) + (vals[i] as number);
      });
      await expectTensor(S.scatterAdd(S.zeros([8]), 0, tensor(idx), tensor(Float32Array.from(vals))), want, {
        label: 'scatterAdd of 64 into 8',
      });
    });

    it('maskedFill and maskedSelect(Async) broadcast the mask', async (ctx) => {
      h.requireDTypes(ctx, 'bool');
      const x = tensor(iota(6), { shape: [2, 3], dtype: 'float32' });
      const mask = tensor([[true, false, true]]);
      await expectTensor(S.maskedFill(x, mask, -1), [
        [-1, 1, -1],
        [-1, 4, -1],
      ]);
      await expectTensor(await S.maskedSelectAsync(x, mask), [0, 2, 3, 5], { shape: [4] });
      await expectTensor(await S.maskedSelectAsync(x.T, tensor([[false, true]])), [3, 4, 5], { shape: [3] });
      if (h.caps.syncRead) await expectTensor(S.maskedSelect(x, S.gt(x, 2.5)), [3, 4, 5], { shape: [3] });
      else expect(() => S.maskedSelect(x, mask)).toThrow(S.BackendError);
    });
  });
}
