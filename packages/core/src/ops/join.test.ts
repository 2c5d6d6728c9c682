import { describe, expect, it } from 'vitest';
import { arange, cat, chunk, memory, ShapeError, split, stack, type Tensor, tensor, tidy, zeros } from '../index';

const values = (t: Tensor) => t.arraySync();
const shapes = (ts: Tensor[]) => ts.map((t) => [...t.shape]);

describe('cat', () => {
  it('joins along axis 0, 1 and negative axes', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([[5, 6]]);
    expect(values(cat([a, b]))).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(values(cat([a, tensor([[7], [8]])], 1))).toEqual([
      [1, 2, 7],
      [3, 4, 8],
    ]);
    expect(values(cat([a, tensor([[7], [8]])], -1))).toEqual([
      [1, 2, 7],
      [3, 4, 8],
    ]);
    expect(values(cat([b, a], -2))).toEqual([
      [5, 6],
      [1, 2],
      [3, 4],
    ]);
  });

  it('promotes dtypes like PyTorch', () => {
    const out = cat([tensor([1, 2]), tensor([0.5])]);
    expect(out.dtype).toBe('float32');
    expect(values(out)).toEqual([1, 2, 0.5]);
    const withBool = cat([tensor([true]), tensor([3])]);
    expect(withBool.dtype).toBe('int32');
    expect(values(withBool)).toEqual([1, 3]);
    const half = cat([tensor([1.5], { dtype: 'float16' }), tensor([2.5], { dtype: 'float16' })]);
    expect(half.dtype).toBe('float16');
    expect(values(half)).toEqual([1.5, 2.5]);
  });

  it('reads non-contiguous views', () => {
    const t = arange(6).reshape(2, 3).T; // [[0, 3], [1, 4], [2, 5]]
    expect(values(cat([t, t.slice([{ start: 1 }])]))).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
      [1, 4],
      [2, 5],
    ]);
    expect(values(cat([t, t], 1))).toEqual([
      [0, 3, 0, 3],
      [1, 4, 1, 4],
      [2, 5, 2, 5],
    ]);
  });

  it('handles empty tensors, skipping legacy [0] tensors', () => {
    expect(cat([zeros([0, 3]), zeros([2, 3])]).shape).toEqual([2, 3]);
    expect(cat([zeros([2, 0]), zeros([2, 0])], 1).shape).toEqual([2, 0]);
    expect(values(cat([zeros([0]), tensor([[1, 2]])]))).toEqual([[1, 2]]);
    expect(cat([zeros([0]), zeros([0])]).shape).toEqual([0]);
  });

  it('names the op and the shapes in errors', () => {
    expect(() => cat([])).toThrow(/cat: expected a non-empty list/);
    expect(() => cat([tensor([[1, 2]]), tensor([[1, 2, 3]])])).toThrow(ShapeError);
    expect(() => cat([tensor([[1, 2]]), tensor([[1, 2, 3]])])).toThrow(/cat: .*dimension 0.*\[1, 2\], \[1, 3\]/);
    expect(() => cat([tensor([1]), tensor([[1]])])).toThrow(/cat: .*\[1\], \[1, 1\]/);
    expect(() => cat([tensor(1), tensor(2)])).toThrow(/cat: zero-dimensional tensor \(at position 0\)/);
    expect(() => cat([tensor([1])], 1)).toThrow(/cat: axis 1 is out of range/);
  });
});

