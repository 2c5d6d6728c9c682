import { Generator, rand, randn, type Tensor, tensor } from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm } from '../src/index';
import { expectMatchesTf, type tf, toTf } from './tfjs-oracle';

const input = (shape: number[], seed = 1) => randn(shape, { generator: new Generator(seed) });
const values = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>);

/** Per-channel [mean, unbiased variance] of an (N, C, ...) tensor, in float64. */
function channelStats(x: Tensor): [number[], number[]] {
  const [n, c] = x.shape as [number, number];
  const s = x.size / (n * c);
  const v = values(x);
  const mean: number[] = [];
  const variance: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    const items: number[] = [];
    for (let b = 0; b < n; b++) for (let i = 0; i < s; i++) items.push(v[(b * c + ch) * s + i] as number);
    const mu = items.reduce((a, b) => a + b, 0) / items.length;
    mean.push(mu);
    variance.push(items.reduce((a, b) => a + (b - mu) ** 2, 0) / (items.length - 1));
  }
  return [mean, variance];
}

function expectClose(actual: readonly number[], expected: readonly number[], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (const [i, a] of actual.entries()) {
    expect(Math.abs(a - (expected[i] as number))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i] as number)));
  }
}

/** Random affine parameters and running statistics loaded into a norm layer. */
function randomizeNorm(bn: BatchNorm1d | BatchNorm2d, c: number): void {
  bn.loadStateDict({
    weight: input([c], 11),
    bias: input([c], 12),
    running_mean: input([c], 13),
    running_var: rand([c], { generator: new Generator(14) }).add(0.5),
    num_batches_tracked: tensor(5, { dtype: 'int32' }),
  });
}

