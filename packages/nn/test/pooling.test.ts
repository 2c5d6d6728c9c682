import { arange, Generator, ones, randn, tensor } from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  Conv2d,
  MaxPool1d,
  MaxPool2d,
  Sequential,
} from '../src/index';
import { expectMatchesTf, NCHW_TO_NHWC, NHWC_TO_NCHW, runTf } from './tfjs-oracle';

const input = (shape: number[]) => randn(shape, { generator: new Generator(3) });
const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('pooling layers against tfjs', () => {
  it('MaxPool2d matches MaxPooling2D', () => {
    const x = input([2, 3, 9, 7]);
    const y = runTf(tfl.layers.maxPooling2d({ poolSize: [3, 2], strides: [2, 1] }), x, [], NCHW_TO_NHWC);
    expectMatchesTf(new MaxPool2d([3, 2], { stride: [2, 1] }).forward(x), y, 0, NHWC_TO_NCHW);
  });

  it('AvgPool2d matches AveragePooling2D', () => {
    const x = input([2, 3, 8, 6]);
    const y = runTf(tfl.layers.averagePooling2d({ poolSize: 2, strides: 2 }), x, [], NCHW_TO_NHWC);
    expectMatchesTf(new AvgPool2d(2).forward(x), y, 1e-6, NHWC_TO_NCHW);
  });

  it('MaxPool1d / AvgPool1d match MaxPooling1D / AveragePooling1D', () => {
    const x = input([2, 4, 11]);
    const max = runTf(tfl.layers.maxPooling1d({ poolSize: 3, strides: 2 }), x, [], [0, 2, 1]);
    expectMatchesTf(new MaxPool1d(3, { stride: 2 }).forward(x), max, 0, [0, 2, 1]);
    const avg = runTf(tfl.layers.averagePooling1d({ poolSize: 3, strides: 2 }), x, [], [0, 2, 1]);
    expectMatchesTf(new AvgPool1d(3, { stride: 2 }).forward(x), avg, 1e-6, [0, 2, 1]);
  });

  it('AdaptiveAvgPool2d(1) / AdaptiveMaxPool2d(1) match GlobalAveragePooling2D / GlobalMaxPooling2D', () => {
    const x = input([2, 5, 4, 3]);
    const avg = runTf(tfl.layers.globalAveragePooling2d({ dataFormat: 'channelsLast' }), x, [], NCHW_TO_NHWC);
    expectMatchesTf(new AdaptiveAvgPool2d(1).forward(x).reshape(2, 5), avg, 1e-6);
    const max = runTf(tfl.layers.globalMaxPooling2d({ dataFormat: 'channelsLast' }), x, [], NCHW_TO_NHWC);
    expectMatchesTf(new AdaptiveMaxPool2d(1).forward(x).reshape(2, 5), max, 0);
  });
});

describe('pooling options (hand-derived)', () => {
  const grid = arange(16, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 4, 4);

  it('MaxPool2d returns [values, indices] with returnIndices, and honours ceilMode, padding and dilation', () => {
    const [v, i] = new MaxPool2d(2, { returnIndices: true }).forward(grid);
    expect(values(v)).toEqual([5, 7, 13, 15]);
    expect(values(i)).toEqual([5, 7, 13, 15]);
    expect(i.dtype).toBe('int32');
    expect(values(new MaxPool2d(3, { stride: 2, ceilMode: true }).forward(grid))).toEqual([10, 11, 14, 15]);
    expect(values(new MaxPool2d(2, { stride: 2, padding: 1 }).forward(grid))).toEqual([0, 2, 3, 8, 10, 11, 12, 14, 15]);
    expect(values(new MaxPool2d(2, { stride: 1, dilation: 2 }).forward(grid))).toEqual([10, 11, 14, 15]);
    const [v1, i1] = new MaxPool1d(2, { returnIndices: true }).forward(tensor([[[1, 3, 2, 5, 4]]], { dtype: 'float32' }));
    expect([values(v1), values(i1)]).toEqual([
      [3, 5],
      [1, 3],
    ]);
  });

  it('AvgPool2d: countIncludePad, divisorOverride, ceilMode', () => {
    const x = ones([1, 1, 3, 3]);
    expect(values(new AvgPool2d(3, { stride: 1, padding: 1 }).forward(x)).map((v) => Math.round(v * 9 * 1e5) / 1e5)).toEqual([
      4, 6, 4, 6, 9, 6, 4, 6, 4,
    ]);
    expect(values(new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false }).forward(x))).toEqual(Array(9).fill(1));
    expect(values(new AvgPool2d(2, { divisorOverride: 1 }).forward(grid))).toEqual([10, 18, 42, 50]);
    expect(new AvgPool2d(3, { stride: 2, ceilMode: true }).forward(grid).shape).toEqual([1, 1, 2, 2]);
    expect(
      values(new AvgPool1d(2, { padding: 1, countIncludePad: false }).forward(tensor([[[2, 4, 6]]], { dtype: 'float32' }))),
    ).toEqual([2, 5]);
  });

  it('adaptive pools use PyTorch windows; null keeps a dim', () => {
    const x = arange(9, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 3, 3);
    expect(values(new AdaptiveMaxPool2d(2).forward(x))).toEqual([4, 5, 7, 8]);
    expect(values(new AdaptiveAvgPool2d(2).forward(x))).toEqual([2, 3, 5, 6]);
    expect(new AdaptiveAvgPool2d([1, null]).forward(x).shape).toEqual([1, 1, 1, 3]);
    const [v, i] = new AdaptiveMaxPool2d([1, 1], { returnIndices: true }).forward(x);
    expect([values(v), values(i)]).toEqual([[8], [8]]);
    const seq = tensor([[[1, 5, 3, 4, 2]]], { dtype: 'float32' });
    expect(values(new AdaptiveMaxPool1d(2).forward(seq))).toEqual([5, 4]);
    expect(values(new AdaptiveAvgPool1d(2).forward(seq))).toEqual([3, 3]);
  });

  it('prints like PyTorch and has no state', () => {
    expect(String(new MaxPool2d(2))).toBe('MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect(String(new MaxPool2d([3, 2], { stride: [2, 1], ceilMode: true }))).toBe(
      'MaxPool2d(kernel_size=(3, 2), stride=(2, 1), padding=0, dilation=1, ceil_mode=True)',
    );
    expect(String(new MaxPool1d(3))).toBe('MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)');
    expect(String(new AvgPool2d(3, { stride: 2 }))).toBe('AvgPool2d(kernel_size=3, stride=2, padding=0)');
    expect(String(new AvgPool1d(3))).toBe('AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))');
    expect(String(new AdaptiveAvgPool2d([5, null]))).toBe('AdaptiveAvgPool2d(output_size=(5, None))');
    expect(String(new AdaptiveMaxPool2d(1))).toBe('AdaptiveMaxPool2d(output_size=1)');
    expect(new MaxPool2d(2).stateDict()).toEqual({});
  });

  it('plain max pools fit in a Sequential', () => {
    const net = new Sequential(new Conv2d(1, 2, 3, { padding: 1 }), new MaxPool2d(2), new AdaptiveAvgPool2d(1));
    expect(net.forward(grid).shape).toEqual([1, 2, 1, 1]);
  });
});
