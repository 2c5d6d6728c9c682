import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  memory,
  nonzero,
  nonzeroAsync,
  ShapeError,
  searchsorted,
  type Tensor,
  tensor,
  tidy,
  unique,
  uniqueAsync,
  whereIndices,
  whereIndicesAsync,
} from '../index';

const values = (t: Tensor) => t.arraySync();

describe('unique', () => {
  it('sorted distinct values, with inverse indices and counts', () => {
    expect(values(unique(tensor([3, 1, 3, 2])).values)).toEqual([1, 2, 3]);
    const r = unique(tensor([3, 1, 3]), { returnInverse: true, returnCounts: true });
    expect(values(r.values)).toEqual([1, 3]);
    expect(values(r.inverse)).toEqual([1, 0, 1]);
    expect(values(r.counts)).toEqual([1, 2]);
    expect(r.inverse.dtype).toBe('int32');
    const m = tensor([
      [2, 2],
      [0, 5],
    ]).unique({ returnInverse: true });
    expect(values(m.values)).toEqual([0, 2, 5]);
    expect(values(m.inverse)).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(m.counts).toBeUndefined();
  });

  it('types the requested outputs as present', () => {
    const r = unique(tensor([1]), { returnCounts: true });
    expectTypeOf(r.counts).toEqualTypeOf<Tensor>();
    expectTypeOf(r.inverse).toEqualTypeOf<Tensor | undefined>();
    expectTypeOf(unique(tensor([1])).values).toEqualTypeOf<Tensor>();
  });

  it('NaNs are each distinct; floats, float16, bool, 0-d and empty inputs', () => {
    const n = unique(tensor([Number.NaN, 1, Number.NaN, 1]), { returnCounts: true });
    expect(Array.from(n.values.dataSync())).toEqual([1, Number.NaN, Number.NaN]);
    expect(values(n.counts)).toEqual([2, 1, 1]);
    const h = unique(tensor([-1.5, 2, -1.5, -3], { dtype: 'float16' }));
    expect(h.values.dtype).toBe('float16');
    expect(values(h.values)).toEqual([-3, -1.5, 2]);
    expect(values(unique(tensor([true, false, true])).values)).toEqual([false, true]);
    const s = unique(tensor(4), { returnInverse: true });
    expect(values(s.values)).toEqual([4]);
    expect(s.inverse.shape).toEqual([]);
    const e = unique(tensor([], { dtype: 'float32' }), { returnInverse: true, returnCounts: true });
    expect(e.values.shape).toEqual([0]);
    expect(e.counts.shape).toEqual([0]);
  });

  it('uniqueAsync gives the same and leaves memory flat', async () => {
    const x = tensor([5, 5, 1, 7, 1]);
    const before = memory().numTensors;
    const r = await uniqueAsync(x, { returnInverse: true, returnCounts: true });
    expect(values(r.values)).toEqual([1, 5, 7]);
    expect(values(r.inverse)).toEqual([1, 1, 0, 2, 0]);
    expect(values(r.counts)).toEqual([2, 2, 1]);
    for (const t of [r.values, r.inverse, r.counts]) t.dispose();
    tidy(() => {
      unique(x, { returnInverse: true, returnCounts: true });
    });
    expect(memory().numTensors).toBe(before);
  });
});

describe('searchsorted', () => {
  it('left and right insertion points', () => {
    const seq = tensor([1, 3, 5]);
    expect(values(searchsorted(seq, tensor([0, 3, 6, 4])))).toEqual([0, 1, 3, 2]);
    expect(values(searchsorted(seq, tensor([0, 3, 6, 4]), { right: true }))).toEqual([0, 2, 3, 2]);
    expect(values(searchsorted(seq, 3))).toBe(1);
    expect(values(searchsorted(tensor([1, 2, 2, 2, 3]), tensor([[2], [2.5]]), { right: false }))).toEqual([[1], [4]]);
    expect(values(searchsorted(tensor([1, 2, 2, 2, 3]), tensor([2]), { right: true }))).toEqual([4]);
    // a NaN value goes to the end, like PyTorch
    expect(values(searchsorted(seq, tensor([Number.NaN])))).toEqual([3]);
    expect(values(searchsorted(tensor([], { dtype: 'float32' }), tensor([1, 2])))).toEqual([0, 0]);
  });

  it('n-d sequences search row by row', () => {
    const seq = tensor([
      [1, 3, 5],
      [2, 4, 6],
    ]);
    expect(
      values(
        searchsorted(
          seq,
          tensor([
            [3, 6],
            [3, 6],
          ]),
        ),
      ),
    ).toEqual([
      [1, 3],
      [1, 2],
    ]);
    expect(() => searchsorted(seq, tensor([[1], [2], [3]]))).toThrow(ShapeError);
    expect(() => searchsorted(tensor(1), tensor([1]))).toThrow(ShapeError);
  });
});

describe('nonzero / whereIndices', () => {
  it('coordinates of nonzero elements in row-major order', () => {
    const x = tensor([
      [1, 0],
      [0, 2],
    ]);
    expect(values(nonzero(x))).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(values(tensor([0, 3, 0, 4]).nonzero())).toEqual([[1], [3]]);
    expect(values(nonzero(tensor([Number.NaN, 0])))).toEqual([[0]]);
    expect(nonzero(tensor([[0, 0]])).shape).toEqual([0, 2]);
    expect(nonzero(tensor(3)).shape).toEqual([1, 0]);
    expect(nonzero(tensor(0)).shape).toEqual([0, 0]);
    const t3 = tensor([
      [
        [0, 1],
        [0, 0],
      ],
      [
        [0, 0],
        [1, 1],
      ],
    ]);
    expect(values(nonzero(t3.to('bool')))).toEqual([
      [0, 0, 1],
      [1, 1, 0],
      [1, 1, 1],
    ]);
  });

  it('whereIndices gives one index tensor per dim (torch.where(cond))', () => {
    const [rows, cols] = whereIndices(
      tensor([
        [0, 1],
        [1, 0],
      ]),
    ) as [Tensor, Tensor];
    expect(values(rows)).toEqual([0, 1]);
    expect(values(cols)).toEqual([1, 0]);
    const scalar = whereIndices(tensor(true));
    expect(scalar.length).toBe(1);
    expect(values(scalar[0] as Tensor)).toEqual([0]);
  });

  it('async forms match', async () => {
    const x = tensor([
      [0, 7],
      [7, 7],
    ]);
    expect(values(await nonzeroAsync(x))).toEqual(values(nonzero(x)));
    const cols = await whereIndicesAsync(x);
    expect(cols.map(values)).toEqual([
      [0, 1, 1],
      [1, 0, 1],
    ]);
    expect((await whereIndicesAsync(tensor(0))).map(values)).toEqual([[]]);
  });
});
