import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  arange,
  DTypeError,
  memory,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from '../index';

const values = (t: Tensor) => t.arraySync();
const flat = (t: Tensor) => Array.from(t.dataSync());
const f32 = (data: Parameters<typeof tensor>[0]) => tensor(data, { dtype: 'float32' });
const plane = (h: number, w: number) => arange(h * w, undefined, 1, { dtype: 'float32' }).reshape(1, 1, h, w);

describe('adaptiveAvgPool2d / adaptiveMaxPool2d', () => {
  it('divisible sizes are plain pooling; 1 is global pooling', () => {
    expect(values(adaptiveAvgPool2d(plane(4, 4), 1))).toEqual([[[[7.5]]]]);
    expect(values(adaptiveAvgPool2d(plane(4, 4), [2, 2]))).toEqual([
      [
        [
          [2.5, 4.5],
          [10.5, 12.5],
        ],
      ],
    ]);
    expect(values(adaptiveMaxPool2d(plane(4, 4), 2))).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
  });

  it('uneven sizes use overlapping windows [floor(i*In/Out), ceil((i+1)*In/Out))', () => {
    expect(values(adaptiveAvgPool2d(plane(3, 3), 2))).toEqual([
      [
        [
          [2, 3],
          [5, 6],
        ],
      ],
    ]);
    const [v, i] = adaptiveMaxPool2d(plane(3, 3), 2, { returnIndices: true });
    expect(values(v)).toEqual([
      [
        [
          [4, 5],
          [7, 8],
        ],
      ],
    ]);
    expect(values(i)).toEqual(values(v));
    expect(i.dtype).toBe('int32');
    // 5 -> 3 rows: [0, 2), [1, 4), [3, 5); 2 -> 3 columns: [0, 1), [0, 2), [1, 2)
    expect(values(adaptiveAvgPool2d(plane(5, 2), [3, 3]))).toEqual([
      [
        [
          [1, 1.5, 2],
          [4, 4.5, 5],
          [7, 7.5, 8],
        ],
      ],
    ]);
    expect(values(adaptiveAvgPool2d(plane(2, 4), [null, 2]))).toEqual([
      [
        [
          [0.5, 2.5],
          [4.5, 6.5],
        ],
      ],
    ]);
  });

  it('indices of a max are flat per-plane positions; ties pick the first; -inf windows point at their start', () => {
    const x = f32([
      [
        [
          [1, 9, 9],
          [9, 0, 0],
          [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 2],
        ],
      ],
    ]);
    const [, i] = adaptiveMaxPool2d(x, [3, 1], { returnIndices: true });
    expect(values(i)).toEqual([[[[1], [3], [8]]]]);
    const [mv, mi] = adaptiveMaxPool2d(f32([[[[Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]]]]), [1, 2], {
      returnIndices: true,
    });
    expect([values(mv), values(mi)]).toEqual([[[[[Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]]]], [[[[0, 1]]]]]);
  });

  it('dtypes, unbatched input, empty batch and empty output', () => {
    expect(
      values(
        adaptiveMaxPool2d(
          tensor(
            [
              [
                [1, 7],
                [-3, 2],
              ],
            ],
            { dtype: 'int32' },
          ),
          1,
        ),
      ),
    ).toEqual([[[7]]]);
    const half = adaptiveAvgPool2d(plane(4, 4).to('float16'), 2);
    expect(half.dtype).toBe('float16');
    expect(flat(half)).toEqual([2.5, 4.5, 10.5, 12.5]);
    expect(adaptiveAvgPool2d(zeros([0, 3, 5, 5]), 2).shape).toEqual([0, 3, 2, 2]);
    const [ev, ei] = adaptiveMaxPool2d(zeros([0, 3, 5, 5]), [2, 3], { returnIndices: true });
    expect([ev.shape, ei.shape, ei.dtype]).toEqual([[0, 3, 2, 3], [0, 3, 2, 3], 'int32']);
    expect(adaptiveAvgPool2d(plane(3, 3), [0, 2]).shape).toEqual([1, 1, 0, 2]);
  });

  it('explains bad arguments', () => {
    expect(() => adaptiveAvgPool2d(plane(3, 3), -1)).toThrow(/adaptiveAvgPool2d: outputSize must be a non-negative integer/);
    expect(() => adaptiveAvgPool2d(plane(3, 3), [1, 2, 3] as unknown as [number, number])).toThrow(RangeError);
    expect(() => adaptiveMaxPool2d(zeros([1, 1, 0, 3]), 2)).toThrow(ShapeError);
    expect(() => adaptiveAvgPool2d(zeros([3, 3]), 2)).toThrow(/adaptiveAvgPool2d: expected a 3-d/);
    expect(() => adaptiveAvgPool2d(zeros([1, 1, 3, 3], { dtype: 'int32' }), 2)).toThrow(DTypeError);
    expect(() => adaptiveMaxPool2d(zeros([1, 1, 3, 3], { dtype: 'bool' }), 2)).toThrow(DTypeError);
  });
});

describe('adaptiveAvgPool1d / adaptiveMaxPool1d', () => {
  it('hand-computed with uneven windows', () => {
    const x = f32([[[1, 2, 3, 4, 5]]]);
    expect(values(adaptiveAvgPool1d(x, 2))).toEqual([[[2, 4]]]);
    expect(values(adaptiveAvgPool1d(x, 3))).toEqual([[[1.5, 3, 4.5]]]);
    const [v, i] = adaptiveMaxPool1d(x, 3, { returnIndices: true });
    expect([values(v), values(i)]).toEqual([[[[2, 4, 5]]], [[[1, 3, 4]]]]);
    expect(values(adaptiveMaxPool1d(f32([[1, 5, 3, 4, 2]]), 2))).toEqual([[5, 4]]);
    expect(values(adaptiveAvgPool1d(f32([[[1, 2]]]), 3))).toEqual([[[1, 1.5, 2]]]);
  });

  it('explains bad arguments', () => {
    expect(() => adaptiveAvgPool1d(zeros([4]), 2)).toThrow(/adaptiveAvgPool1d: expected a non-empty 2-d/);
    expect(() => adaptiveMaxPool1d(zeros([1, 1, 4]), [1, 2] as unknown as number)).toThrow(/must be a single integer/);
  });
});

it('adaptive pooling leaves memory flat inside tidy', () => {
  const x = randn([2, 3, 7, 5]);
  const before = memory();
  for (let i = 0; i < 10; i++) {
    tidy(() => {
      adaptiveMaxPool2d(x, [3, 4], { returnIndices: true });
      adaptiveAvgPool2d(x, [2, 3]);
      adaptiveAvgPool1d(x.reshape(2, 3, 35), 6);
    });
  }
  expect(memory().numTensors).toBe(before.numTensors);
  expect(memory().numBytes).toBe(before.numBytes);
  x.dispose();
});
