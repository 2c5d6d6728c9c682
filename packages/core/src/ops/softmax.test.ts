import { describe, expect, it } from 'vitest';
import {
  Generator,
  logSoftmax,
  memory,
  type OpRecord,
  randn,
  setOpObserver,
  softmax,
  softmaxComposite,
  type Tensor,
  tensor,
  tidy,
} from '../index';

const close = (t: Tensor, expected: number[], digits = 6) => {
  const got = Array.from(t.dataSync());
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => {
    const e = expected[i] as number;
    if (Number.isNaN(e)) expect(v).toBeNaN();
    else if (!Number.isFinite(e)) expect(v).toBe(e);
    else expect(v).toBeCloseTo(e, digits);
  });
};

describe('softmax / logSoftmax', () => {
  it('matches hand-computed values along the last axis and along axis 0', () => {
    close(softmax(tensor([1, 2, 3])), [0.09003057, 0.24472847, 0.66524096]);
    close(
      softmax(
        tensor([
          [0, 0],
          [0, Math.log(3)],
        ]),
        1,
      ),
      [0.5, 0.5, 0.25, 0.75],
    );
    close(
      softmax(
        tensor([
          [0, 0],
          [0, Math.log(3)],
        ]),
        0,
      ),
      [0.5, 0.25, 0.5, 0.75],
    );
    close(logSoftmax(tensor([0, 0])), [-Math.LN2, -Math.LN2]);
    close(tensor([1, 2, 3]).logSoftmax(), [-2.40760596, -1.40760596, -0.40760596]);
    close(tensor([[1, 2, 3]]).softmax(-1), [0.09003057, 0.24472847, 0.66524096]);
  });

  it('is stable for large logits (1e4)', () => {
    close(softmax(tensor([1e4, 1e4 - 1])), [0.7310586, 0.2689414]);
    close(logSoftmax(tensor([1e4, 1e4 - 1, -1e4])), [-0.3132617, -1.3132617, -20000.3132617], 2);
    close(softmax(tensor([-1e4, -1e4])), [0.5, 0.5]);
  });

  it('handles -inf like PyTorch: masked entries get 0, an all -inf row gives NaN', () => {
    const ninf = Number.NEGATIVE_INFINITY;
    close(softmax(tensor([ninf, 0, ninf])), [0, 1, 0]);
    close(logSoftmax(tensor([ninf, 0])), [ninf, 0]);
    close(
      softmax(
        tensor([
          [ninf, ninf],
          [1, 1],
        ]),
      ),
      [Number.NaN, Number.NaN, 0.5, 0.5],
    );
    close(logSoftmax(tensor([ninf, ninf])), [Number.NaN, Number.NaN]);
    close(softmax(tensor([Number.NaN, 1])), [Number.NaN, Number.NaN]);
    close(softmax(tensor([Number.POSITIVE_INFINITY, 1])), [Number.NaN, Number.NaN]);
  });

  it('0-d, empty, integer and float16 inputs', () => {
    const s = softmax(tensor(5));
    expect(s.shape).toEqual([]);
    close(s, [1]);
    close(logSoftmax(tensor(5)), [0]);
    expect(softmax(tensor([[], []]), 1).shape).toEqual([2, 0]);
    const fromInt = softmax(tensor([0, 0, 0, 0]));
    expect(fromInt.dtype).toBe('float32');
    close(fromInt, [0.25, 0.25, 0.25, 0.25]);
    const half = softmax(tensor([1, 2, 3], { dtype: 'float16' }));
    expect(half.dtype).toBe('float16');
    close(half, [0.09003057, 0.24472847, 0.66524096], 3);
  });

  it('runs the CPU fused kernel, which matches the composite on strided views', () => {
    const records: OpRecord[] = [];
    const previous = setOpObserver({ onOp: (r) => records.push(r) });
    try {
      tidy(() => softmax(tensor([1, 2])));
    } finally {
      setOpObserver(previous);
    }
    expect(records.some((r) => r.kind === 'fused' && r.op === 'softmax')).toBe(true);
    tidy(() => {
      const x = randn([4, 5, 6], { generator: new Generator(3) }).mul(5);
      for (const view of [x, x.permute(2, 0, 1), x.slice([{ step: 2 }, null, { start: 1, step: 2 }])]) {
        for (let axis = 0; axis < 3; axis++) {
          for (const log of [false, true]) {
            const fused = log ? logSoftmax(view, axis) : softmax(view, axis);
            const composite = softmaxComposite(view, axis, log);
            const a = fused.dataSync();
            const b = composite.dataSync();
            a.forEach((v, i) => {
              expect(Math.abs(v - (b[i] as number))).toBeLessThan(1e-5 * (1 + Math.abs(b[i] as number)));
            });
          }
        }
      }
    });
  });

  it('rows sum to 1 and leave memory flat inside tidy', () => {
    const x = randn([3, 7], { generator: new Generator(1) });
    const before = memory().numTensors;
    const sums = tidy(() => softmax(x, 1).sum(1));
    close(sums, [1, 1, 1]);
    sums.dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('rejects an out-of-range axis', () => {
    expect(() => softmax(tensor([1, 2]), 1)).toThrow(/axis 1 is out of range/);
    expect(() => logSoftmax(tensor([[1, 2]]), -3)).toThrow(/logSoftmax/);
  });
});
