import { conv1d, conv2d, Generator, pad, randn, type Tensor } from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { Conv1d, Conv2d, ConvTranspose2d } from '../src/index';
import { expectMatchesTf, NCHW_TO_NHWC, NHWC_TO_NCHW, runTf, tf, toTf } from './tfjs-oracle';

const g = () => new Generator(7);
const input = (shape: number[], seed = 1) => randn(shape, { generator: new Generator(seed) });

describe('Conv2d', () => {
  it('matches tfjs Conv2D (NHWC input, HWIO kernel) with stride and bias', () => {
    const conv = new Conv2d(3, 4, 3, { stride: 2, generator: g() });
    const x = input([2, 3, 7, 6]);
    const layer = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid' });
    const y = runTf(layer, x, [toTf(conv.weight, [2, 3, 1, 0]), toTf(conv.bias as Tensor)], NCHW_TO_NHWC);
    expectMatchesTf(conv.forward(x), y, 1e-5, NHWC_TO_NCHW);
  });

  it("matches tfjs Conv2D padding 'same' with an even, dilated kernel (extra padding last)", () => {
    const conv = new Conv2d(2, 3, [4, 2], { padding: 'same', dilation: 2, generator: g() });
    const x = input([1, 2, 9, 8]);
    const layer = tfl.layers.conv2d({ filters: 3, kernelSize: [4, 2], dilationRate: 2, padding: 'same' });
    const y = runTf(layer, x, [toTf(conv.weight, [2, 3, 1, 0]), toTf(conv.bias as Tensor)], NCHW_TO_NHWC);
    expect(conv.forward(x).shape).toEqual([1, 3, 9, 8]);
    expectMatchesTf(conv.forward(x), y, 1e-5, NHWC_TO_NCHW);
  });

  it('with groups = inChannels matches tfjs DepthwiseConv2D', () => {
    const conv = new Conv2d(3, 6, 3, { groups: 3, generator: g() });
    expect(conv.weight.shape).toEqual([6, 1, 3, 3]);
    const x = input([2, 3, 6, 6]);
    const layer = tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 });
    // (in * mult, 1, kH, kW) → (in, mult, kH, kW) → (kH, kW, in, mult)
    const kernel = tf.transpose(tf.reshape(toTf(conv.weight), [3, 2, 3, 3]), [2, 3, 0, 1]);
    const y = runTf(layer, x, [kernel, toTf(conv.bias as Tensor)], NCHW_TO_NHWC);
    expectMatchesTf(conv.forward(x), y, 1e-5, NHWC_TO_NCHW);
  });

  it("paddingMode 'reflect' / 'replicate' pad the input before an unpadded convolution", () => {
    for (const mode of ['reflect', 'replicate'] as const) {
      const conv = new Conv2d(2, 2, 3, { padding: [1, 2], paddingMode: mode, generator: g() });
      const x = input([1, 2, 5, 6]);
      const expected = conv2d(pad(x, [2, 2, 1, 1], { mode }), conv.weight, conv.bias);
      expect(Array.from(conv.forward(x).dataSync())).toEqual(Array.from(expected.dataSync()));
    }
  });

  it('initialises like PyTorch: weight and bias U(±1/√fanIn), fanIn = in / groups * kH * kW', () => {
    const conv = new Conv2d(6, 64, 3, { groups: 2, generator: g() });
    const bound = 1 / Math.sqrt(3 * 9);
    for (const t of [conv.weight, conv.bias as Tensor]) {
      const v = Array.from(t.dataSync() as ArrayLike<number>);
      const m = Math.max(...v.map(Math.abs));
      expect(m).toBeLessThanOrEqual(bound);
      expect(m).toBeGreaterThan(0.9 * bound);
    }
  });

  it('has PyTorch state-dict keys, layouts and print', () => {
    const conv = new Conv2d(4, 8, [3, 5], { groups: 2 });
    expect(Object.entries(conv.stateDict()).map(([k, v]) => [k, v.shape])).toEqual([
      ['weight', [8, 2, 3, 5]],
      ['bias', [8]],
    ]);
    expect(String(new Conv2d(3, 64, 3, { padding: 1 }))).toBe('Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))');
    expect(String(new Conv2d(4, 4, 3, { padding: 'same', dilation: 2, groups: 2, bias: false, paddingMode: 'reflect' }))).toBe(
      'Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=same, dilation=(2, 2), groups=2, bias=False, padding_mode=reflect)',
    );
    expect(Object.keys(new Conv2d(1, 1, 1, { bias: false }).stateDict())).toEqual(['weight']);
  });

  it('rejects bad configurations in the constructor, naming the fix', () => {
    expect(() => new Conv2d(3, 4, 3, { padding: 'same', stride: 2 })).toThrow(/padding 'same' needs stride 1/);
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(
      'Conv2d: inChannels (3) must be a positive integer divisible by groups (2)',
    );
    expect(() => new Conv2d(3, 4, [3, 3, 3] as unknown as [number, number])).toThrow(/kernelSize must be/);
  });

  it('backpropagates into weight and bias', () => {
    const conv = new Conv2d(2, 3, 3, { padding: 1, generator: g() });
    conv
      .forward(input([2, 2, 4, 4]))
      .square()
      .sum()
      .backward();
    expect(conv.weight.grad?.shape).toEqual([3, 2, 3, 3]);
    expect(conv.bias?.grad?.shape).toEqual([3]);
  });
});

