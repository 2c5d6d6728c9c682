import { describe, expect, it } from 'vitest';
import { arange, DTypeError, memory, pad, ShapeError, type Tensor, tensor, tidy, zeros } from '../index';

const values = (t: Tensor) => t.arraySync();

describe('pad', () => {
  it('pads the last dim first, in (before, after) pairs', () => {
    const x = tensor([1, 2, 3]);
    expect(values(pad(x, [1, 2]))).toEqual([0, 1, 2, 3, 0, 0]);
    expect(values(pad(x, [1, 2], { value: 9 }))).toEqual([9, 1, 2, 3, 9, 9]);
    const m = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(values(pad(m, [1, 0]))).toEqual([
      [0, 1, 2],
      [0, 3, 4],
    ]);
    expect(values(pad(m, [1, 0, 0, 1]))).toEqual([
      [0, 1, 2],
      [0, 3, 4],
      [0, 0, 0],
    ]);
  });

  it('reflects without repeating the edge', () => {
    expect(values(pad(tensor([1, 2, 3]), [2, 1], { mode: 'reflect' }))).toEqual([3, 2, 1, 2, 3, 2]);
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(values(pad(m, [1, 1, 1, 1], { mode: 'reflect' }))).toEqual([
      [5, 4, 5, 6, 5],
      [2, 1, 2, 3, 2],
      [5, 4, 5, 6, 5],
      [2, 1, 2, 3, 2],
    ]);
  });

  it('replicates the edge', () => {
    expect(values(pad(tensor([1, 2, 3]), [1, 1], { mode: 'replicate' }))).toEqual([1, 1, 2, 3, 3]);
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(values(pad(m, [1, 1, 1, 1], { mode: 'replicate' }))).toEqual([
      [1, 1, 2, 3, 3],
      [1, 1, 2, 3, 3],
      [4, 4, 5, 6, 6],
      [4, 4, 5, 6, 6],
    ]);
  });

  it('crops with negative padding', () => {
    const x = tensor([1, 2, 3]);
    expect(values(pad(x, [-1, 0]))).toEqual([2, 3]);
    expect(values(pad(x, [-1, 2]))).toEqual([2, 3, 0, 0]);
    expect(values(pad(x, [-3, 1]))).toEqual([0]);
    expect(values(pad(x, [-2, -1]))).toEqual([]);
    expect(values(pad(tensor([1, 2, 3, 4]), [-1, 2], { mode: 'reflect' }))).toEqual([2, 3, 4, 3, 2]);
  });

  it('pads non-contiguous views', () => {
    const t = arange(6).reshape(2, 3).T; // [[0, 3], [1, 4], [2, 5]]
    expect(values(pad(t, [1, 1]))).toEqual([
      [0, 0, 3, 0],
      [0, 1, 4, 0],
      [0, 2, 5, 0],
    ]);
    expect(values(pad(t, [1, 1], { mode: 'reflect' }))).toEqual([
      [3, 0, 3, 0],
      [4, 1, 4, 1],
      [5, 2, 5, 2],
    ]);
    expect(values(pad(t, [0, 0, 0, 1], { mode: 'replicate' }))).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
      [2, 5],
    ]);
  });

  it('handles empty tensors and no padding', () => {
    expect(pad(zeros([0, 2]), [1, 1]).shape).toEqual([0, 4]);
    expect(values(pad(zeros([2, 0]), [1, 1], { value: 7 }))).toEqual([
      [7, 7],
      [7, 7],
    ]);
    expect(values(pad(tensor([1, 2]), []))).toEqual([1, 2]);
    expect(values(pad(tensor(5), []))).toBe(5);
  });

  it('converts the fill value to the dtype', () => {
    const half = pad(tensor([1.5], { dtype: 'float16' }), [1, 1], { value: 2.5 });
    expect(half.dtype).toBe('float16');
    expect(values(half)).toEqual([2.5, 1.5, 2.5]);
    expect(values(pad(tensor([1.5], { dtype: 'float16' }), [1, 0]))).toEqual([0, 1.5]);
    const ints = pad(tensor([1]), [1, 0], { value: 2.7 });
    expect(ints.dtype).toBe('int32');
    expect(values(ints)).toEqual([2, 1]);
    expect(values(pad(tensor([false]), [0, 1], { value: true }))).toEqual([false, true]);
  });

  it('names the op, the padding and the shapes in errors', () => {
    const x = tensor([1, 2, 3]);
    expect(() => pad(x, [1])).toThrow(ShapeError);
    expect(() => pad(x, [1])).toThrow(/pad: padding must have an even length/);
    expect(() => pad(x, [1, 1, 1, 1])).toThrow(/pad: padding \[1, 1, 1, 1\] covers 2 dims, but the input of shape \[3\] has 1/);
    expect(() => pad(x, [3, 0], { mode: 'reflect' })).toThrow(
      /pad: reflect padding \(3, 0\) must be smaller than the size of dimension 0 \(size 3; input shape \[3\]\)/,
    );
    expect(() => pad(x, [0, 3], { mode: 'reflect' })).toThrow(/reflect padding \(0, 3\)/);
    expect(() => pad(zeros([2, 0]), [1, 0], { mode: 'replicate' })).toThrow(
      /pad: replicate padding \(1, 0\) needs a non-empty dimension 1/,
    );
    expect(() => pad(x, [-2, -2])).toThrow(/pad: padding \(-2, -2\) of dimension 0 \(size 3.*gives a negative size/);
    expect(() => pad(x, [1, 1], { mode: 'reflect', value: 1 })).toThrow(/pad: mode 'reflect' takes no value/);
    expect(() => pad(x, [0.5, 1])).toThrow(/pad: padding must hold integers/);
    expect(() => pad(x, [1, 1], { value: Number.NaN })).toThrow(DTypeError);
    expect(() => pad(x, [1, 1], { value: Number.NaN })).toThrow(/pad: value NaN cannot be stored in an int32 tensor/);
  });

  it('frees its intermediates', () => {
    const x = tensor([1.5, 2.5], { dtype: 'float16' });
    const before = memory().numTensors;
    tidy(() => {
      pad(x, [1, 1], { value: 3 });
      pad(x, [-1, 1], { mode: 'reflect' });
    });
    expect(memory().numTensors).toBe(before);
    const out = pad(x, [-1, 2], { value: 1 });
    expect(memory().numTensors).toBe(before + 1);
    out.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
