import { describe, expect, it } from 'vitest';
import { DTypeError, embedding, ShapeError, tensor } from '../index';

const weight = () =>
  tensor([
    [1, 1],
    [2, 2],
    [3, 3],
  ]);

describe('embedding', () => {
  it('picks rows for indices of any shape', () => {
    expect(embedding(tensor([[0, 2]]), weight()).arraySync()).toEqual([
      [
        [1, 1],
        [3, 3],
      ],
    ]);
    expect(embedding(tensor([2, 1, 2]), weight()).arraySync()).toEqual([
      [3, 3],
      [2, 2],
      [3, 3],
    ]);
    const scalar = embedding(tensor(1), weight());
    expect(scalar.shape).toEqual([2]);
    expect(scalar.arraySync()).toEqual([2, 2]);
    expect(embedding(tensor([], { dtype: 'int32' }), weight()).shape).toEqual([0, 2]);
  });

  it('keeps the weight dtype and returns the padding row as stored', () => {
    const w = tensor(
      [
        [0.5, 1.5],
        [2.5, 3.5],
      ],
      { dtype: 'float16' },
    );
    const out = embedding(tensor([1, 0]), w, { paddingIdx: 0 });
    expect(out.dtype).toBe('float16');
    expect(out.arraySync()).toEqual([
      [2.5, 3.5],
      [0.5, 1.5],
    ]);
    expect(embedding(tensor([1]), w, { paddingIdx: -1 }).arraySync()).toEqual([[2.5, 3.5]]);
  });

  it('rejects bad indices, weights and paddingIdx', () => {
    expect(() => embedding(tensor([0.5]), weight())).toThrow(DTypeError);
    expect(() => embedding(tensor([0]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => embedding(tensor([3]), weight())).toThrow(RangeError);
    expect(() => embedding(tensor([0]), weight(), { paddingIdx: 3 })).toThrow(/paddingIdx/);
    expect(() => embedding(tensor([0]), weight(), { paddingIdx: -4 })).toThrow(/paddingIdx/);
  });
});
