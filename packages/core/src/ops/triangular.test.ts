import { describe, expect, it } from 'vitest';
import { arange, memory, ShapeError, type Tensor, tensor, tidy, tril, triu, zeros } from '../index';

const values = (t: Tensor) => t.arraySync();
const m = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]);

describe('tril / triu', () => {
  it('keeps the lower triangle', () => {
    expect(values(tril(m()))).toEqual([
      [1, 0, 0],
      [4, 5, 0],
      [7, 8, 9],
    ]);
    expect(values(tril(m(), 1))).toEqual([
      [1, 2, 0],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(values(m().tril(-1))).toEqual([
      [0, 0, 0],
      [4, 0, 0],
      [7, 8, 0],
    ]);
  });

  it('keeps the upper triangle', () => {
    expect(values(triu(m()))).toEqual([
      [1, 2, 3],
      [0, 5, 6],
      [0, 0, 9],
    ]);
    expect(values(triu(m(), 1))).toEqual([
      [0, 2, 3],
      [0, 0, 6],
      [0, 0, 0],
    ]);
    expect(values(m().triu(-1))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [0, 8, 9],
    ]);
  });

  it('handles rectangular, transposed and batched inputs', () => {
    const r = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(values(tril(r))).toEqual([
      [1, 0, 0],
      [4, 5, 0],
    ]);
    expect(values(triu(r))).toEqual([
      [1, 2, 3],
      [0, 5, 6],
    ]);
    expect(values(tril(r.T))).toEqual([
      [1, 0],
      [2, 5],
      [3, 6],
    ]);
    expect(values(triu(r.T))).toEqual([
      [1, 4],
      [0, 5],
      [0, 0],
    ]);
    const batch = arange(1, 9).reshape(2, 2, 2); // [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    expect(values(tril(batch))).toEqual([
      [
        [1, 0],
        [3, 4],
      ],
      [
        [5, 0],
        [7, 8],
      ],
    ]);
    expect(values(triu(batch, 1))).toEqual([
      [
        [0, 2],
        [0, 0],
      ],
      [
        [0, 6],
        [0, 0],
      ],
    ]);
  });

  it('takes diagonals beyond the matrix', () => {
    expect(values(tril(m(), 100))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(values(tril(m(), -100))).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(values(triu(m(), 100))).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(values(triu(m(), -3))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
  });

  it('keeps dtypes and zeroes NaNs outside the triangle', () => {
    const f = tensor([
      [0.5, Number.NaN],
      [Number.NaN, 1.5],
    ]);
    expect(values(tril(f))).toEqual([
      [0.5, 0],
      [Number.NaN, 1.5],
    ]);
    const b = tril(
      tensor([
        [true, true],
        [true, true],
      ]),
    );
    expect(b.dtype).toBe('bool');
    expect(values(b)).toEqual([
      [true, false],
      [true, true],
    ]);
    const h = triu(
      tensor(
        [
          [1.5, 2.5],
          [3.5, 4.5],
        ],
        { dtype: 'float16' },
      ),
    );
    expect(h.dtype).toBe('float16');
    expect(values(h)).toEqual([
      [1.5, 2.5],
      [0, 4.5],
    ]);
  });

  it('handles empty matrices', () => {
    expect(tril(zeros([0, 3])).shape).toEqual([0, 3]);
    expect(triu(zeros([2, 3, 0])).shape).toEqual([2, 3, 0]);
  });

  it('explains bad inputs', () => {
    expect(() => tril(tensor([1, 2]))).toThrow(ShapeError);
    expect(() => tril(tensor([1, 2]))).toThrow(/tril: input must have at least 2 dims, got shape \[2\]/);
    expect(() => triu(m(), 0.5)).toThrow(/triu: diagonal must be an integer, got 0.5/);
  });

  it('leaks nothing', () => {
    const x = m();
    const before = memory().numTensors;
    tidy(() => {
      tril(x.T);
      triu(x, 1);
    });
    expect(memory().numTensors).toBe(before);
    const kept = tidy(() => [tril(x.T), triu(x, 1)]);
    expect(memory().numTensors).toBe(before + 2);
    for (const t of kept) t.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
