import { describe, expect, it } from 'vitest';
import {
  batchNorm,
  Generator,
  groupNorm,
  instanceNorm,
  layerNorm,
  layerNormComposite,
  memory,
  type OpRecord,
  randn,
  ShapeError,
  setOpObserver,
  type Tensor,
  tensor,
  tidy,
} from '../index';

const close = (t: Tensor | undefined, expected: number[], digits = 4) => {
  expect(t).toBeDefined();
  const got = Array.from((t as Tensor).dataSync());
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i] as number, digits);
  });
};
const f = (data: number[][] | number[][][] | number[]) => tensor(data, { dtype: 'float32' });

describe('batchNorm', () => {
  // channel 0: [1, 3] (mean 2, var 1); channel 1: [2, 6] (mean 4, var 4)
  const x = () =>
    f([
      [1, 2],
      [3, 6],
    ]);

  it('training normalises with batch statistics and returns updated running ones', () => {
    const { output, runningMean, runningVar } = batchNorm(x(), f([0, 0]), f([1, 1]), { training: true });
    close(output, [-1, -1, 1, 1]);
    close(runningMean, [0.2, 0.4]);
    // unbiased variances [2, 8]
    close(runningVar, [0.9 + 0.2, 0.9 + 0.8]);
    const m = batchNorm(x(), f([1, 1]), f([1, 1]), { training: true, momentum: 0.5 });
    close(m.runningMean, [1.5, 2.5]);
    close(m.runningVar, [1.5, 4.5]);
    const without = batchNorm(x(), undefined, undefined, { training: true });
    expect(without.runningMean).toBeUndefined();
    close(without.output, [-1, -1, 1, 1]);
  });

  it('eval mode uses the running statistics; weight and bias are per channel', () => {
    const { output, runningMean } = batchNorm(x(), f([2, 4]), f([1, 4]));
    close(output, [-1, -1, 1, 1]);
    expect(runningMean).toBeUndefined();
    const affine = batchNorm(x(), f([2, 4]), f([1, 4]), { weight: f([2, 3]), bias: f([10, 20]) });
    close(affine.output, [8, 17, 12, 23]);
  });

  it('normalises over N and the spatial dims of (N, C, L)', () => {
    // channel 0 holds 1, 2, 3, 4 (mean 2.5, var 1.25)
    const input = f([
      [
        [1, 2],
        [0, 0],
      ],
      [
        [3, 4],
        [0, 0],
      ],
    ]);
    const { output } = batchNorm(input, undefined, undefined, { training: true });
    const s = Math.sqrt(1.25);
    close(output, [-1.5 / s, -0.5 / s, 0, 0, 0.5 / s, 1.5 / s, 0, 0]);
  });

  it('errors: missing running stats in eval, one value per channel in training, bad shapes', () => {
    expect(() => batchNorm(x())).toThrow(/required/);
    expect(() => batchNorm(f([[1, 2]]), undefined, undefined, { training: true })).toThrow(/more than 1 value/);
    expect(() => batchNorm(x(), f([0, 0, 0]), f([1, 1]))).toThrow(ShapeError);
    expect(() => batchNorm(f([1, 2]), undefined, undefined, { training: true })).toThrow(ShapeError);
  });
});

