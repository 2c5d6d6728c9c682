import { describe, expect, it } from 'vitest';
import { arange, DTypeError, ShapeError, tensor, zeros } from '../src/index';
import { viewStrides } from '../src/ops/views';

describe('tensor creation', () => {
  it('infers shape and dtype like PyTorch', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).dtype,
    ).toBe('int32');
    expect(tensor([0.5, 1]).dtype).toBe('float32');
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor(3.5).shape).toEqual([]);
    expect(tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }).arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor([[[]]]).shape).toEqual([1, 1, 0]);
  });

  it('rejects ragged data, bad shapes and unrepresentable ints clearly', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow('tensor: shape [2, 2] needs 4 elements, but the data has 3');
    expect(() => zeros([2, -1])).toThrow(/non-negative integers/);
    expect(() => tensor([Number.NaN], { dtype: 'int32' })).toThrow(DTypeError);
  });
});

describe('views', () => {
  it('share storage and do not copy', () => {
    const x = arange(6).reshape(2, 3);
    const t = x.T;
    expect(t.shape).toEqual([3, 2]);
    expect(t.strides).toEqual([1, 3]);
    expect(t.storage).toBe(x.storage);
    expect(t.arraySync()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const s = x.slice([null, { start: 0, end: 3, step: 2 }]);
    expect(s.strides).toEqual([3, 2]);
    expect(s.arraySync()).toEqual([
      [0, 2],
      [3, 5],
    ]);
    expect(x.slice([1]).arraySync()).toEqual([3, 4, 5]);
    expect(x.narrow(1, 1, 2).arraySync()).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(x.unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(x.unsqueeze(-1).squeeze().shape).toEqual([2, 3]);
    expect(x.expand(4, 2, 3).strides).toEqual([0, 3, 1]);
  });

  it('view refuses layouts that need a copy; reshape copies then', () => {
    const t = arange(6).reshape(2, 3).T;
    expect(() => t.view(6)).toThrow(/cannot be viewed as \[6\] without a copy; use reshape\(\)/);
    const r = t.reshape(6);
    expect(r.storage).not.toBe(t.storage);
    expect(r.arraySync()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(viewStrides([2, 3], [1, 2], [6])).toBeNull();
    expect(viewStrides([4, 6], [6, 1], [2, 2, 6])).toEqual([12, 6, 1]);
    expect(viewStrides([4, 6], [12, 1], [4, 2, 3])).toEqual([12, 3, 1]); // sliced rows keep their stride
  });

  it('reshape infers -1 and reports bad sizes with both shapes', () => {
    expect(arange(12).reshape(3, -1).shape).toEqual([3, 4]);
    expect(() => arange(12).reshape(5, -1)).toThrow(
      'reshape: cannot infer -1 in [5, -1] for a tensor of shape [12] (12 elements)',
    );
    expect(() => arange(6).expand(2, 3)).toThrow(/expand: cannot expand \[6\] to \[2, 3\]/);
  });
});

describe('printing', () => {
  it('prints like PyTorch and summarises large tensors', () => {
    expect(
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'float32' },
      ).toString(),
    ).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(tensor([1, 2]).toString()).toBe('tensor([1, 2], dtype=int32)');
    expect(tensor([0.5, -1.25]).toString()).toBe('tensor([ 0.5000, -1.2500])');
    const big = arange(2000).toString();
    expect(big).toContain('...');
    expect(big.length).toBeLessThan(200);
  });
});
