/**
 * Views: reshape/view, transpose/permute/T/mT, expand, slice/narrow,
 * squeeze/unsqueeze/flatten, contiguous/clone and to(dtype). Values are read
 * through the backend (strided reads and copies run kernels), compared with
 * JS index arithmetic and tfjs.
 */
import * as S from '@strata/core';
import { type Tensor, tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { expectTensor } from '../compare';
import type { Harness } from '../harness';
import { sizeOf, stridesOf, tf, tfCompute, tfTensor, uniform, unravel } from '../oracle';

/** Values of a view defined by mapping each output index to an input index. */
export function viewRef(
  data: ArrayLike<number>,
  shape: readonly number[],
  outShape: readonly number[],
  map: (out: number[]) => number[],
): number[] {
  const strides = stridesOf(shape);
  return Array.from({ length: sizeOf(outShape) }, (_, i) => {
    const src = map(unravel(i, outShape));
    return data[src.reduce((o, v, d) => o + v * (strides[d] as number), 0)] as number;
  });
}

export function permuteRef(data: ArrayLike<number>, shape: readonly number[], dims: readonly number[]): number[] {
  const outShape = dims.map((d) => shape[d] as number);
  return viewRef(data, shape, outShape, (out) => {
    const src = new Array<number>(shape.length);
    dims.forEach((d, i) => {
      src[d] = out[i] as number;
    });
    return src;
  });
}

const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

export function viewsSection(h: Harness): void {
  describe('views', () => {
    const shape = [2, 3, 4];
    const data = iota(24);
    const x = () => tensor(data, { shape, dtype: 'float32' });

    it('reshape and view keep row-major order; -1 is inferred', async () => {
      await expectTensor(x().reshape(4, 6), data, { shape: [4, 6] });
      await expectTensor(x().reshape(-1), data, { shape: [24] });
      await expectTensor(S.reshape(x(), [2, -1, 2]), data, { shape: [2, 6, 2] });
      await expectTensor(x().view(6, 4), data, { shape: [6, 4] });
      await expectTensor(S.reshape(tensor([7.5]), []), [7.5], { shape: [] });
      await expectTensor(tensor(7.5).reshape(1, 1), [[7.5]]);
      await expectTensor(S.zeros([2, 0]).reshape(0, 5), [], { shape: [0, 5] });
    });

    it('reshape of a non-contiguous view copies in logical order; view refuses', async () => {
      const t = x().transpose(0, 2); // (4, 3, 2)
      const logical = permuteRef(data, shape, [2, 1, 0]);
      await expectTensor(t.reshape(4, 6), logical, { shape: [4, 6] });
      await expectTensor(t.reshape(-1), logical, { shape: [24] });
      expect(() => t.view(24)).toThrow(S.ShapeError);
      await expectTensor(t.contiguous().view(24), logical, { shape: [24] });
    });

    it('permute matches tfjs transpose for every permutation; transpose swaps two dims', async () => {
      const perms = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
      ];
      const r = uniform(24, -1, 1, 1100);
      for (const p of perms) {
        const oracle = tfCompute(() => tf.transpose(tfTensor(r, shape), p));
        await expectTensor(tensor(r, { shape }).permute(...p), oracle.values, { shape: oracle.shape, label: `permute ${p}` });
      }
      await expectTensor(x().transpose(0, 1), permuteRef(data, shape, [1, 0, 2]), { shape: [3, 2, 4] });
      await expectTensor(x().transpose(-1, 0), permuteRef(data, shape, [2, 1, 0]), { shape: [4, 3, 2] });
      await expectTensor(x().transpose(), permuteRef(data, shape, [0, 2, 1]), { shape: [2, 4, 3] });
      await expectTensor(x().permute(-1, 0, 1), permuteRef(data, shape, [2, 0, 1]), { shape: [4, 2, 3] });
    });

    it('T reverses all dims, mT swaps the last two', async () => {
      await expectTensor(x().T, permuteRef(data, shape, [2, 1, 0]), { shape: [4, 3, 2] });
      await expectTensor(x().mT, permuteRef(data, shape, [0, 2, 1]), { shape: [2, 4, 3] });
      await expectTensor(tensor([[1, 2, 3]], { dtype: 'float32' }).T, [[1], [2], [3]]);
      await expectTensor(tensor([1, 2, 3], { dtype: 'float32' }).T, [1, 2, 3]);
      expect(() => tensor([1, 2]).mT).toThrow(S.ShapeError);
    });

    it('expand broadcasts size-1 and new leading dims (stride 0); -1 keeps a dim', async () => {
      const col = tensor([[1], [2], [3]], { dtype: 'float32' });
      await expectTensor(col.expand(3, 4), [
        [1, 1, 1, 1],
        [2, 2, 2, 2],
        [3, 3, 3, 3],
      ]);
      await expectTensor(col.expand(2, -1, 2), [
        [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
        [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
      ]);
      await expectTensor(tensor(5).expand(2, 2), [
        [5, 5],
        [5, 5],
      ]);
      await expectTensor(S.broadcastTo(tensor([1, 2], { dtype: 'float32' }), [2, 2]), [
        [1, 2],
        [1, 2],
      ]);
      await expectTensor(col.expand(3, 0), [], { shape: [3, 0] });
      await expectTensor(col.expand(3, 4).sum(1), [4, 8, 12]);
      expect(() => col.expand(4, 4)).toThrow(S.ShapeError);
    });

    it('slice: indices drop dims, ranges with steps, negative and clamped bounds', async () => {
      const t = x();
      await expectTensor(t.slice([1]), data.slice(12), { shape: [3, 4] });
      await expectTensor(t.slice([-1, 2]), [20, 21, 22, 23], { shape: [4] });
      await expectTensor(t.slice([0, 1, 2]), [6], { shape: [] });
      const want = viewRef(data, shape, [2, 2, 2], ([a, b, c]) => [a as number, 1 + (b as number), 1 + 2 * (c as number)]);
      await expectTensor(t.slice([null, { start: 1 }, { start: 1, step: 2 }]), want, { shape: [2, 2, 2] });
      await expectTensor(
        t.slice([null, { start: -2, end: 100 }]),
        viewRef(data, shape, [2, 2, 4], ([a, b, c]) => [a as number, 1 + (b as number), c as number]),
        {
          shape: [2, 2, 4],
        },
      );
      await expectTensor(t.slice([{ start: 1, end: 1 }]), [], { shape: [0, 3, 4] });
      await expectTensor(t.slice([null, { start: 2, end: 1 }]), [], { shape: [2, 0, 4] });
      const viaTf = tfCompute(() => tf.slice(tfTensor(data, shape), [1, 1, 1], [1, 2, 3]));
      await expectTensor(t.slice([{ start: 1 }, { start: 1 }, { start: 1 }]), viaTf.values, { shape: [1, 2, 3] });
      expect(() => t.slice([2])).toThrow(RangeError);
    });

    it('narrow, squeeze, unsqueeze, flatten', async () => {
      const t = x();
      await expectTensor(
        t.narrow(2, 1, 2),
        viewRef(data, shape, [2, 3, 2], ([a, b, c]) => [a as number, b as number, 1 + (c as number)]),
        { shape: [2, 3, 2] },
      );
      await expectTensor(
        t.narrow(1, -1, 1),
        viewRef(data, shape, [2, 1, 4], ([a, , c]) => [a as number, 2, c as number]),
        { shape: [2, 1, 4] },
      );
      const withOnes = tensor(iota(6), { shape: [1, 2, 1, 3], dtype: 'float32' });
      await expectTensor(withOnes.squeeze(), iota(6), { shape: [2, 3] });
      await expectTensor(withOnes.squeeze(2), iota(6), { shape: [1, 2, 3] });
      await expectTensor(withOnes.squeeze([0, 1]), iota(6), { shape: [2, 1, 3] });
      await expectTensor(t.unsqueeze(0), data, { shape: [1, 2, 3, 4] });
      await expectTensor(t.unsqueeze(-1), data, { shape: [2, 3, 4, 1] });
      await expectTensor(t.unsqueeze(2), data, { shape: [2, 3, 1, 4] });
      await expectTensor(t.flatten(), data, { shape: [24] });
      await expectTensor(t.flatten(1), data, { shape: [2, 12] });
      await expectTensor(t.flatten(0, 1), data, { shape: [6, 4] });
      await expectTensor(tensor(3.5).flatten(), [3.5], { shape: [1] });
      await expectTensor(t.T.flatten(), permuteRef(data, shape, [2, 1, 0]), { shape: [24] });
    });

    it('chains of views on views (offsets and strides compose) feed kernels correctly', async () => {
      const t = x()
        .narrow(1, 1, 2)
        .permute(2, 0, 1)
        .slice([{ step: 3 }]); // (2, 2, 2)
      const want = viewRef(data, shape, [2, 2, 2], ([a, b, c]) => [b as number, 1 + (c as number), 3 * (a as number)]);
      await expectTensor(t, want, { shape: [2, 2, 2] });
      await expectTensor(
        t.add(1),
        want.map((v) => v + 1),
        { shape: [2, 2, 2] },
      );
      await expectTensor(t.sum(2), [want[0]! + want[1]!, want[2]! + want[3]!, want[4]! + want[5]!, want[6]! + want[7]!], {
        shape: [2, 2],
      });
      await expectTensor(t.reshape(8), want, { shape: [8] });
      await expectTensor(
        S.matmul(t, t),
        [0, 1].flatMap((p) => {
          const m = want.slice(p * 4, p * 4 + 4);
          return [
            m[0]! * m[0]! + m[1]! * m[2]!,
            m[0]! * m[1]! + m[1]! * m[3]!,
            m[2]! * m[0]! + m[3]! * m[2]!,
            m[2]! * m[1]! + m[3]! * m[3]!,
          ];
        }),
        { shape: [2, 2, 2] },
      );
    });

    it('contiguous and clone copy views into new row-major storage; to(dtype) works on views', async () => {
      const t = x().permute(1, 2, 0);
      const c = t.contiguous();
      expect(S.isContiguous(c.shape, c.strides)).toBe(true);
      await expectTensor(c, permuteRef(data, shape, [1, 2, 0]), { shape: [3, 4, 2] });
      const k = t.clone();
      expect(k.dtype).toBe('float32');
      await expectTensor(k, permuteRef(data, shape, [1, 2, 0]), { shape: [3, 4, 2] });
      const src: Tensor = x();
      const copy = src.clone();
      src.dispose();
      await expectTensor(copy, data, { shape, label: 'clone outlives its source' });
      if (h.supports('int32'))
        await expectTensor(x().T.to('int32'), permuteRef(data, shape, [2, 1, 0]), { dtype: 'int32', shape: [4, 3, 2] });
    });
  });
}
