import { describe, expect, it } from 'vitest';
import {
  Generator,
  matmul,
  memory,
  randn,
  ShapeError,
  scaledDotProductAttention,
  softmax,
  type Tensor,
  tensor,
  tidy,
} from '../index';

const f = (data: number[][] | number[][][]) => tensor(data, { dtype: 'float32' });
const close = (t: Tensor, expected: number[], digits = 5) => {
  const got = Array.from(t.dataSync());
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => {
    const e = expected[i] as number;
    if (Number.isNaN(e)) expect(v).toBeNaN();
    else expect(v).toBeCloseTo(e, digits);
  });
};
// Tq = Tk = 2, d = 1: scores [[1, 0], [0, 0]] with scale 1.
const q = () => f([[1], [0]]);
const k = () => f([[1], [0]]);
const v = () => f([[10], [20]]);
const E1 = Math.E / (Math.E + 1);

describe('scaledDotProductAttention', () => {
  it('computes softmax(q kᵀ * scale) v', () => {
    close(scaledDotProductAttention(q(), k(), v(), { scale: 1 }), [10 * E1 + 20 * (1 - E1), 15]);
    // default scale is 1 / sqrt(d)
    const g = new Generator(1);
    const [qq, kk, vv] = [
      randn([2, 3, 4, 8], { generator: g }),
      randn([2, 3, 5, 8], { generator: g }),
      randn([2, 3, 5, 6], { generator: g }),
    ];
    const out = scaledDotProductAttention(qq as Tensor, kk as Tensor, vv as Tensor);
    expect(out.shape).toEqual([2, 3, 4, 6]);
    const ref = matmul(softmax(matmul(qq as Tensor, (kk as Tensor).mT).mul(1 / Math.sqrt(8)), -1), vv as Tensor);
    close(out, Array.from(ref.dataSync()));
  });

  it('causal, bool and float masks', () => {
    close(scaledDotProductAttention(q(), k(), v(), { scale: 1, causal: true }), [10, 15]);
    const keep = tensor([
      [true, false],
      [true, true],
    ]);
    close(scaledDotProductAttention(q(), k(), v(), { scale: 1, mask: keep }), [10, 15]);
    const additive = f([
      [0, Number.NEGATIVE_INFINITY],
      [0, 0],
    ]);
    close(scaledDotProductAttention(q(), k(), v(), { scale: 1, mask: additive }), [10, 15]);
    // a float mask shifts scores: row 1 gets [0, ln 3] -> weights [1/4, 3/4]
    const shift = f([
      [0, 0],
      [0, Math.log(3)],
    ]);
    close(scaledDotProductAttention(q(), k(), v(), { scale: 1, mask: shift }), [10 * E1 + 20 * (1 - E1), 17.5]);
    // causal with more keys than queries is top-left aligned (tril of ones(Tq, Tk))
    const k3 = f([[0], [0], [0]]);
    const v3 = f([[1], [2], [3]]);
    close(scaledDotProductAttention(q(), k3, v3, { causal: true }), [1, 1.5]);
  });

  it('a row with every key masked out is NaN (PyTorch math path)', () => {
    const none = tensor([
      [false, false],
      [true, true],
    ]);
    close(scaledDotProductAttention(q(), k(), v(), { scale: 1, mask: none }), [Number.NaN, 15]);
  });

  it('dropout applies to the weights only when training', () => {
    close(scaledDotProductAttention(q(), k(), v(), { scale: 1, dropout: 1 }), [0, 0]);
    close(scaledDotProductAttention(q(), k(), v(), { scale: 1, dropout: 1, training: false }), [10 * E1 + 20 * (1 - E1), 15]);
    const a = scaledDotProductAttention(q(), k(), v(), { dropout: 0.5, generator: new Generator(3) });
    const b = scaledDotProductAttention(q(), k(), v(), { dropout: 0.5, generator: new Generator(3) });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
  });

  it('errors name the problem', () => {
    expect(() => scaledDotProductAttention(q(), f([[1, 2]]), v())).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q(), k(), f([[1], [2], [3]]))).toThrow(/keys/);
    expect(() => scaledDotProductAttention(q(), k(), v(), { causal: true, mask: tensor([[true]]) })).toThrow(/either/);
    expect(() => scaledDotProductAttention(q(), k(), v(), { mask: tensor([[1]]) })).toThrow(/bool/);
    expect(() => scaledDotProductAttention(q(), k(), v(), { dropout: 2 })).toThrow(RangeError);
  });

  it('leaves memory flat', () => {
    const before = memory().numTensors;
    tidy(() => {
      scaledDotProductAttention(q(), k(), v(), { causal: true, dropout: 0.1 });
    });
    expect(memory().numTensors).toBe(before);
  });
});