describe('BatchNorm', () => {
  it('BatchNorm2d in eval mode matches tfjs BatchNormalization (inference) on the same weights', () => {
    const bn = new BatchNorm2d(3).eval();
    randomizeNorm(bn, 3);
    const x = input([2, 3, 4, 5]);
    const layer = tfl.layers.batchNormalization({ axis: 3, epsilon: 1e-5 });
    const xt = toTf(x, [0, 2, 3, 1]);
    layer.apply(xt);
    layer.setWeights([bn.weight, bn.bias, bn.runningMean, bn.runningVar].map((t) => toTf(t as Tensor)));
    expectMatchesTf(bn.forward(x), layer.apply(xt) as tf.Tensor, 1e-5, [0, 3, 1, 2]);
  });

  it('BatchNorm1d in eval mode matches tfjs BatchNormalization on (N, C)', () => {
    const bn = new BatchNorm1d(6).eval();
    randomizeNorm(bn, 6);
    const x = input([4, 6]);
    const layer = tfl.layers.batchNormalization({ epsilon: 1e-5 });
    const xt = toTf(x);
    layer.apply(xt);
    layer.setWeights([bn.weight, bn.bias, bn.runningMean, bn.runningVar].map((t) => toTf(t as Tensor)));
    expectMatchesTf(bn.forward(x), layer.apply(xt) as tf.Tensor, 1e-5);
  });

  it('normalises with batch statistics (biased variance) in training mode', () => {
    const bn = new BatchNorm1d(3);
    const x = input([5, 3, 4]);
    const [mean, unbiased] = channelStats(x);
    const y = values(bn.forward(x));
    const xv = values(x);
    const expected = xv.map((v, i) => {
      const ch = Math.floor(i / 4) % 3;
      const biased = ((unbiased[ch] as number) * 19) / 20;
      return (v - (mean[ch] as number)) / Math.sqrt(biased + 1e-5);
    });
    expectClose(y, expected, 1e-4);
  });

  for (const momentum of [0.1, null]) {
    it(`updates running statistics over 3 training steps like PyTorch (momentum ${momentum})`, () => {
      const bn = new BatchNorm2d(2, { momentum });
      const rmHandle = bn.runningMean;
      let rm = [0, 0];
      let rv = [1, 1];
      for (let step = 1; step <= 3; step++) {
        const x = input([3, 2, 2, 2], step).mul(step).add(step);
        const [mean, variance] = channelStats(x);
        const f = momentum ?? 1 / step;
        rm = rm.map((r, c) => (1 - f) * r + f * (mean[c] as number));
        rv = rv.map((r, c) => (1 - f) * r + f * (variance[c] as number));
        bn.forward(x);
        expectClose(values(bn.runningMean as Tensor), rm);
        expectClose(values(bn.runningVar as Tensor), rv);
      }
      expect(bn.runningMean).toBe(rmHandle); // updated in place of identity
      const tracked = bn.numBatchesTracked as Tensor;
      expect([tracked.shape, tracked.dtype, tracked.itemSync()]).toEqual([[], 'int32', 3]);
      // Eval mode normalises with the running statistics.
      bn.eval();
      const x = input([1, 2, 2, 2], 9);
      const expected = values(x).map((v, i) => {
        const c = Math.floor(i / 4);
        return (v - (rm[c] as number)) / Math.sqrt((rv[c] as number) + 1e-5);
      });
      expectClose(values(bn.forward(x)), expected, 1e-5);
      expect(tracked.itemSync()).toBe(3);
    });
  }

  it('backpropagates in training mode while its buffers are updated', () => {
    const bn = new BatchNorm2d(2);
    const x = input([2, 2, 3, 3]).requiresGrad_();
    bn.forward(x)
      .mul(input([2, 2, 3, 3], 5))
      .sum()
      .backward();
    expect(bn.weight?.grad?.shape).toEqual([2]);
    expect(x.grad?.shape).toEqual([2, 2, 3, 3]);
    // The gradient of a batch-normalised output sums to ~0 over each channel.
    const g = values(x.grad as Tensor);
    const perChannel = [0, 1].map((c) => g.filter((_, i) => Math.floor(i / 9) % 2 === c).reduce((a, b) => a + b, 0));
    expectClose(perChannel, [0, 0], 1e-4);
  });

  it('without running statistics it has no buffers and uses batch statistics in eval mode too', () => {
    const bn = new BatchNorm1d(3, { trackRunningStats: false, affine: false });
    expect(bn.stateDict()).toEqual({});
    const x = input([4, 3]);
    const train = values(bn.forward(x));
    expect(values(bn.eval().forward(x))).toEqual(train);
  });

  it('has PyTorch state-dict keys and print', () => {
    const bn = new BatchNorm2d(64);
    expect(Object.entries(bn.stateDict()).map(([k, v]) => [k, v.shape, v.dtype])).toEqual([
      ['weight', [64], 'float32'],
      ['bias', [64], 'float32'],
      ['running_mean', [64], 'float32'],
      ['running_var', [64], 'float32'],
      ['num_batches_tracked', [], 'int32'],
    ]);
    expect(values(bn.weight as Tensor).every((v) => v === 1) && values(bn.bias as Tensor).every((v) => v === 0)).toBe(true);
    expect(Object.keys(new BatchNorm1d(3, { affine: false }).stateDict())).toEqual([
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    expect(String(bn)).toBe('BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    expect(String(new BatchNorm1d(8, { momentum: null, eps: 0.001 }))).toBe(
      'BatchNorm1d(8, eps=0.001, momentum=None, affine=True, track_running_stats=True)',
    );
    bn.resetRunningStats();
    expect((bn.numBatchesTracked as Tensor).itemSync()).toBe(0);
  });

  it('names the problem in input errors', () => {
    expect(() => new BatchNorm2d(3).forward(input([2, 3, 4]))).toThrow('BatchNorm2d: expected 4-d input, got shape [2, 3, 4]');
    expect(() => new BatchNorm1d(3).forward(input([2, 4]))).toThrow(
      'BatchNorm1d: expected 3 channels (dim 1) but the input [2, 4] has 4',
    );
  });
});

describe('LayerNorm', () => {
  it('matches tfjs LayerNormalization over the last dim', () => {
    const ln = new LayerNorm(6);
    ln.loadStateDict({ weight: input([6], 2), bias: input([6], 3) });
    const x = input([2, 3, 6]);
    const layer = tfl.layers.layerNormalization({ axis: -1, epsilon: 1e-5 });
    const xt = toTf(x);
    layer.apply(xt);
    layer.setWeights([toTf(ln.weight as Tensor), toTf(ln.bias as Tensor)]);
    expectMatchesTf(ln.forward(x), layer.apply(xt) as tf.Tensor, 1e-5);
  });

  it('matches tfjs LayerNormalization over the last two dims', () => {
    const ln = new LayerNorm([3, 4]);
    ln.loadStateDict({ weight: input([3, 4], 2), bias: input([3, 4], 3) });
    const x = input([2, 3, 4]);
    const layer = tfl.layers.layerNormalization({ axis: [-2, -1], epsilon: 1e-5 });
    const xt = toTf(x);
    layer.apply(xt);
    layer.setWeights([toTf(ln.weight as Tensor), toTf(ln.bias as Tensor)]);
    expectMatchesTf(ln.forward(x), layer.apply(xt) as tf.Tensor, 1e-5);
  });

  it('has PyTorch keys, defaults and print', () => {
    expect(Object.keys(new LayerNorm(4).stateDict())).toEqual(['weight', 'bias']);
    expect(Object.keys(new LayerNorm(4, { bias: false }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new LayerNorm(4, { elementwiseAffine: false }).stateDict())).toEqual([]);
    expect(String(new LayerNorm(768))).toBe('LayerNorm((768,), eps=1e-05, elementwise_affine=True)');
    expect(String(new LayerNorm([2, 3], { eps: 1e-6, elementwiseAffine: false }))).toBe(
      'LayerNorm((2, 3), eps=1e-06, elementwise_affine=False)',
    );
  });
});

describe('GroupNorm and InstanceNorm2d', () => {
  it('GroupNorm normalises each (sample, group) over its channels and positions, then a per-channel affine', () => {
    const gn = new GroupNorm(2, 4);
    gn.loadStateDict({ weight: tensor([1, 2, 3, 4], { dtype: 'float32' }), bias: tensor([0, 1, 0, 1], { dtype: 'float32' }) });
    const x = input([2, 4, 3]);
    const xv = values(x);
    const expected: number[] = [];
    for (let n = 0; n < 2; n++) {
      for (let grp = 0; grp < 2; grp++) {
        const slice = xv.slice(n * 12 + grp * 6, n * 12 + grp * 6 + 6);
        const mu = slice.reduce((a, b) => a + b, 0) / 6;
        const variance = slice.reduce((a, b) => a + (b - mu) ** 2, 0) / 6;
        slice.forEach((v, i) => {
          const ch = grp * 2 + Math.floor(i / 3);
          expected.push(((v - mu) / Math.sqrt(variance + 1e-5)) * (ch + 1) + (ch % 2));
        });
      }
    }
    expectClose(values(gn.forward(x)), expected, 1e-5);
    expect(String(gn)).toBe('GroupNorm(2, 4, eps=1e-05, affine=True)');
    expect(() => new GroupNorm(3, 4)).toThrow('GroupNorm: numChannels (4) must be divisible by numGroups (3)');
  });

  it('InstanceNorm2d equals GroupNorm with one channel per group, and takes (C, H, W) inputs', () => {
    const x = input([2, 3, 4, 4]);
    const inorm = new InstanceNorm2d(3);
    expectClose(values(inorm.forward(x)), values(new GroupNorm(3, 3, { affine: false }).forward(x)), 1e-5);
    const single = inorm.forward(x.reshape(6, 4, 4).narrow(0, 0, 3));
    expect(single.shape).toEqual([3, 4, 4]);
    expectClose(values(single), values(inorm.forward(x)).slice(0, 48), 1e-5);
    expect(inorm.stateDict()).toEqual({});
    expect(String(inorm)).toBe('InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)');
  });

  it('InstanceNorm2d with trackRunningStats averages instance statistics into its buffers and uses them in eval', () => {
    const inorm = new InstanceNorm2d(2, { trackRunningStats: true, affine: true });
    expect(Object.keys(inorm.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    const x = input([3, 2, 2, 2]);
    const xv = values(x);
    const rm = [0, 0];
    const rv = [1, 1];
    for (let c = 0; c < 2; c++) {
      let m = 0;
      let v = 0;
      for (let n = 0; n < 3; n++) {
        const plane = xv.slice((n * 2 + c) * 4, (n * 2 + c) * 4 + 4);
        const mu = plane.reduce((a, b) => a + b, 0) / 4;
        m += mu / 3;
        v += plane.reduce((a, b) => a + (b - mu) ** 2, 0) / 3 / 3;
      }
      rm[c] = 0.1 * m;
      rv[c] = 0.9 + 0.1 * v;
    }
    inorm.forward(x);
    expectClose(values(inorm.runningMean as Tensor), rm);
    expectClose(values(inorm.runningVar as Tensor), rv);
    expect((inorm.numBatchesTracked as Tensor).itemSync()).toBe(0); // PyTorch does not count for instance norm
    inorm.eval();
    const expected = xv.map((v, i) => {
      const c = Math.floor(i / 4) % 2;
      return (v - (rm[c] as number)) / Math.sqrt((rv[c] as number) + 1e-5);
    });
    expectClose(values(inorm.forward(x)), expected, 1e-5);
  });
});
