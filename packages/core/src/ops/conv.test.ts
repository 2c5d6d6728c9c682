import { describe, expect, it } from 'vitest';
import {
  arange,
  type Conv2dOptions,
  conv1d,
  conv2d,
  conv2dComposite,
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
const grid = (n: number, shape: number[]) => arange(n, undefined, 1, { dtype: 'float32' }).reshape(...shape);

/** Direct float64 conv2d of row-major data (the textbook seven loops). */
function reference(x: Tensor, w: Tensor, bias: Tensor | null, o: Required<Omit<Conv2dOptions, 'padding'>> & { pads: number[] }) {
  const [n, cin, h, wd] = x.shape as number[] as [number, number, number, number];
  const [cout, cg, kh, kw] = w.shape as number[] as [number, number, number, number];
  const [sh, sw] = o.stride as [number, number];
  const [dh, dw] = o.dilation as [number, number];
  const [pt, pb, pl, pr] = o.pads as [number, number, number, number];
  const oh = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((wd + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  const xs = x.contiguous().dataSync();
  const ws = w.contiguous().dataSync();
  const bs = bias?.dataSync();
  const out: number[] = [];
  const og = cout / o.groups;
  for (let b = 0; b < n; b++)
    for (let co = 0; co < cout; co++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = bs ? (bs[co] as number) : 0;
          const g = Math.floor(co / og);
          for (let c = 0; c < cg; c++)
            for (let a = 0; a < kh; a++)
              for (let e = 0; e < kw; e++) {
                const r = i * sh - pt + a * dh;
                const q = j * sw - pl + e * dw;
                if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                s +=
                  (xs[((b * cin + g * cg + c) * h + r) * wd + q] as number) * (ws[((co * cg + c) * kh + a) * kw + e] as number);
              }
          out.push(s);
        }
  return { values: out, shape: [n, cout, oh, ow] };
}

function expectClose(t: Tensor, ref: { values: number[]; shape: number[] }, tol = 1e-4): void {
  expect([...t.shape]).toEqual(ref.shape);
  const got = t.dataSync();
  ref.values.forEach((v, i) => {
    expect(Math.abs((got[i] as number) - v), `element ${i}: ${got[i]} vs ${v}`).toBeLessThanOrEqual(tol * (1 + Math.abs(v)));
  });
}

describe('conv2d', () => {
  const x = () => grid(9, [1, 1, 3, 3]);

  it('hand-computed: 2x2 ones kernel, bias, stride, padding', () => {
    expect(values(conv2d(x(), ones([1, 1, 2, 2])))).toEqual([
      [
        [
          [8, 12],
          [20, 24],
        ],
      ],
    ]);
    expect(values(conv2d(x(), ones([1, 1, 2, 2]), f32([10])))).toEqual([
      [
        [
          [18, 22],
          [30, 34],
        ],
      ],
    ]);
    expect(values(conv2d(x(), ones([1, 1, 1, 1]), null, { stride: 2 }))).toEqual([
      [
        [
          [0, 2],
          [6, 8],
        ],
      ],
    ]);
    expect(values(conv2d(x(), ones([1, 1, 3, 3]), null, { padding: 1, stride: 2 }))).toEqual([
      [
        [
          [8, 12],
          [20, 24],
        ],
      ],
    ]);
    const edge = f32([[[[1, 0, -1]]]]);
    expect(values(conv2d(x(), edge, null, { padding: [0, 1] }))).toEqual([
      [
        [
          [-1, -2, 1],
          [-4, -2, 4],
          [-7, -2, 7],
        ],
      ],
    ]);
  });

  it("padding 'same' (odd total puts the extra column last) and 'valid'", () => {
    expect(values(conv2d(x(), ones([1, 1, 3, 3]), null, { padding: 'same' }))).toEqual([
      [
        [
          [8, 15, 12],
          [21, 36, 27],
          [20, 33, 24],
        ],
      ],
    ]);
    expect(values(conv2d(x(), ones([1, 1, 2, 2]), null, { padding: 'same' }))).toEqual([
      [
        [
          [8, 12, 7],
          [20, 24, 13],
          [13, 15, 8],
        ],
      ],
    ]);
    expect(conv2d(x(), ones([1, 1, 2, 2]), null, { padding: 'same', dilation: 2 }).shape).toEqual([1, 1, 3, 3]);
    expect(values(conv2d(x(), ones([1, 1, 2, 2]), null, { padding: 'valid' }))).toEqual(values(conv2d(x(), ones([1, 1, 2, 2]))));
  });

  it('dilation, multiple channels and groups (depthwise too)', () => {
    expect(values(conv2d(x(), ones([1, 1, 2, 2]), null, { dilation: 2 }))).toEqual([[[[16]]]]);
    const x2 = grid(18, [1, 2, 3, 3]);
    const w = f32([
      [[[1]], [[-1]]],
      [[[2]], [[0]]],
    ]); // (2, 2, 1, 1): out0 = c0 - c1, out1 = 2 * c0
    expect(flat(conv2d(x2, w))).toEqual([...new Array(9).fill(-9), 0, 2, 4, 6, 8, 10, 12, 14, 16]);
    const grouped = conv2d(x2, f32([[[[1]]], [[[-1]]]]), null, { groups: 2 }); // channel-wise scale
    expect(flat(grouped)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, -9, -10, -11, -12, -13, -14, -15, -16, -17]);
    const depthwise = conv2d(x2, ones([4, 1, 2, 2]), f32([0, 1, 2, 3]), { groups: 2 }); // multiplier 2
    expect(values(depthwise)).toEqual([
      [
        [
          [8, 12],
          [20, 24],
        ],
        [
          [9, 13],
          [21, 25],
        ],
        [
          [46, 50],
          [58, 62],
        ],
        [
          [47, 51],
          [59, 63],
        ],
      ],
    ]);
  });

  it('matches a float64 reference on random inputs, fused and composite alike', () => {
    const gen = new Generator(7);
    const cases: [number[], number[], Conv2dOptions, number[]][] = [
      [[2, 3, 7, 6], [4, 3, 3, 3], {}, [0, 0, 0, 0]],
      [[2, 3, 7, 6], [4, 3, 3, 2], { stride: 2, padding: [1, 2] }, [1, 1, 2, 2]],
      [[1, 4, 9, 8], [6, 2, 3, 3], { dilation: 2, padding: 2, groups: 2 }, [2, 2, 2, 2]],
      [[2, 4, 5, 5], [8, 1, 3, 3], { groups: 4, padding: 1, stride: [2, 1] }, [1, 1, 1, 1]],
      [[1, 2, 6, 5], [3, 2, 4, 2], { padding: 'same' }, [1, 2, 0, 1]],
      [[3, 5, 4, 4], [2, 5, 1, 1], {}, [0, 0, 0, 0]],
      [[2, 6, 6, 7], [6, 1, 2, 3], { groups: 6, padding: 'same', dilation: [2, 1] }, [1, 1, 1, 1]],
    ];
    for (const [xs, ws, opts, pads] of cases) {
      tidy(() => {
        const xt = randn(xs, { generator: gen });
        const wt = randn(ws, { generator: gen });
        const bt = randn([ws[0] as number], { generator: gen });
        const full = { stride: opts.stride ?? 1, dilation: opts.dilation ?? 1, groups: opts.groups ?? 1, pads };
        const pair = (v: number | readonly [number, number]) => (typeof v === 'number' ? [v, v] : [...v]);
        const ref = reference(xt, wt, bt, {
          stride: pair(full.stride) as [number, number],
          dilation: pair(full.dilation) as [number, number],
          groups: full.groups,
          pads,
        });
        expectClose(conv2d(xt, wt, bt, opts), ref);
        expectClose(conv2dComposite(xt, wt, bt, opts), ref);
      });
    }
  });

  it('reads strided inputs and weights (permuted and sliced views)', () => {
    const gen = new Generator(3);
    const base = randn([2, 6, 5, 3], { generator: gen }); // NHWC
    const xv = base.permute(0, 3, 1, 2); // NCHW view
    const wv = randn([3, 3, 3, 4], { generator: gen })
      .permute(3, 2, 0, 1)
      .slice([{ step: 2 }]); // (2, 3, 3, 3)
    const ref = reference(xv.contiguous(), wv.contiguous(), null, {
      stride: [1, 1],
      dilation: [1, 1],
      groups: 1,
      pads: [1, 1, 1, 1],
    });
    expectClose(conv2d(xv, wv, null, { padding: 1 }), ref);
    expectClose(conv2dComposite(xv, wv, null, { padding: 1 }), ref);
    const x1 = base.permute(0, 3, 1, 2).slice([null, null, { start: 1 }]); // 1x1 conv of an offset view
    const w1 = randn([4, 3, 1, 1], { generator: gen });
    const ref1 = reference(x1.contiguous(), w1, null, { stride: [1, 1], dilation: [1, 1], groups: 1, pads: [0, 0, 0, 0] });
    expectClose(conv2d(x1, w1), ref1);
  });

  it('unbatched input, float16, empty batch', () => {
    expect(values(conv2d(grid(9, [1, 3, 3]), ones([1, 1, 2, 2])))).toEqual([
      [
        [8, 12],
        [20, 24],
      ],
    ]);
    const half = conv2d(x().to('float16'), ones([1, 1, 2, 2], { dtype: 'float16' }), ones([1], { dtype: 'float16' }));
    expect(half.dtype).toBe('float16');
    expect(values(half)).toEqual([
      [
        [
          [9, 13],
          [21, 25],
        ],
      ],
    ]);
    expect(conv2d(zeros([0, 3, 5, 5]), ones([2, 3, 3, 3]), null, { padding: 1 }).shape).toEqual([0, 2, 5, 5]);
    expect(conv2dComposite(zeros([0, 3, 5, 5]), ones([2, 3, 3, 3])).shape).toEqual([0, 2, 3, 3]);
    expect(conv2d(ones([1, 2, 3, 3]), zeros([0, 2, 1, 1])).shape).toEqual([1, 0, 3, 3]);
  });

  it('explains bad arguments', () => {
    const x4 = zeros([1, 4, 5, 5]);
    expect(() => conv2d(x4, zeros([2, 3, 3, 3]))).toThrow(ShapeError);
    expect(() => conv2d(x4, zeros([2, 3, 3, 3]))).toThrow(/weight \[2, 3, 3, 3\] with groups = 1 expects 3 input channels/);
    expect(() => conv2d(x4, zeros([3, 2, 3, 3]), null, { groups: 2 })).toThrow(/3 output channels .* divisible by groups = 2/);
    expect(() => conv2d(x4, zeros([4, 1, 3, 3]), null, { groups: 3 })).toThrow(/expects 3 input channels/);
    expect(() => conv2d(x4, zeros([2, 4, 7, 7]))).toThrow(/kernel 7x7 .* larger than the padded input 5x5/);
    expect(() => conv2d(x4, zeros([2, 4, 3, 3]), null, { dilation: 3 })).toThrow(/7x7 wide\) is larger/);
    expect(() => conv2d(x4, zeros([2, 4, 3, 3]), null, { stride: 0 })).toThrow(/conv2d: stride must be integers >= 1/);
    expect(() => conv2d(x4, zeros([2, 4, 3, 3]), null, { padding: 'same', stride: 2 })).toThrow(/'same' needs stride 1/);
    expect(() => conv2d(x4, zeros([2, 4, 3, 3]), null, { groups: 0 })).toThrow(RangeError);
    expect(() => conv2d(x4, zeros([2, 4, 3, 3]), zeros([3]))).toThrow(/bias must be 1-d .* \(2\), got \[3\]/);
    expect(() => conv2d(x4, zeros([2, 4, 3]))).toThrow(/weight must be 4-d/);
    expect(() => conv2d(zeros([4, 5]), zeros([2, 4, 3, 3]))).toThrow(/3-d \(C, H, W\) or 4-d/);
    expect(() => conv2d(zeros([1, 4, 5, 5], { dtype: 'int32' }), zeros([2, 4, 3, 3], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => conv2d(x4, zeros([2, 4, 3, 3], { dtype: 'float16' }))).toThrow(/weight dtype float16 must match/);
  });

  it('leaves memory flat inside tidy (fused and composite)', () => {
    const xt = randn([2, 3, 6, 6], { generator: new Generator(1) });
    const wt = randn([4, 3, 3, 3], { generator: new Generator(2) });
    const before = memory();
    for (let i = 0; i < 10; i++) {
      tidy(() => {
        conv2d(xt, wt, null, { padding: 'same' });
        conv2d(xt.to('float16'), wt.to('float16'), null, { padding: [2, 1], stride: 2 });
        conv2dComposite(xt, wt, null, { groups: 1, dilation: 2 });
      });
    }
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
  });
});

describe('conv1d', () => {
  it('hand-computed: difference kernel, stride, padding, same, groups', () => {
    const x = f32([[[1, 2, 4, 7]]]);
    expect(values(conv1d(x, f32([[[1, -1]]])))).toEqual([[[-1, -2, -3]]]);
    expect(values(conv1d(x, f32([[[1, 1]]]), f32([0.5]), { stride: 2 }))).toEqual([[[3.5, 11.5]]]);
    expect(values(conv1d(x, f32([[[1, 1, 1]]]), null, { padding: 1 }))).toEqual([[[3, 7, 13, 11]]]);
    expect(values(conv1d(x, f32([[[1, 1]]]), null, { padding: 'same' }))).toEqual([[[3, 6, 11, 7]]]);
    expect(values(conv1d(x, f32([[[1, 1]]]), null, { dilation: 2 }))).toEqual([[[5, 9]]]);
    const two = f32([
      [1, 2, 3],
      [10, 20, 30],
    ]); // unbatched (C = 2, L = 3)
    expect(values(conv1d(two, f32([[[1]], [[2]]]), null, { groups: 2 }))).toEqual([
      [1, 2, 3],
      [20, 40, 60],
    ]);
  });

  it('explains bad arguments', () => {
    expect(() => conv1d(zeros([1, 2, 5]), zeros([1, 3, 2]))).toThrow(/conv1d: weight \[1, 3, 2\] with groups = 1 expects 3/);
    expect(() => conv1d(zeros([1, 2, 5]), zeros([1, 2, 2, 2]))).toThrow(/conv1d: weight must be 3-d/);
    expect(() => conv1d(zeros([5]), zeros([1, 1, 2]))).toThrow(/conv1d: expected a 2-d/);
    expect(() => conv1d(zeros([1, 1, 2]), zeros([1, 1, 3]))).toThrow(/conv1d: the kernel 1x3/);
    expect(() => conv1d(zeros([1, 1, 5]), zeros([1, 1, 3]), null, { stride: -1 })).toThrow(/conv1d: stride/);
  });
});
