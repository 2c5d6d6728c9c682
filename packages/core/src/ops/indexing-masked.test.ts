import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  gather,
  indexSelect,
  maskedFill,
  maskedSelect,
  maskedSelectAsync,
  memory,
  oneHot,
  scatterAdd,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from '../index';

const values = (t: Tensor) => t.arraySync();
const int = (data: number[] | number[][] | number) => tensor(data, { dtype: 'int32' });
const float = (data: number[] | number[][] | number) => tensor(data, { dtype: 'float32' });
const empty = (shape: number[]) => zeros(shape, { dtype: 'int32' });

describe('maskedFill', () => {
  it('fills where the mask is true, broadcasting', () => {
    expect(values(maskedFill(tensor([1, 2, 3]), tensor([true, false, true]), 0))).toEqual([0, 2, 0]);
    const m = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(values(m.maskedFill(tensor([true, false]), 9))).toEqual([
      [9, 2],
      [9, 4],
    ]);
    expect(values(maskedFill(m, tensor([[true], [false]]), 9))).toEqual([
      [9, 9],
      [3, 4],
    ]);
    expect(
      values(
        maskedFill(
          tensor([1, 2]),
          tensor([
            [true, false],
            [false, true],
          ]),
          0,
        ),
      ),
    ).toEqual([
      [0, 2],
      [1, 0],
    ]);
    expect(
      values(
        maskedFill(
          m.T,
          tensor([
            [true, false],
            [false, false],
          ]),
          -1,
        ),
      ),
    ).toEqual([
      [-1, 3],
      [2, 4],
    ]);
  });

  it('casts the value to the input dtype', () => {
    const ints = maskedFill(tensor([1, 2]), tensor([true, false]), 2.7);
    expect(ints.dtype).toBe('int32');
    expect(values(ints)).toEqual([2, 2]);
    expect(values(maskedFill(float([0.5, 1.5]), tensor([false, true]), Number.NEGATIVE_INFINITY))).toEqual([
      0.5,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(values(maskedFill(float([0.5, 1.5]), tensor([false, true]), tensor(7)))).toEqual([0.5, 7]);
    expect(values(maskedFill(tensor([false, false]), tensor([false, true]), true))).toEqual([false, true]);
    const half = maskedFill(tensor([1.5, 2.5], { dtype: 'float16' }), tensor([true, false]), 0.25);
    expect(half.dtype).toBe('float16');
    expect(values(half)).toEqual([0.25, 2.5]);
  });

  it('handles empty tensors', () => {
    expect(maskedFill(zeros([0, 2]), tensor([true, false]), 1).shape).toEqual([0, 2]);
  });

  it('explains bad masks and values', () => {
    expect(() => maskedFill(tensor([1, 2]), int([1, 0]), 0)).toThrow(DTypeError);
    expect(() => maskedFill(tensor([1, 2]), int([1, 0]), 0)).toThrow(/maskedFill: mask must be bool, got int32/);
    expect(() => maskedFill(tensor([1, 2]), tensor([true, false]), tensor([1]))).toThrow(
      /maskedFill: a tensor value must be 0-d, got shape \[1\]/,
    );
    expect(() => maskedFill(tensor([1, 2]), tensor([true, false, true]), 0)).toThrow(
      /maskedFill: shapes \[2\] and \[3\] cannot broadcast/,
    );
    expect(() => maskedFill(tensor([1, 2]), tensor([true, false]), Number.NaN)).toThrow(
      /maskedFill: value NaN cannot be stored in an int32 tensor/,
    );
  });
});

describe('maskedSelect', () => {
  const m = () =>
    tensor([
      [1, 2],
      [3, 4],
    ]);

  it('returns the selected elements in row-major order', () => {
    expect(
      values(
        maskedSelect(
          m(),
          tensor([
            [true, false],
            [false, true],
          ]),
        ),
      ),
    ).toEqual([1, 4]);
    expect(values(m().maskedSelect(tensor([false, true])))).toEqual([2, 4]);
    expect(values(maskedSelect(m(), tensor([false, false])))).toEqual([]);
    expect(values(maskedSelect(m(), tensor(true)))).toEqual([1, 2, 3, 4]);
    expect(
      values(
        maskedSelect(
          m().T,
          tensor([
            [true, true],
            [false, true],
          ]),
        ),
      ),
    ).toEqual([1, 3, 4]);
    expect(
      values(
        maskedSelect(
          tensor([5, 6]),
          tensor([
            [true, false],
            [true, true],
          ]),
        ),
      ),
    ).toEqual([5, 5, 6]);
  });

  it('copies values exactly (-0, NaN) and keeps the dtype', () => {
    const out = maskedSelect(float([-0, Number.NaN, 1.5]), tensor([true, true, false]));
    const [a, b] = out.dataSync();
    expect(Object.is(a, -0)).toBe(true);
    expect(b).toBeNaN();
    const half = maskedSelect(tensor([0.5, 1.5], { dtype: 'float16' }), tensor([false, true]));
    expect(half.dtype).toBe('float16');
    expect(values(half)).toEqual([1.5]);
  });

  it('handles empty and 0-d tensors', () => {
    expect(maskedSelect(zeros([0, 3]), zeros([0, 3], { dtype: 'bool' })).shape).toEqual([0]);
    expect(values(maskedSelect(tensor(5), tensor(true)))).toEqual([5]);
  });

  it('has an async form', async () => {
    const out = await maskedSelectAsync(tensor([1, 2, 3]), tensor([false, true, true]));
    expect(await out.toArray()).toEqual([2, 3]);
  });

  it('explains bad masks', () => {
    expect(() => maskedSelect(m(), int([1, 0]))).toThrow(/maskedSelect: mask must be bool, got int32/);
    expect(() => maskedSelect(m(), tensor([true, false, true]))).toThrow(
      /maskedSelect: shapes \[2, 2\] and \[3\] cannot broadcast/,
    );
  });
});

describe('oneHot', () => {
  it('encodes int32 classes as int32', () => {
    const out = oneHot(int([0, 2]));
    expect(out.dtype).toBe('int32');
    expect(values(out)).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(values(oneHot(int([1]), 4))).toEqual([[0, 1, 0, 0]]);
    expect(values(oneHot(int([[0], [1]]), 2))).toEqual([[[1, 0]], [[0, 1]]]);
    expect(
      values(
        oneHot(
          int([
            [0, 1],
            [2, 0],
          ]).T,
          3,
        ),
      ),
    ).toEqual([
      [
        [1, 0, 0],
        [0, 0, 1],
      ],
      [
        [0, 1, 0],
        [1, 0, 0],
      ],
    ]);
    expect(values(oneHot(int(1), 3))).toEqual([0, 1, 0]);
    expect(oneHot(empty([0]), 3).shape).toEqual([0, 3]);
  });

  it('explains bad indices', () => {
    expect(() => oneHot(float([0, 1]))).toThrow(DTypeError);
    expect(() => oneHot(float([0, 1]))).toThrow(/oneHot: indices must be int32, got float32/);
    expect(() => oneHot(empty([0]))).toThrow(/oneHot: cannot infer the number of classes from an empty tensor \(shape \[0\]\)/);
    expect(() => oneHot(int([-1, 0]))).toThrow(/oneHot: class values must be non-negative, got -1/);
    expect(() => oneHot(int([0, 2]), 2)).toThrow(/oneHot: class values must be smaller than numClasses \(2\), got 2/);
    expect(() => oneHot(int([0]), -2)).toThrow(/oneHot: numClasses must be -1 \(infer\) or a non-negative integer, got -2/);
  });
});

describe('memory', () => {
  it('leaves only the results', async () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]).T;
    const mask = tensor([
      [true, false],
      [true, true],
    ]);
    const idx = int([
      [1, 0],
      [0, 1],
    ]);
    const before = memory().numTensors;
    tidy(() => {
      gather(x, 1, idx);
      scatterAdd(x, 0, idx, x);
      indexSelect(x, 1, int([1, 0, 1]));
      maskedFill(x, mask, 0);
      maskedSelect(x, mask);
      oneHot(idx);
    });
    expect(memory().numTensors).toBe(before);
    const ops = [
      () => gather(x, 1, idx),
      () => scatterAdd(tensor([false, true]), 0, int([0]), tensor([true])),
      () => indexSelect(x, 1, int([1]).slice([0])),
      () => maskedFill(x, mask, tensor(5)),
      () => maskedSelect(x, mask),
      () => oneHot(idx, 3),
    ];
    for (const op of ops) {
      const out = tidy(op);
      expect(memory().numTensors).toBe(before + 1);
      out.dispose();
      expect(memory().numTensors).toBe(before);
    }
    const selected = await maskedSelectAsync(x, mask);
    expect(values(selected)).toEqual([1, 2, 4]);
    expect(memory().numTensors).toBe(before + 1);
    selected.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
