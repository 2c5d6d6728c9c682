import { noGrad } from '@strata/autograd';
import { crossEntropy, Generator, randn, type Tensor, tensor, tidy } from '@strata/core';
import { AdaptiveAvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@strata/nn';
import { describe, expect, it } from 'vitest';
import { Adam, OneCycleLR } from '../src/index';

/** 8x8 images with one bright bar — class = which of four bars (top/bottom row band, left/right column band) — plus noise. */
function bars(n: number, seed: number): { x: Tensor; y: Tensor } {
  const g = new Generator(seed);
  const noise = randn([n, 1, 8, 8], { generator: g }).mul(0.3).dataSync();
  const pixels = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % 4;
    labels[i] = cls;
    const offset = 1 + ((i >> 2) % 2); // bar position jitters between two places
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++) {
        const on = cls === 0 ? r === offset : cls === 1 ? r === 7 - offset : cls === 2 ? c === offset : c === 7 - offset;
        pixels[i * 64 + r * 8 + c] = (on ? 1 : 0) + (noise[i * 64 + r * 8 + c] as number);
      }
    }
  }
  return { x: tensor(pixels, { shape: [n, 1, 8, 8], dtype: 'float32' }), y: tensor(labels) };
}

describe('training a small CNN with Adam + OneCycleLR', () => {
  it('reaches >= 95% accuracy on held-out synthetic images', async () => {
    const g = new Generator(0);
    const model = new Sequential(
      new Conv2d(1, 8, 3, { padding: 1, generator: g }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(8, 16, 3, { padding: 1, generator: g }),
      new ReLU(),
      new AdaptiveAvgPool2d(1),
      new Flatten(),
      new Linear(16, 4, { generator: g }),
    );
    const train = bars(256, 1);
    const test = bars(128, 2);
    const epochs = 15;
    const batch = 32;
    const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    const scheduler = new OneCycleLR(optimizer, { maxLr: 0.02, epochs, stepsPerEpoch: 256 / batch });
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let start = 0; start < 256; start += batch) {
        tidy(() => crossEntropy(model.forward(train.x.narrow(0, start, batch)), train.y.narrow(0, start, batch)).backward());
        optimizer.step();
        optimizer.zeroGrad();
        scheduler.step();
      }
    }
    const correct = noGrad(() => tidy(() => model.forward(test.x).argmax(1).eq(test.y).sum()));
    expect(((await correct.item()) as number) / 128).toBeGreaterThanOrEqual(0.95);
  }, 60_000);
});