describe('layerNorm', () => {
  it('normalises over the trailing dims with weight and bias', () => {
    close(layerNorm(f([[1, 3]]), [2]), [-1, 1]);
    const r = Math.sqrt(1.5);
    close(layerNorm(f([[1, 2, 3]]), 3), [-r, 0, r]);
    close(layerNorm(f([[1, 2, 3]]), [3], { weight: f([1, 2, 3]), bias: f([1, 1, 1]) }), [1 - r, 1, 1 + 3 * r]);
    close(
      layerNorm(
        f([
          [
            [1, 3],
            [5, 7],
          ],
        ]),
        [2, 2],
        { eps: 0 },
      ),
      [-1.3416, -0.4472, 0.4472, 1.3416],
    );
    const half = layerNorm(tensor([[1, 3]], { dtype: 'float16' }), [2]);
    expect(half.dtype).toBe('float16');
    close(half, [-1, 1], 2);
  });

  it('runs the fused kernel, which matches the composite on strided views', () => {
    const records: OpRecord[] = [];
    const previous = setOpObserver({ onOp: (r) => records.push(r) });
    try {
      tidy(() => layerNorm(f([[1, 3]]), [2]));
    } finally {
      setOpObserver(previous);
    }
    expect(records.some((r) => r.kind === 'fused' && r.op === 'layerNorm')).toBe(true);
    tidy(() => {
      const g = new Generator(5);
      const x = randn([3, 4, 5], { generator: g }).mul(3).add(2);
      const w = randn([4, 5], { generator: g });
      const b = randn([4, 5], { generator: g });
      for (const view of [x, x.permute(0, 2, 1).permute(0, 2, 1).contiguous(), x.slice([{ step: 2 }])]) {
        const a = layerNorm(view, [4, 5], { weight: w, bias: b }).dataSync();
        const c = layerNormComposite(view, 2, 1e-5, w, b).dataSync();
        a.forEach((v, i) => {
          expect(Math.abs(v - (c[i] as number))).toBeLessThan(1e-5);
        });
      }
      const t = x.permute(2, 1, 0);
      const a = layerNorm(t, [3]).dataSync();
      const c = layerNormComposite(t, 1, 1e-5).dataSync();
      a.forEach((v, i) => {
        expect(Math.abs(v - (c[i] as number))).toBeLessThan(1e-5);
      });
    });
  });

  it('rejects a normalizedShape that does not match', () => {
    expect(() => layerNorm(f([[1, 2, 3]]), [2])).toThrow(ShapeError);
    expect(() => layerNorm(f([[1, 2, 3]]), [])).toThrow(ShapeError);
    expect(() => layerNorm(f([[1, 2, 3]]), [3], { weight: f([1, 2]) })).toThrow(/weight/);
  });
});

describe('groupNorm', () => {
  it('normalises each group of channels of each sample', () => {
    const x = f([[[1], [3], [10], [20]]]);
    close(groupNorm(x, 2), [-1, 1, -1, 1]);
    close(groupNorm(x, 2, { weight: f([1, 2, 3, 4]), bias: f([0, 0, 1, 1]) }), [-1, 2, -2, 5]);
    // one group: all four values
    const m = 8.5;
    const sd = Math.sqrt((7.5 ** 2 + 5.5 ** 2 + 1.5 ** 2 + 11.5 ** 2) / 4);
    close(
      groupNorm(x, 1),
      [1, 3, 10, 20].map((v) => (v - m) / sd),
    );
    expect(() => groupNorm(x, 3)).toThrow(/dividing/);
  });
});

describe('instanceNorm', () => {
  it('normalises each (sample, channel) over space and updates running stats like PyTorch', () => {
    const x = f([
      [
        [1, 3],
        [2, 6],
      ],
      [
        [3, 5],
        [0, 0],
      ],
    ]);
    const { output, runningMean, runningVar } = instanceNorm(x, { runningMean: f([0, 0]), runningVar: f([1, 1]) });
    close(output, [-1, 1, -1, 1, -1, 1, 0, 0], 3);
    // batch means of instance means: [(2 + 4) / 2, (4 + 0) / 2]; unbiased instance variances [2, 2] and [8, 0]
    close(runningMean, [0.3, 0.2]);
    close(runningVar, [0.9 + 0.2, 0.9 + 0.4]);
    const stats = instanceNorm(x, { runningMean: f([2, 4]), runningVar: f([1, 4]), useInputStats: false });
    close(stats.output, [-1, 1, -1, 1, 1, 3, -2, -2], 3);
    expect(() => instanceNorm(x, { useInputStats: false })).toThrow(/required/);
    expect(() => instanceNorm(f([[[1]]]))).toThrow(/spatial/);
  });

  it('leaves memory flat', () => {
    const x = randn([2, 3, 4], { generator: new Generator(2) });
    const before = memory().numTensors;
    tidy(() => {
      instanceNorm(x);
      groupNorm(x, 3);
      layerNorm(x, 4);
      batchNorm(x, undefined, undefined, { training: true });
    });
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });
});
