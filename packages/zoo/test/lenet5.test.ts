import { Generator, memory, randn, tidy } from '@strata/core';
import { MNIST } from '@strata/data/node';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodeImage, LeNet5, lenet5, predict, toInput } from '../src/index';

describe('LeNet-5', () => {
  it('maps (N, 1, 28, 28) to (N, 10) with PyTorch parameter names', () => {
    const model = new LeNet5({ generator: new Generator(0) });
    const y = tidy(() => model.forward(randn([3, 1, 28, 28])));
    expect(y.shape).toEqual([3, 10]);
    expect(Object.entries(model.stateDict()).map(([k, t]) => [k, t.shape])).toEqual([
      ['conv1.weight', [6, 1, 5, 5]],
      ['conv1.bias', [6]],
      ['conv2.weight', [16, 6, 5, 5]],
      ['conv2.bias', [16]],
      ['fc1.weight', [120, 400]],
      ['fc1.bias', [120]],
      ['fc2.weight', [84, 120]],
      ['fc2.bias', [84]],
      ['fc3.weight', [10, 84]],
      ['fc3.bias', [10]],
    ]);
    expect(new LeNet5({ variant: 'classic' }).forward(randn([1, 1, 28, 28])).shape).toEqual([1, 10]);
  });

  it('inference leaks nothing', () => {
    const model = new LeNet5();
    const x = randn([2, 1, 28, 28]);
    const before = memory().numTensors;
    for (let i = 0; i < 20; i++) model.forward(x).dispose();
    expect(memory().numTensors).toBe(before);
  });
});

describe('pretrained LeNet-5', () => {
  it('loads the shipped weights and reproduces the recorded test accuracy', async () => {
    const model = await lenet5({ pretrained: true });
    const recorded = Number(model.metadata.test_accuracy);
    expect(recorded).toBeGreaterThanOrEqual(0.985);
    const test = await MNIST.load({ train: false });
    const { images, labels } = test.toTensors();
    let correct = 0;
    for (let start = 0; start < 10000; start += 1000) {
      const hits = tidy(() => {
        const x = images.narrow(0, start, 1000).sub(0.1307).div(0.3081);
        return model
          .forward(x)
          .argmax(1)
          .eq(labels.narrow(0, start, 1000))
          .sum();
      });
      correct += hits.itemSync() as number;
      hits.dispose();
    }
    expect(correct / 10000).toBeCloseTo(recorded, 6);
  }, 60_000);

  it('predicts digits from PNG bytes and from raw pixel arrays', async () => {
    const model = await lenet5({ pretrained: true });
    const test = await MNIST.load({ train: false });
    const raw = test.pixels.subarray(0, 784); // the first test image is a 7
    expect((await predict(model, raw)).label).toBe(7);
    const png = encode({ width: 28, height: 28, data: Uint8Array.from(raw), channels: 1, depth: 8 });
    expect(decodeImage(png).pixels.length).toBe(784);
    const fromPng = await predict(model, png);
    expect(fromPng.label).toBe(7);
    expect(fromPng.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // Dark-on-light input is inverted automatically.
    const inverted = await predict(
      model,
      Uint8Array.from(raw, (v) => 255 - v),
    );
    expect(inverted.label).toBe(7);
    expect(toInput(raw).shape).toEqual([1, 1, 28, 28]);
  });
});
