import { describe, expect, it } from 'vitest';
import { arange, flip, memory, repeat, roll, ShapeError, type Tensor, tensor, tidy, tile, zeros } from '../index';

const values = (t: Tensor) => t.arraySync();

describe('repeat', () => {
  it('tiles each dim like torch.Tensor.repeat', () => {
    expect(values(repeat(tensor([1, 2]), 2))).toEqual([1, 2, 1, 2]);
    expect(values(repeat(tensor([1, 2]), 2, 2))).toEqual([
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    expect(values(tensor([[1], [2]]).repeat(1, 2))).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(
      values(
        tensor([
          [1, 2],
          [3, 4],
        ]).repeat([2, 1]),
      ),
    ).toEqual([
      [1, 2],
      [3, 4],
      [1, 2],
      [3, 4],
    ]);
    expect(values(tensor([[1, 2]]).repeat(2, 1, 2))).toEqual([[[1, 2, 1, 2]], [[1, 2, 1, 2]]]);
  });

  it('repeats transposed views', () => {
    const t = arange(4).reshape(2, 2).T; // [[0, 2], [1, 3]]
    expect(values(t.repeat(1, 2))).toEqual([
      [0, 2, 0, 2],
      [1, 3, 1, 3],
    ]);
    expect(values(t.repeat(2, 1))).toEqual([
      [0, 2],
      [1, 3],
      [0, 2],
      [1, 3],
    ]);
  });

  it('handles zero repeats, 0-d and empty tensors', () => {
    expect(values(repeat(tensor([1, 2]), 0))).toEqual([]);
    expect(repeat(tensor([1, 2]), 2, 0).shape).toEqual([2, 0]);
    expect(values(repeat(tensor(5), 3))).toEqual([5, 5, 5]);
    expect(values(repeat(tensor(5)))).toBe(5);
    expect(repeat(zeros([0, 2]), 2, 2).shape).toEqual([0, 4]);
  });

  it('explains bad repeats', () => {
    expect(() => repeat(tensor([[1]]), 2)).toThrow(ShapeError);
    expect(() => repeat(tensor([[1]]), 2)).toThrow(
      /repeat: 1 repeats \[2\] are fewer than the dims of the tensor of shape \[1, 1\]/,
    );
    expect(() => repeat(tensor([1]), -1)).toThrow(/repeat: repeats must be non-negative integers, got \[-1\]/);
  });
});

describe('tile', () => {
  it('pads reps with leading ones', () => {
    const m = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(values(tile(m, [2]))).toEqual([
      [1, 2, 1, 2],
      [3, 4, 3, 4],
    ]);
    expect(values(m.tile(2))).toEqual([
      [1, 2, 1, 2],
      [3, 4, 3, 4],
    ]);
    expect(values(tile(tensor([1, 2]), [2, 2]))).toEqual([
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    expect(values(tile(arange(4).reshape(2, 2).T, [2, 1]))).toEqual([
      [0, 2],
      [1, 3],
      [0, 2],
      [1, 3],
    ]);
    expect(() => tile(m, [-2])).toThrow(/tile: repeats must be non-negative integers/);
  });
});

describe('flip', () => {
  it('reverses the given axes', () => {
    const m = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(values(flip(m, 0))).toEqual([
      [3, 4],
      [1, 2],
    ]);
    expect(values(flip(m, -1))).toEqual([
      [2, 1],
      [4, 3],
    ]);
    expect(values(m.flip([0, -1]))).toEqual([
      [4, 3],
      [2, 1],
    ]);
    expect(values(flip(arange(8).reshape(2, 2, 2), [0, 2]))).toEqual([
      [
        [5, 4],
        [7, 6],
      ],
      [
        [1, 0],
        [3, 2],
      ],
    ]);
    expect(values(flip(tensor([0.5, -1, 2]), 0))).toEqual([2, -1, 0.5]);
  });

  it('flips transposed views, bool and float16', () => {
    const t = arange(4).reshape(2, 2).T; // [[0, 2], [1, 3]]
    expect(values(flip(t, 1))).toEqual([
      [2, 0],
      [3, 1],
    ]);
    expect(values(flip(t, 0))).toEqual([
      [1, 3],
      [0, 2],
    ]);
    expect(values(flip(tensor([true, false, false]), 0))).toEqual([false, false, true]);
    const half = flip(tensor([1.5, 2.5], { dtype: 'float16' }), 0);
    expect(half.dtype).toBe('float16');
    expect(values(half)).toEqual([2.5, 1.5]);
  });

  it('handles empty and 0-d tensors', () => {
    expect(flip(zeros([0, 3]), [0, 1]).shape).toEqual([0, 3]);
    expect(values(flip(tensor(5), 0))).toBe(5);
    expect(values(flip(tensor([7]), 0))).toEqual([7]);
  });

  it('rejects bad axes', () => {
    expect(() => flip(tensor([1, 2]), [0, 0])).toThrow(/flip: repeated axis/);
    expect(() => flip(tensor([1, 2]), 1)).toThrow(/flip: axis 1 is out of range for a 1-d tensor/);
  });
});

describe('roll', () => {
  it('rolls a flattened tensor when no axes are given', () => {
    const x = tensor([1, 2, 3, 4]);
    expect(values(roll(x, 1))).toEqual([4, 1, 2, 3]);
    expect(values(roll(x, -1))).toEqual([2, 3, 4, 1]);
    expect(values(roll(x, 5))).toEqual([4, 1, 2, 3]);
    expect(values(roll(x, 4))).toEqual([1, 2, 3, 4]);
    expect(
      values(
        roll(
          tensor([
            [1, 2],
            [3, 4],
          ]),
          1,
        ),
      ),
    ).toEqual([
      [4, 1],
      [2, 3],
    ]);
  });

  it('rolls along axes, negative ones included', () => {
    const m = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(values(roll(m, 1, 0))).toEqual([
      [3, 4],
      [1, 2],
    ]);
    expect(values(m.roll(1, -1))).toEqual([
      [2, 1],
      [4, 3],
    ]);
    expect(values(roll(m, [1, -1], [0, 1]))).toEqual([
      [4, 3],
      [2, 1],
    ]);
    expect(values(roll(arange(6).reshape(2, 3), [1, 1], [1, 1]))).toEqual([
      [1, 2, 0],
      [4, 5, 3],
    ]);
  });

  it('rolls transposed views', () => {
    const t = arange(4).reshape(2, 2).T; // [[0, 2], [1, 3]]
    expect(values(roll(t, 1))).toEqual([
      [3, 0],
      [2, 1],
    ]);
    expect(values(roll(t, 1, 1))).toEqual([
      [2, 0],
      [3, 1],
    ]);
  });

  it('handles empty and 0-d tensors', () => {
    expect(roll(zeros([0]), 3).shape).toEqual([0]);
    expect(roll(zeros([2, 0]), 1, 1).shape).toEqual([2, 0]);
    expect(values(roll(tensor(5), 2))).toBe(5);
  });

  it('explains mismatched shifts and axes', () => {
    expect(() => roll(tensor([1, 2]), [1, 2])).toThrow(
      /roll: without axes the tensor is flattened, so shifts must be one number, got \[1, 2\]/,
    );
    expect(() => roll(tensor([[1]]), [1], [0, 1])).toThrow(
      /roll: shifts and axes must align, got 1 shifts \[1\] and 2 axes \[0, 1\]/,
    );
    expect(() => roll(tensor([1]), 1, 1)).toThrow(/roll: axis 1 is out of range/);
  });
});

describe('memory', () => {
  it('frees every intermediate', () => {
    const t = arange(6).reshape(2, 3).T;
    const before = memory().numTensors;
    tidy(() => {
      repeat(t, 2, 2);
      tile(t, [3]);
      flip(t, [0, 1]);
      roll(t, [1, 1], [0, 1]);
      roll(t, 2);
    });
    expect(memory().numTensors).toBe(before);
    const ops = [() => repeat(t, 2, 1), () => flip(t, [0, 1]), () => roll(t, [1, 2], [0, 1]), () => roll(t, 3), () => tile(t, 1)];
    for (const op of ops) {
      const out = op();
      expect(memory().numTensors).toBe(before + 1);
      out.dispose();
      expect(memory().numTensors).toBe(before);
    }
  });
});