describe('Conv1d', () => {
  it('matches tfjs Conv1D (NLC input, (k, in, out) kernel)', () => {
    const conv = new Conv1d(3, 5, 3, { stride: 2, dilation: 1, generator: g() });
    const x = input([2, 3, 11]);
    const layer = tfl.layers.conv1d({ filters: 5, kernelSize: 3, strides: 2, padding: 'valid' });
    const y = runTf(layer, x, [toTf(conv.weight, [2, 1, 0]), toTf(conv.bias as Tensor)], [0, 2, 1]);
    expectMatchesTf(conv.forward(x), y, 1e-5, [0, 2, 1]);
  });

  it("supports 'same' and paddingMode, and prints like PyTorch", () => {
    const conv = new Conv1d(2, 2, 4, { padding: 'same', paddingMode: 'replicate', generator: g() });
    const x = input([1, 2, 7]);
    const expected = conv1d(pad(x, [1, 2], { mode: 'replicate' }), conv.weight, conv.bias);
    expect(Array.from(conv.forward(x).dataSync())).toEqual(Array.from(expected.dataSync()));
    expect(String(new Conv1d(16, 33, 3, { stride: 2, bias: false }))).toBe(
      'Conv1d(16, 33, kernel_size=(3,), stride=(2,), bias=False)',
    );
    expect(new Conv1d(16, 33, 3).weight.shape).toEqual([33, 16, 3]);
  });
});

describe('ConvTranspose2d', () => {
  it('matches tfjs Conv2DTranspose ((kH, kW, out, in) kernel)', () => {
    const conv = new ConvTranspose2d(3, 4, 3, { stride: 2, generator: g() });
    expect(conv.weight.shape).toEqual([3, 4, 3, 3]);
    const x = input([2, 3, 4, 5]);
    const layer = tfl.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid' });
    const y = runTf(layer, x, [toTf(conv.weight, [2, 3, 1, 0]), toTf(conv.bias as Tensor)], NCHW_TO_NHWC);
    expect(conv.forward(x).shape).toEqual([2, 4, 9, 11]);
    expectMatchesTf(conv.forward(x), y, 1e-5, NHWC_TO_NCHW);
  });

  it('initialises from fanIn = (out / groups) * kH * kW and prints like PyTorch', () => {
    const conv = new ConvTranspose2d(4, 32, 3, { groups: 2, generator: g() });
    expect(conv.weight.shape).toEqual([4, 16, 3, 3]);
    const bound = 1 / Math.sqrt(16 * 9);
    const v = Array.from(conv.weight.dataSync() as ArrayLike<number>);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(String(new ConvTranspose2d(16, 33, [3, 5], { stride: 2, padding: [4, 2], outputPadding: 1 }))).toBe(
      'ConvTranspose2d(16, 33, kernel_size=(3, 5), stride=(2, 2), padding=(4, 2), output_padding=(1, 1))',
    );
    expect(() => new ConvTranspose2d(1, 1, 3, { outputPadding: 1 })).toThrow(/outputPadding/);
    expect(new ConvTranspose2d(1, 1, 3, { stride: 2, padding: 1, outputPadding: 1 }).forward(input([1, 1, 4, 4])).shape).toEqual([
      1, 1, 8, 8,
    ]);
  });
});
