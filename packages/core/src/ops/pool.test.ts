import { describe, expect, it } from 'vitest';
import {
  arange,
  avgPool1d,
  avgPool2d,
  DTypeError,
  full,
  maxPool1d,
  maxPool2d,
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
/** arange as an (1, 1, h, w) plane: each value is its own flat index, so max values and indices coincide. */
const plane = (h: number, w: number) => arange(h * w, undefined, 1, { dtype: 'float32' }).reshape(1, 1, h, w);

describe('maxPool2d', () => {
  it('hand-computed: default stride = kernel, with indices', () => {
    expect(values(maxPool2d(plane(4, 4), 2))).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    const [v, i] = maxPool2d(plane(4, 4), 2, { returnIndices: true });
    expect(values(v)).toEqual(values(i));
    expect(i.dtype).toBe('int32');
  });

  it('ceil mode: extra windows only where they start inside the input or left padding', () => {
    expect(values(maxPool2d(plane(5, 5), 2, { ceilMode: true }))).toEqual([
      [
        [
          [6, 8, 9],
          [16, 18, 19],
          [21, 23, 24],
        ],
      ],
    ]);
    expect(maxPool2d(plane(6, 6), 3, { stride: 2 }).shape).toEqual([1, 1, 2, 2]);
    expect(values(maxPool2d(plane(6, 6), 3, { stride: 2, ceilMode: true }))).toEqual([
      [
        [
          [14, 16, 17],
          [26, 28, 29],
          [32, 34, 35],
        ],
      ],
    ]);
    // (5 + 2 - 2 + 1) / 2 + 1 = 4 windows in ceil mode, but the 4th would start in the right padding: 3.
    expect(values(maxPool2d(plane(5, 5), 2, { padding: 1, ceilMode: true }))).toEqual([
      [
        [
          [0, 2, 4],
          [10, 12, 14],
          [20, 22, 24],
        ],
      ],
    ]);
  });

  it('pads with -inf, dilates, and reports flat per-plane indices', () => {
    const neg = arange(9, undefined, 1, { dtype: 'float32' }).add(1).neg().reshape(1, 1, 3, 3); // -1 .. -9
    const [v, i] = maxPool2d(neg, 3, { stride: 1, padding: 1, returnIndices: true });
    expect(values(v)).toEqual([
      [
        [
          [-1, -1, -2],
          [-1, -1, -2],
          [-4, -4, -5],
        ],
      ],
    ]);
    expect(values(i)).toEqual([
      [
        [
          [0, 0, 1],
          [0, 0, 1],
          [3, 3, 4],
        ],
      ],
    ]);
    expect(values(maxPool2d(plane(4, 4), 2, { stride: 1, dilation: 2 }))).toEqual([
      [
        [
          [10, 11],
          [14, 15],
        ],
      ],
    ]);
    const [, pi] = maxPool2d(plane(4, 5), [2, 3], { stride: [2, 1], padding: [1, 1], returnIndices: true });
    expect(values(pi)).toEqual([
      [
        [
          [1, 2, 3, 4, 4],
          [11, 12, 13, 14, 14],
          [16, 17, 18, 19, 19],
        ],
      ],
    ]);
  });

  it('all -inf windows: value -inf, index of the first in-bounds element (like PyTorch); NaN propagates', () => {
    const [v, i] = maxPool2d(full([1, 1, 2, 2], Number.NEGATIVE_INFINITY), 2, { stride: 1, padding: 1, returnIndices: true });
    expect(flat(v)).toEqual(new Array(9).fill(Number.NEGATIVE_INFINITY));
    expect(values(i)).toEqual([
      [
        [
          [0, 0, 1],
          [0, 0, 1],
          [2, 2, 3],
        ],
      ],
    ]);
    expect(
      values(
        maxPool2d(
          f32([
            [
              [
                [1, Number.NaN],
                [3, 2],
              ],
            ],
          ]),
          2,
        ),
      ),
    ).toEqual([[[[Number.NaN]]]]);
  });

  it('int32 and float16 keep their dtype; unbatched input; empty batch', () => {
    const ints = tensor(
      [
        [
          [
            [1, 5],
            [3, -2],
          ],
        ],
      ],
      { dtype: 'int32' },
    );
    expect(values(maxPool2d(ints, 2, { padding: 1 }))).toEqual([
      [
        [
          [1, 5],
          [3, -2],
        ],
      ],
    ]);
    const half = maxPool2d(plane(4, 4).to('float16'), 2);
    expect(half.dtype).toBe('float16');
    expect(flat(half)).toEqual([5, 7, 13, 15]);
    expect(values(maxPool2d(plane(2, 2).reshape(1, 2, 2), 2))).toEqual([[[3]]]);
    const [ev, ei] = maxPool2d(zeros([0, 3, 4, 4]), 2, { returnIndices: true });
    expect([ev.shape, ei.shape]).toEqual([
      [0, 3, 2, 2],
      [0, 3, 2, 2],
    ]);
  });

  it('explains bad arguments', () => {
    const x = zeros([1, 1, 4, 4]);
    expect(() => maxPool2d(x, 2, { padding: 2 })).toThrow(
      /maxPool2d: padding \[2, 2\] must be at most half the kernel size \[2, 2\]/,
    );
    expect(() => maxPool2d(zeros([1, 1, 2, 2]), 3)).toThrow(ShapeError);
    expect(() => maxPool2d(zeros([1, 1, 2, 2]), 3)).toThrow(/input \[1, 1, 2, 2\] is too small for kernel \[3, 3\]/);
    expect(() => maxPool2d(x, 2, { stride: 0 })).toThrow(/maxPool2d: stride must be integers >= 1/);
    expect(() => maxPool2d(zeros([4, 4]), 2)).toThrow(/maxPool2d: expected a 3-d \(C, H, W\) or 4-d/);
    expect(() => maxPool2d(zeros([1, 0, 4, 4]), 2)).toThrow(/only the batch dim/);
    expect(() => maxPool2d(zeros([1, 1, 4, 4], { dtype: 'bool' }), 2)).toThrow(DTypeError);
  });
});

describe('avgPool2d', () => {
  it('hand-computed: plain, ceil mode, padding with and without countIncludePad, divisorOverride', () => {
    expect(values(avgPool2d(plane(4, 4), 2))).toEqual([
      [
        [
          [2.5, 4.5],
          [10.5, 12.5],
        ],
      ],
    ]);
    expect(values(avgPool2d(plane(3, 3), 2, { ceilMode: true }))).toEqual([
      [
        [
          [2, 3.5],
          [6.5, 8],
        ],
      ],
    ]);
    expect(values(avgPool2d(plane(3, 3), 2, { padding: 1 }))).toEqual([
      [
        [
          [0, 0.75],
          [2.25, 6],
        ],
      ],
    ]);
    expect(values(avgPool2d(plane(3, 3), 2, { padding: 1, countIncludePad: false }))).toEqual([
      [
        [
          [0, 1.5],
          [4.5, 6],
        ],
      ],
    ]);
    expect(values(avgPool2d(plane(3, 3), 2, { divisorOverride: 2 }))).toEqual([[[[4]]]]);
    expect(flat(avgPool2d(plane(4, 4), 3, { stride: 1, padding: 1, countIncludePad: false })).slice(0, 4)).toEqual([
      2.5, 3, 4, 4.5,
    ]);
  });

  it('float16, empty batch, rejects integer input and bad divisors', () => {
    expect(avgPool2d(plane(4, 4).to('float16'), 2).dtype).toBe('float16');
    expect(avgPool2d(zeros([0, 2, 4, 4]), 2).shape).toEqual([0, 2, 2, 2]);
    expect(() => avgPool2d(zeros([1, 1, 4, 4], { dtype: 'int32' }), 2)).toThrow(DTypeError);
    expect(() => avgPool2d(plane(4, 4), 2, { divisorOverride: 0 })).toThrow(/divisorOverride must be a non-zero integer/);
    expect(() => avgPool2d(plane(4, 4), 3, { padding: 2 })).toThrow(/avgPool2d: padding \[2, 2\] must be at most half/);
  });
});

describe('maxPool1d / avgPool1d', () => {
  const x = () => f32([[[1, 3, 2, 5, 4]]]);

  it('hand-computed, with indices, stride, ceil mode and padding', () => {
    expect(values(maxPool1d(x(), 2))).toEqual([[[3, 5]]]);
    const [v, i] = maxPool1d(x(), 2, { stride: 1, returnIndices: true });
    expect([values(v), values(i)]).toEqual([[[[3, 3, 5, 5]]], [[[1, 1, 3, 3]]]]);
    expect(values(maxPool1d(x(), 2, { ceilMode: true }))).toEqual([[[3, 5, 4]]]);
    expect(values(maxPool1d(x(), 2, { dilation: 2, stride: 1 }))).toEqual([[[2, 5, 4]]]);
    const y = f32([[1, 3, 2, 6]]); // unbatched (C, L)
    expect(values(avgPool1d(y, 2))).toEqual([[2, 4]]);
    expect(values(avgPool1d(y, 2, { padding: 1 }))).toEqual([[0.5, 2.5, 3]]);
    expect(values(avgPool1d(y, 2, { padding: 1, countIncludePad: false }))).toEqual([[1, 2.5, 6]]);
  });

  it('explains bad arguments', () => {
    expect(() => maxPool1d(zeros([5]), 2)).toThrow(/maxPool1d: expected a non-empty 2-d/);
    expect(() => avgPool1d(zeros([1, 1, 2]), 3)).toThrow(/avgPool1d: input/);
    expect(() => maxPool1d(x(), 2, { padding: 2 })).toThrow(/maxPool1d: padding/);
  });
});

it('pooling leaves memory flat inside tidy', () => {
  const x = randn([2, 3, 7, 7]);
  const before = memory();
  for (let i = 0; i < 10; i++) {
    tidy(() => {
      maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true });
      avgPool2d(x.to('float16'), 2, { countIncludePad: false, padding: 1 });
      maxPool1d(x.reshape(2, 3, 49), 4, { returnIndices: true });
    });
  }
  expect(memory().numTensors).toBe(before.numTensors);
  expect(memory().numBytes).toBe(before.numBytes);
  x.dispose();
});
