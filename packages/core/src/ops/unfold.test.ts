import { describe, expect, it } from 'vitest';
import { arange, DTypeError, fold, memory, ones, ShapeError, type Tensor, tensor, tidy, unfold, zeros } from '../index';

const values = (t: Tensor) => t.arraySync();
const grid = (n: number, shape: number[]) => arange(n, undefined, 1, { dtype: 'float32' }).reshape(...shape);

describe('unfold', () => {
  it('extracts 2x2 blocks of a 3x3 plane (rows are kernel slots, columns blocks)', () => {
    const x = grid(9, [1, 1, 3, 3]);
    expect(values(unfold(x, 2))).toEqual([
      [
        [0, 1, 3, 4],
        [1, 2, 4, 5],
        [3, 4, 6, 7],
        [4, 5, 7, 8],
      ],
    ]);
  });

  it('orders rows channel-major, then kernel row, then kernel column', () => {
    const x = grid(8, [1, 2, 2, 2]);
    // one 2x2 block per channel, a 1x2 kernel gives 2 blocks per channel
    expect(values(unfold(x, [1, 2]))).toEqual([
      [
        [0, 2],
        [1, 3],
        [4, 6],
        [5, 7],
      ],
    ]);
  });

  it('zero padding, stride and dilation', () => {
    const x = grid(9, [1, 1, 3, 3]);
    expect(values(unfold(x, 2, { padding: 1, stride: 2 }))).toEqual([
      [
        [0, 0, 0, 4],
        [0, 0, 3, 5],
        [0, 1, 0, 7],
        [0, 2, 6, 8],
      ],
    ]);
    expect(values(unfold(x, 2, { dilation: 2 }))).toEqual([[[0], [2], [6], [8]]]);
    expect(values(unfold(x, [1, 3], { padding: [0, 1], stride: [2, 3] }))).toEqual([
      [
        [0, 0],
        [0, 6],
        [1, 7],
      ],
    ]);
  });

  it('takes unbatched (C, H, W) input, any dtype, strided views and an empty batch', () => {
    expect(unfold(grid(9, [1, 3, 3]), 2).shape).toEqual([4, 4]);
    expect(
      values(
        unfold(
          tensor([
            [
              [1, 2],
              [3, 4],
            ],
          ]),
          2,
        ),
      ),
    ).toEqual([[1], [2], [3], [4]]);
    const t = grid(9, [1, 1, 3, 3]).permute(0, 1, 3, 2); // transposed plane
    expect(values(unfold(t, 2).reshape(4, 4))).toEqual([
      [0, 3, 1, 4],
      [3, 6, 4, 7],
      [1, 4, 2, 5],
      [4, 7, 5, 8],
    ]);
    expect(unfold(zeros([0, 2, 3, 3]), 2).shape).toEqual([0, 8, 4]);
    expect(unfold(tensor([[[0.5, 1.5]]], { dtype: 'float16' }), [1, 1], { padding: [1, 0] }).arraySync()).toEqual([
      [0, 0, 0.5, 1.5, 0, 0],
    ]);
  });

  it('explains bad arguments', () => {
    const x = zeros([1, 1, 3, 3]);
    expect(() => unfold(x, 4)).toThrow(ShapeError);
    expect(() => unfold(x, 4)).toThrow(/unfold: the 3x3 plane .* smaller than the kernel 4x4/);
    expect(() => unfold(x, 2, { dilation: 3 })).toThrow(/dilation 3x3, so 4x4 wide/);
    expect(() => unfold(zeros([3, 3]), 2)).toThrow(/3-d \(C, H, W\) or 4-d/);
    expect(() => unfold(x, 0)).toThrow(RangeError);
    expect(() => unfold(x, 2, { stride: 0 })).toThrow(/stride must be integers >= 1/);
    expect(() => unfold(x, 2, { padding: -1 })).toThrow(/padding must be non-negative/);
    expect(() => unfold(x, 1.5)).toThrow(RangeError);
  });
});

describe('fold', () => {
  it('sums overlapping blocks back (fold(unfold(ones)) counts coverage)', () => {
    expect(values(fold(unfold(ones([1, 1, 3, 3]), 2), [3, 3], 2))).toEqual([
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ]);
  });

  it('inverts unfold exactly when blocks tile the plane', () => {
    const x = grid(2 * 3 * 4 * 6, [2, 3, 4, 6]);
    expect(values(fold(unfold(x, 2, { stride: 2 }), [4, 6], 2, { stride: 2 }))).toEqual(values(x));
  });

  it('drops entries that fall in the padding; handles stride, dilation, 2-d input', () => {
    // 1x1 output through a 3x3 kernel with padding 1: only the centre slot lands inside.
    const cols = tensor([[1], [2], [3], [4], [5], [6], [7], [8], [9]], { dtype: 'float32' });
    expect(values(fold(cols, 1, 3, { padding: 1 }))).toEqual([[[5]]]);
    const c2 = tensor(
      [
        [
          [1, 10],
          [2, 20],
        ],
      ],
      { dtype: 'float32' },
    );
    expect(values(fold(c2, [1, 4], [1, 2], { dilation: [1, 2], stride: [1, 1] }))).toEqual([[[[1, 10, 2, 20]]]]);
    expect(
      values(
        fold(
          tensor([
            [1, 2],
            [3, 4],
          ]),
          [1, 3],
          [1, 2],
        ),
      ),
    ).toEqual([[[1, 5, 4]]]);
  });

  it('keeps float16 and int32; batch 0 gives an empty result', () => {
    expect(fold(ones([1, 4, 1], { dtype: 'float16' }), 2, 2).dtype).toBe('float16');
    expect(values(fold(ones([1, 4, 4], { dtype: 'int32' }), 3, 2))).toEqual([
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ]);
    expect(fold(zeros([0, 4, 4]), 3, 2).shape).toEqual([0, 1, 3, 3]);
  });

  it('explains bad arguments', () => {
    expect(() => fold(zeros([1, 5, 4]), 3, 2)).toThrow(/must be divisible by kH \* kW = 2 \* 2/);
    expect(() => fold(zeros([1, 4, 5]), 3, 2)).toThrow(/2x2 = 4 blocks, but the input \[1, 4, 5\] has L = 5/);
    expect(() => fold(zeros([4]), 3, 2)).toThrow(ShapeError);
    expect(() => fold(zeros([1, 4, 4], { dtype: 'bool' }), 3, 2)).toThrow(DTypeError);
    expect(() => fold(zeros([1, 4, 4]), 0, 2)).toThrow(RangeError);
  });

  it('leaves memory flat inside tidy', () => {
    const x = grid(2 * 2 * 5 * 5, [2, 2, 5, 5]);
    const before = memory();
    for (let i = 0; i < 20; i++) {
      tidy(() => {
        fold(unfold(x, 3, { padding: 1, stride: 2 }), 5, 3, { padding: 1, stride: 2 });
      });
    }
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
  });
});
