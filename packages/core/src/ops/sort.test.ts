import { describe, expect, it } from 'vitest';
import { argsort, sort, type Tensor, tensor, topk } from '../index';

const values = (t: Tensor) => t.arraySync();

describe('sort / argsort', () => {
  it('sorts along the last axis, ascending or descending, with indices', () => {
    const { values: v, indices } = sort(tensor([3, 1, 2]));
    expect(values(v)).toEqual([1, 2, 3]);
    expect(values(indices)).toEqual([1, 2, 0]);
    expect(indices.dtype).toBe('int32');
    const d = sort(tensor([3, 1, 2]), { descending: true });
    expect(values(d.values)).toEqual([3, 2, 1]);
    expect(values(d.indices)).toEqual([0, 2, 1]);
    expect(values(argsort(tensor([3, 1, 2])))).toEqual([1, 2, 0]);
    expect(values(tensor([3, 1, 2]).argsort({ descending: true }))).toEqual([0, 2, 1]);
  });

  it('sorts along any axis, including strided views', () => {
    const x = tensor([
      [3, 1],
      [2, 4],
      [1, 0],
    ]);
    expect(values(x.sort({ axis: 0 }).values)).toEqual([
      [1, 0],
      [2, 1],
      [3, 4],
    ]);
    expect(values(x.sort({ axis: 0 }).indices)).toEqual([
      [2, 2],
      [1, 0],
      [0, 1],
    ]);
    expect(values(x.T.sort().values)).toEqual([
      [1, 2, 3],
      [0, 1, 4],
    ]);
  });

  it('is stable (ties keep their order) and puts NaN last ascending, first descending', () => {
    expect(values(argsort(tensor([2, 1, 2, 1])))).toEqual([1, 3, 0, 2]);
    expect(values(argsort(tensor([2, 1, 2, 1]), { descending: true, stable: true }))).toEqual([0, 2, 1, 3]);
    const nan = tensor([Number.NaN, 1, 0]);
    const up = sort(nan);
    expect(Array.from(up.values.dataSync())).toEqual([0, 1, Number.NaN]);
    expect(values(up.indices)).toEqual([2, 1, 0]);
    expect(Array.from(sort(nan, { descending: true }).values.dataSync())).toEqual([Number.NaN, 1, 0]);
  });

  it('float16 sorts by value (not by its storage bits), bool and 0-d inputs', () => {
    const half = sort(tensor([-1, 2, -3, 0.5], { dtype: 'float16' }));
    expect(half.values.dtype).toBe('float16');
    expect(values(half.values)).toEqual([-3, -1, 0.5, 2]);
    expect(values(half.indices)).toEqual([2, 0, 3, 1]);
    expect(values(sort(tensor([true, false, true])).values)).toEqual([false, true, true]);
    const scalar = sort(tensor(5));
    expect(scalar.values.shape).toEqual([]);
    expect(values(scalar.indices)).toBe(0);
    expect(values(argsort(tensor([[]]), { axis: 1 }))).toEqual([[]]);
  });
});

describe('topk', () => {
  it('the k largest or smallest values with indices', () => {
    const r = topk(tensor([1, 5, 3, 4]), 2);
    expect(values(r.values)).toEqual([5, 4]);
    expect(values(r.indices)).toEqual([1, 3]);
    const s = tensor([1, 5, 3, 4]).topk(3, { largest: false });
    expect(values(s.values)).toEqual([1, 3, 4]);
    expect(values(s.indices)).toEqual([0, 2, 3]);
    const m = topk(
      tensor([
        [1, 9],
        [8, 2],
        [5, 5],
      ]),
      1,
      { axis: 0 },
    );
    expect(values(m.values)).toEqual([[8, 9]]);
    expect(values(m.indices)).toEqual([[1, 0]]);
    expect(topk(tensor([1, 2]), 0).values.shape).toEqual([0]);
    expect(values(topk(tensor([1, Number.NaN, 3]), 1).indices)).toEqual([1]);
  });

  it('rejects k out of range', () => {
    expect(() => topk(tensor([1, 2]), 3)).toThrow(/k \(3\)/);
    expect(() => topk(tensor([1, 2]), -1)).toThrow(RangeError);
    expect(() => topk(tensor([1, 2]), 1, { axis: 1 })).toThrow(/axis/);
  });
});
