import { describe, expect, it } from 'vitest';
import {
  conv2d,
  convTranspose1d,
  convTranspose2d,
  DTypeError,
  Generator,
  memory,
  ones,
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
const dot = (a: Tensor, b: Tensor) => Number(a.mul(b).sum().itemSync());

describe('convTranspose2d', () => {
  const x = () =>
    f32([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ]);

  it('hand-computed: overlapping and strided kernels, bias', () => {
    expect(values(convTranspose2d(x(), ones([1, 1, 2, 2])))).toEqual([
      [
        [
          [1, 3, 2],
          [4, 10, 6],
          [3, 7, 4],
        ],
      ],
    ]);
    expect(values(convTranspose2d(x(), ones([1, 1, 2, 2]), f32([1]), { stride: 2 }))).toEqual([
      [
        [
          [2, 2, 3, 3],
          [2, 2, 3, 3],
          [4, 4, 5, 5],
          [4, 4, 5, 5],
        ],
      ],
    ]);
    // padding trims the full 3x3 result by one on each side
    expect(values(convTranspose2d(x(), ones([1, 1, 2, 2]), null, { padding: 1 }))).toEqual([[[[10]]]]);
  });

  it('output channels, groups and an unbatched input', () => {
    const w = f32([[[[1]], [[-1]]]]); // (C_in 1, C_out 2, 1, 1)
    expect(flat(convTranspose2d(x(), w))).toEqual([1, 2, 3, 4, -1, -2, -3, -4]);
    const two = f32([[[[1]], [[2]]]]).reshape(2, 1, 1, 1); // groups = 2: each channel scaled by its own weight
    const x2 = f32([[[[1, 2]], [[3, 4]]]]);
    expect(values(convTranspose2d(x2, two, null, { groups: 2 }))).toEqual([[[[1, 2]], [[6, 8]]]]);
    expect(convTranspose2d(f32([[[1, 2]]]), ones([1, 3, 2, 2])).shape).toEqual([3, 2, 3]);
  });

  it('is the adjoint of conv2d: <conv2d(x, w), y> = <x, convTranspose2d(y, w)>', () => {
    const gen = new Generator(11);
    const cases = [
      {
        x: [2, 4, 7, 6],
        w: [6, 2, 3, 2],
        stride: [2, 1] as [number, number],
        padding: [1, 1] as [number, number],
        dilation: 1,
        groups: 2,
      },
      {
        x: [1, 3, 9, 8],
        w: [2, 3, 3, 3],
        stride: [1, 1] as [number, number],
        padding: [2, 1] as [number, number],
        dilation: 2,
        groups: 1,
      },
      {
        x: [1, 2, 9, 10],
        w: [4, 1, 2, 3],
        stride: [3, 2] as [number, number],
        padding: [0, 1] as [number, number],
        dilation: 1,
        groups: 2,
      },
    ];
    for (const c of cases) {
      tidy(() => {
        const xt = randn(c.x, { generator: gen });
        const wt = randn(c.w, { generator: gen });
        const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
        const y = conv2d(xt, wt, null, opts);
        const yr = randn(y.shape, { generator: gen });
        const [kh, kw] = [c.w[2] as number, c.w[3] as number];
        const outputPadding = [0, 1].map((d) => {
          const full = ((y.shape[2 + d] as number) - 1) * c.stride[d]! - 2 * c.padding[d]! + c.dilation * ((d ? kw : kh) - 1) + 1;
          return (c.x[2 + d] as number) - full;
        }) as [number, number];
        const back = convTranspose2d(yr, wt, null, { ...opts, outputPadding });
        expect([...back.shape]).toEqual(c.x);
        expect(dot(y, yr)).toBeCloseTo(dot(xt, back), 3);
      });
    }
  });

  it('float16, empty batch, memory flat', () => {
    const half = convTranspose2d(x().to('float16'), ones([1, 1, 2, 2], { dtype: 'float16' }));
    expect(half.dtype).toBe('float16');
    expect(values(half.reshape(1, 3, 3))).toEqual([
      [
        [1, 3, 2],
        [4, 10, 6],
        [3, 7, 4],
      ],
    ]);
    expect(convTranspose2d(zeros([0, 2, 3, 3]), ones([2, 1, 3, 3]), null, { stride: 2 }).shape).toEqual([0, 1, 7, 7]);
    const xt = randn([2, 3, 4, 4], { generator: new Generator(5) });
    const wt = randn([3, 2, 3, 3], { generator: new Generator(6) });
    const before = memory();
    for (let i = 0; i < 10; i++) {
      tidy(() => {
        convTranspose2d(xt, wt, ones([2]), { stride: 2, padding: 1, outputPadding: 1 });
      });
    }
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
  });

  it('explains bad arguments', () => {
    const x4 = zeros([1, 4, 3, 3]);
    expect(() => convTranspose2d(x4, zeros([3, 2, 3, 3]))).toThrow(/weight \[3, 2, 3, 3\] expects 3 input channels .* has 4/);
    expect(() => convTranspose2d(x4, zeros([4, 2, 3, 3]), null, { groups: 3 })).toThrow(/divisible by groups = 3/);
    expect(() => convTranspose2d(x4, zeros([4, 2, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(
      /outputPadding \[2, 2\] must be smaller than either stride \[2, 2\] or dilation \[1, 1\]/,
    );
    expect(() => convTranspose2d(x4, zeros([4, 2, 1, 1]), null, { padding: 2 })).toThrow(/output of -1x-1, which is too small/);
    expect(() => convTranspose2d(x4, zeros([4, 2, 3, 3]), zeros([4]))).toThrow(/bias must be 1-d .* \(2\)/);
    expect(() => convTranspose2d(x4, zeros([4, 2, 3]))).toThrow(ShapeError);
    expect(() => convTranspose2d(x4, zeros([4, 2, 3, 3], { dtype: 'float16' }))).toThrow(DTypeError);
  });
});

describe('convTranspose1d', () => {
  it('hand-computed: overlap, stride with padding and outputPadding, dilation', () => {
    const x = f32([[[1, 2]]]);
    expect(values(convTranspose1d(x, ones([1, 1, 3])))).toEqual([[[1, 3, 3, 2]]]);
    // full result [1, 1, 3, 2, 2]; padding 1 trims the front, outputPadding keeps the last entry
    expect(values(convTranspose1d(x, ones([1, 1, 3]), null, { stride: 2, padding: 1, outputPadding: 1 }))).toEqual([
      [[1, 3, 2, 2]],
    ]);
    expect(values(convTranspose1d(x, ones([1, 1, 3]), null, { stride: 2, padding: 1 }))).toEqual([[[1, 3, 2]]]);
    expect(values(convTranspose1d(x, ones([1, 1, 2]), null, { dilation: 2 }))).toEqual([[[1, 2, 1, 2]]]);
    expect(values(convTranspose1d(f32([[1, 2]]), ones([1, 1, 2]), f32([10])))).toEqual([[11, 13, 12]]);
  });

  it('explains bad arguments', () => {
    expect(() => convTranspose1d(zeros([1, 2, 4]), zeros([1, 1, 3]))).toThrow(/convTranspose1d: weight/);
    expect(() => convTranspose1d(zeros([4]), zeros([1, 1, 3]))).toThrow(/convTranspose1d: expected a 2-d/);
    expect(() => convTranspose1d(zeros([1, 1, 4]), zeros([1, 1, 3, 1]))).toThrow(/must be 3-d/);
  });
});
