import { describe, expect, it } from 'vitest';
import { crossEntropy, DTypeError, nllLoss, ShapeError, type Tensor, tensor } from '../index';

const num = (t: Tensor) => t.itemSync() as number;
const f32 = { dtype: 'float32' } as const;
const logp = () =>
  tensor(
    [
      [-1, -2],
      [-3, -4],
    ],
    f32,
  );
// logSoftmax([1, 2, 3]) = [-2.40760596, -1.40760596, -0.40760596]
const LSE = 3.40760596;

describe('nllLoss', () => {
  it('picks -logp[target] and reduces by mean, sum or none', () => {
    const t = tensor([0, 1]);
    expect(num(nllLoss(logp(), t))).toBeCloseTo(2.5);
    expect(num(nllLoss(logp(), t, { reduction: 'sum' }))).toBeCloseTo(5);
    expect(nllLoss(logp(), t, { reduction: 'none' }).arraySync()).toEqual([1, 4]);
  });

  it('weights classes; the weighted mean divides by the weights of the targets', () => {
    const weight = tensor([1, 3], { dtype: 'float32' });
    expect(num(nllLoss(logp(), tensor([0, 1]), { weight, reduction: 'sum' }))).toBeCloseTo(13);
    expect(num(nllLoss(logp(), tensor([0, 1]), { weight }))).toBeCloseTo(13 / 4);
    expect(nllLoss(logp(), tensor([1, 1]), { weight, reduction: 'none' }).arraySync()).toEqual([6, 12]);
  });

  it('skips ignoreIndex targets (all ignored gives NaN for mean)', () => {
    expect(num(nllLoss(logp(), tensor([0, -100])))).toBeCloseTo(1);
    expect(num(nllLoss(logp(), tensor([5, 1]), { ignoreIndex: 5 }))).toBeCloseTo(4);
    expect(nllLoss(logp(), tensor([-100, 1]), { reduction: 'none' }).arraySync()).toEqual([0, 4]);
    expect(num(nllLoss(logp(), tensor([-100, -100])))).toBeNaN();
    expect(num(nllLoss(logp(), tensor([-100, -100]), { reduction: 'sum' }))).toBe(0);
  });

  it('takes (N, C, d...) inputs and a single (C) sample', () => {
    // class dim 1: position 0 picks class 1 (-3), position 1 picks class 0 (-2).
    const x = tensor(
      [
        [
          [-1, -2],
          [-3, -4],
        ],
      ],
      f32,
    );
    expect(nllLoss(x, tensor([[1, 0]]), { reduction: 'none' }).arraySync()).toEqual([[3, 2]]);
    expect(num(nllLoss(x, tensor([[1, 0]])))).toBeCloseTo(2.5);
    const single = nllLoss(tensor([-1, -2], f32), tensor(1));
    expect(single.shape).toEqual([]);
    expect(num(single)).toBeCloseTo(2);
    expect(nllLoss(tensor([-1, -2], f32), tensor(1), { reduction: 'none' }).shape).toEqual([]);
  });

  it('rejects bad targets, weights and reductions', () => {
    expect(() => nllLoss(logp(), tensor([0, 1, 0]))).toThrow(ShapeError);
    expect(() => nllLoss(logp(), tensor([0.5, 1]))).toThrow(DTypeError);
    expect(() => nllLoss(logp(), tensor([0, 1]), { weight: tensor([1, 2, 3], { dtype: 'float32' }) })).toThrow(/weight/);
    expect(() => nllLoss(tensor([[1, 2]]), tensor([0]))).toThrow(DTypeError);
    // @ts-expect-error — not a reduction
    expect(() => nllLoss(logp(), tensor([0, 1]), { reduction: 'avg' })).toThrow(/reduction/);
    expect(() => nllLoss(logp(), tensor([2, 0]))).toThrow(RangeError);
  });
});