describe('stack', () => {
  it('adds a new axis at any position', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    expect(values(stack([a, b]))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(values(stack([a, b], 1))).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(values(stack([a, b], -1))).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(values(stack([tensor(1), tensor(2)]))).toEqual([1, 2]);
    expect(stack([zeros([0]), zeros([0])]).shape).toEqual([2, 0]);
  });

  it('stacks transposed views', () => {
    const t = arange(4).reshape(2, 2).T; // [[0, 2], [1, 3]]
    expect(values(stack([t, t], 0))).toEqual([
      [
        [0, 2],
        [1, 3],
      ],
      [
        [0, 2],
        [1, 3],
      ],
    ]);
    expect(values(stack([t, arange(4).reshape(2, 2)], 2))).toEqual([
      [
        [0, 0],
        [2, 1],
      ],
      [
        [1, 2],
        [3, 3],
      ],
    ]);
  });

  it('rejects unequal shapes', () => {
    expect(() => stack([tensor([1, 2]), tensor([1, 2, 3])])).toThrow(
      /stack: expects each tensor to be equal size, but got \[2\] at entry 0 and \[3\] at entry 1/,
    );
    expect(() => stack([])).toThrow(/stack: expected a non-empty list/);
    expect(() => stack([tensor([1])], 2)).toThrow(/stack: axis 2 is out of range/);
  });
});

describe('split and chunk', () => {
  it('splits by size and by sections, as views', () => {
    const x = arange(5);
    const parts = split(x, 2);
    expect(parts.map(values)).toEqual([[0, 1], [2, 3], [4]]);
    expect(parts[1]?.storage).toBe(x.storage);
    expect(split(x, [1, 4]).map(values)).toEqual([[0], [1, 2, 3, 4]]);
    expect(split(x, [0, 5]).map(values)).toEqual([[], [0, 1, 2, 3, 4]]);
    const m = arange(6).reshape(2, 3);
    expect(m.split(2, -1).map(values)).toEqual([
      [
        [0, 1],
        [3, 4],
      ],
      [[2], [5]],
    ]);
    expect(m.split([1, 1]).map(values)).toEqual([[[0, 1, 2]], [[3, 4, 5]]]);
  });

  it('splits transposed views and empty dims', () => {
    const t = arange(6).reshape(2, 3).T; // [[0, 3], [1, 4], [2, 5]]
    expect(split(t, 2).map(values)).toEqual([
      [
        [0, 3],
        [1, 4],
      ],
      [[2, 5]],
    ]);
    expect(shapes(split(zeros([0, 2]), 3))).toEqual([[0, 2]]);
    expect(shapes(split(zeros([0]), 0))).toEqual([[0]]);
  });

  it('chunks like torch.chunk', () => {
    expect(chunk(arange(5), 3).map(values)).toEqual([[0, 1], [2, 3], [4]]);
    expect(chunk(arange(6), 4).map(values)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(arange(6).reshape(2, 3).chunk(3, -1).map(values)).toEqual([
      [[0], [3]],
      [[1], [4]],
      [[2], [5]],
    ]);
    expect(shapes(chunk(zeros([2, 0]), 3, 1))).toEqual([
      [2, 0],
      [2, 0],
      [2, 0],
    ]);
  });

  it('explains bad sizes', () => {
    expect(() => split(arange(5), [1, 2])).toThrow(
      /split: section sizes \[1, 2\] sum to 3, but dimension 0 of the tensor of shape \[5\] has size 5/,
    );
    expect(() => split(arange(5), 0)).toThrow(/split: split size can only be 0 if dimension 0 is empty/);
    expect(() => split(arange(5), -1)).toThrow(/split: the split size must be a non-negative integer/);
    expect(() => split(tensor(1), 1)).toThrow(/split: cannot split a 0-d tensor/);
    expect(() => chunk(arange(5), 0)).toThrow(/chunk: chunks must be a positive integer, got 0/);
  });
});

describe('memory', () => {
  it('leaves no intermediates behind', () => {
    const a = tensor([1, 2]);
    const b = tensor([0.5, 1.5]);
    const before = memory().numTensors;
    tidy(() => {
      cat([a, b]);
      stack([a, b], 1);
      split(a, 1);
      chunk(a, 2);
    });
    expect(memory().numTensors).toBe(before);
    const kept = stack([a, b]);
    expect(memory().numTensors).toBe(before + 1);
    kept.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
