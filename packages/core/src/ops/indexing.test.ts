import { describe, expect, it } from 'vitest';
import { DTypeError, gather, indexSelect, ShapeError, scatterAdd, type Tensor, tensor, zeros } from '../index';

const values = (t: Tensor) => t.arraySync();
const int = (data: number[] | number[][] | number) => tensor(data, { dtype: 'int32' });
const float = (data: number[] | number[][] | number) => tensor(data, { dtype: 'float32' });
const empty = (shape: number[]) => zeros(shape, { dtype: 'int32' });

describe('gather', () => {
  const x = () =>
    tensor([
      [1, 2],
      [3, 4],
    ]);

  it('picks along an axis, negative axes included', () => {
    expect(
      values(
        gather(
          x(),
          1,
          int([
            [0, 0],
            [1, 0],
          ]),
        ),
      ),
    ).toEqual([
      [1, 1],
      [4, 3],
    ]);
    expect(
      values(
        x().gather(
          -1,
          int([
            [0, 0],
            [1, 0],
          ]),
        ),
      ),
    ).toEqual([
      [1, 1],
      [4, 3],
    ]);
    expect(
      values(
        gather(
          x(),
          0,
          int([
            [1, 0],
            [0, 0],
          ]),
        ),
      ),
    ).toEqual([
      [3, 2],
      [1, 2],
    ]);
    expect(values(gather(x(), 1, int([[1]])))).toEqual([[2]]);
  });

  it('reads transposed inputs and indices', () => {
    expect(
      values(
        gather(
          x().T,
          1,
          int([
            [1, 0],
            [0, 1],
          ]),
        ),
      ),
    ).toEqual([
      [3, 1],
      [2, 4],
    ]);
    expect(
      values(
        gather(
          x(),
          1,
          int([
            [0, 1],
            [0, 0],
          ]).T,
        ),
      ),
    ).toEqual([
      [1, 1],
      [4, 3],
    ]);
  });

  it('handles empty and 0-d tensors', () => {
    expect(gather(x(), 1, empty([2, 0])).shape).toEqual([2, 0]);
    expect(values(gather(tensor(5), 0, int(0)))).toBe(5);
  });

  it('checks the index', () => {
    expect(() =>
      gather(
        x(),
        1,
        float([
          [0, 0],
          [0, 0],
        ]),
      ),
    ).toThrow(DTypeError);
    expect(() =>
      gather(
        x(),
        1,
        float([
          [0, 0],
          [0, 0],
        ]),
      ),
    ).toThrow(/gather: index must be int32, got float32/);
    expect(() => gather(x(), 1, int([0]))).toThrow(/gather: index \[1\] must have as many dims as the input \[2, 2\]/);
    expect(() => gather(x(), 1, int([[0], [0], [0]]))).toThrow(
      /gather: index \[3, 1\] is larger than the input \[2, 2\] in dimension 0/,
    );
    expect(() =>
      gather(
        x(),
        1,
        int([
          [2, 0],
          [0, 0],
        ]),
      ),
    ).toThrow(/gather: index 2 is out of bounds for dimension 1 with size 2/);
    expect(() => gather(x(), 2, int([[0]]))).toThrow(/gather: axis 2 is out of range/);
  });
});