describe('crossEntropy', () => {
  it('is logSoftmax + nllLoss for class indices', () => {
    expect(num(crossEntropy(tensor([[0, 0]], { dtype: 'float32' }), tensor([1])))).toBeCloseTo(Math.LN2);
    const logits = tensor([[1, 2, 3]], { dtype: 'float32' });
    expect(num(crossEntropy(logits, tensor([2])))).toBeCloseTo(LSE - 3);
    expect(num(crossEntropy(logits, tensor([0])))).toBeCloseTo(LSE - 1);
    expect(num(crossEntropy(tensor([1, 2, 3], { dtype: 'float32' }), tensor(2)))).toBeCloseTo(LSE - 3);
  });

  it('applies label smoothing as (1 - e) * nll + e / C * smooth', () => {
    const logits = tensor([[1, 2, 3]], { dtype: 'float32' });
    // 0.9 * 0.40760596 + 0.1 / 3 * (2.40760596 + 1.40760596 + 0.40760596)
    expect(num(crossEntropy(logits, tensor([2]), { labelSmoothing: 0.1 }))).toBeCloseTo(0.50760596, 5);
    // weighted: nll mean = w2 * 0.4076 / w2; smooth = (w·(-logp)) / w2
    const weight = tensor([1, 2, 4], { dtype: 'float32' });
    const smooth = (2.40760596 + 2 * 1.40760596 + 4 * 0.40760596) / 4;
    expect(num(crossEntropy(logits, tensor([2]), { labelSmoothing: 0.1, weight }))).toBeCloseTo(
      0.9 * 0.40760596 + (0.1 / 3) * smooth,
      5,
    );
    // ignored rows contribute to neither term
    const two = tensor(
      [
        [1, 2, 3],
        [5, 0, 0],
      ],
      { dtype: 'float32' },
    );
    expect(num(crossEntropy(two, tensor([2, -100]), { labelSmoothing: 0.1 }))).toBeCloseTo(0.50760596, 5);
    expect(crossEntropy(two, tensor([2, -100]), { labelSmoothing: 0.1, reduction: 'none' }).dataSync()[1]).toBe(0);
  });

  it('accepts class probabilities (float targets of the input shape)', () => {
    const logits = tensor([[1, 2, 3]], { dtype: 'float32' });
    expect(num(crossEntropy(logits, tensor([[0, 0.5, 0.5]])))).toBeCloseTo(0.5 * 1.40760596 + 0.5 * 0.40760596, 5);
    expect(num(crossEntropy(tensor([[0, 0]], { dtype: 'float32' }), tensor([[0.5, 0.5]])))).toBeCloseTo(Math.LN2);
    // mean divides by the number of samples, also with weights
    const two = tensor(
      [
        [1, 2, 3],
        [1, 2, 3],
      ],
      { dtype: 'float32' },
    );
    const p = tensor([
      [0, 0, 1],
      [1, 0, 0],
    ]).to('float32');
    expect(num(crossEntropy(two, p))).toBeCloseTo((0.40760596 + 2.40760596) / 2, 5);
    const weight = tensor([2, 1, 1], { dtype: 'float32' });
    expect(num(crossEntropy(two, p, { weight }))).toBeCloseTo((0.40760596 + 2 * 2.40760596) / 2, 5);
    expect(crossEntropy(two, p, { reduction: 'none' }).shape).toEqual([2]);
    // smoothing mixes the target with uniform
    expect(
      num(crossEntropy(tensor([[1, 2, 3]], { dtype: 'float32' }), tensor([[0, 0, 1]]).to('float32'), { labelSmoothing: 0.1 })),
    ).toBeCloseTo(0.50760596, 5);
  });

  it('rejects mismatched targets and smoothing outside [0, 1]', () => {
    const logits = tensor([[1, 2, 3]], { dtype: 'float32' });
    expect(() => crossEntropy(logits, tensor([[0.5, 0.5]]))).toThrow(ShapeError);
    expect(() => crossEntropy(logits, tensor([[1]]))).toThrow(ShapeError);
    expect(() => crossEntropy(logits, tensor([0]), { labelSmoothing: 2 })).toThrow(/labelSmoothing/);
  });
});