describe('scatterAdd', () => {
  it('accumulates repeated indices', () => {
    expect(values(scatterAdd(zeros([3]), 0, int([0, 2, 0]), float([1, 2, 3])))).toEqual([4, 0, 2]);
    expect(
      values(
        scatterAdd(
          empty([2, 3]),
          1,
          int([
            [0, 1],
            [2, 2],
          ]),
          int([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    ).toEqual([
      [1, 2, 0],
      [0, 0, 7],
    ]);
    const base = int([
      [10, 20],
      [30, 40],
    ]);
    expect(
      values(
        scatterAdd(
          base,
          0,
          int([
            [1, 0],
            [1, 1],
          ]),
          int([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    ).toEqual([
      [10, 22],
      [34, 44],
    ]);
    expect(
      values(
        base.scatterAdd(
          -2,
          int([
            [1, 0],
            [1, 1],
          ]),
          int([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    ).toEqual([
      [10, 22],
      [34, 44],
    ]);
  });

  it('reads transposed bases and larger src', () => {
    const base = int([
      [10, 20],
      [30, 40],
    ]).T; // [[10, 30], [20, 40]]
    expect(
      values(
        scatterAdd(
          base,
          1,
          int([
            [1, 1],
            [0, 0],
          ]),
          int([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    ).toEqual([
      [10, 33],
      [27, 40],
    ]);
    expect(
      values(
        scatterAdd(
          empty([2, 2]),
          1,
          int([[0], [1]]),
          int([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ),
      ),
    ).toEqual([
      [1, 0],
      [0, 4],
    ]);
  });

  it('accumulates float16 in float32 and bool as logical or', () => {
    const half = scatterAdd(zeros([2], { dtype: 'float16' }), 0, int([0, 0, 1]), tensor([0.5, 1.5, 2.5], { dtype: 'float16' }));
    expect(half.dtype).toBe('float16');
    expect(values(half)).toEqual([2, 2.5]);
    const flags = scatterAdd(tensor([false, false, true]), 0, int([0, 0]), tensor([true, true]));
    expect(flags.dtype).toBe('bool');
    expect(values(flags)).toEqual([true, false, true]);
  });

  it('handles empty indices and 0-d tensors', () => {
    expect(values(scatterAdd(float([1, 2]), 0, empty([0]), zeros([0])))).toEqual([1, 2]);
    expect(values(scatterAdd(float(1), 0, int(0), float(2)))).toBe(3);
  });

  it('checks dtypes and shapes', () => {
    expect(() => scatterAdd(zeros([2]), 0, int([0]), int([1]))).toThrow(
      /scatterAdd: src dtype int32 must match the input's float32/,
    );
    expect(() => scatterAdd(zeros([2]), 0, float([0]), float([1]))).toThrow(/scatterAdd: index must be int32, got float32/);
    expect(() => scatterAdd(zeros([2]), 0, int([[0]]), float([1]))).toThrow(
      /scatterAdd: input \[2\], index \[1, 1\] and src \[1\] must have the same number of dims/,
    );
    expect(() => scatterAdd(zeros([2]), 0, int([0, 1]), float([1]))).toThrow(ShapeError);
    expect(() => scatterAdd(zeros([2]), 0, int([2]), float([1]))).toThrow(
      /scatterAdd: index 2 is out of bounds for dimension 0 with size 2/,
    );
  });
});

describe('indexSelect', () => {
  const x = () =>
    tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);

  it('selects rows or columns', () => {
    expect(values(indexSelect(x(), 0, int([2, 0])))).toEqual([
      [5, 6],
      [1, 2],
    ]);
    expect(values(x().indexSelect(1, int([1, 1, 0])))).toEqual([
      [2, 2, 1],
      [4, 4, 3],
      [6, 6, 5],
    ]);
    expect(values(indexSelect(x(), -1, int([1])))).toEqual([[2], [4], [6]]);
    expect(values(indexSelect(x().T, 1, int([2, 0])))).toEqual([
      [5, 1],
      [6, 2],
    ]);
    expect(values(indexSelect(x(), 0, int([0, 1, 0, 1]).slice([{ step: 2 }])))).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it('handles empty, 0-d index and 0-d input', () => {
    expect(indexSelect(x(), 0, empty([0])).shape).toEqual([0, 2]);
    expect(values(indexSelect(tensor([7, 8, 9]), 0, int(2)))).toEqual([9]);
    expect(values(indexSelect(tensor(5), 0, int([0])))).toBe(5);
  });

  it('checks the index', () => {
    expect(() => indexSelect(x(), 0, int([[0]]))).toThrow(/indexSelect: index must be 0-d or 1-d, got shape \[1, 1\]/);
    expect(() => indexSelect(x(), 0, float([0]))).toThrow(/indexSelect: index must be int32, got float32/);
    expect(() => indexSelect(x(), 0, int([3]))).toThrow(/indexSelect: index 3 is out of bounds for dimension 0 with size 3/);
    expect(() => indexSelect(tensor(5), 0, int([0, 0]))).toThrow(
      /indexSelect: a 0-d input takes exactly one index, got shape \[2\]/,
    );
  });
});
