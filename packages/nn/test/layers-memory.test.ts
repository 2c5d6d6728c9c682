import { Generator, memory, randn, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Dropout2d,
  Embedding,
  Flatten,
  GroupNorm,
  InstanceNorm2d,
  LayerNorm,
  Linear,
  l1Penalty,
  MaxPool2d,
  ReLU,
  Residual,
  Sequential,
} from '../src/index';

describe('layers in a training loop', () => {
  it('keep memory flat across forward + backward inside tidy (buffers updated, grads freed)', () => {
    const g = new Generator(0);
    const net = new Sequential(
      new Conv2d(3, 8, 3, { padding: 1, generator: g }),
      new BatchNorm2d(8, { momentum: null }),
      new ReLU(),
      new MaxPool2d(2),
      new Dropout2d(0.1, { generator: g }),
      new Residual(new Conv2d(8, 8, 3, { groups: 2, padding: 1, paddingMode: 'reflect', generator: g })),
      new GroupNorm(2, 8),
      new AvgPool2d(2),
      new ConvTranspose2d(8, 4, 2, { stride: 2, generator: g }),
      new InstanceNorm2d(4, { affine: true, trackRunningStats: true }),
      new AdaptiveAvgPool2d(1),
      new Flatten(),
      new LayerNorm(4),
      new Dropout(0.2, { generator: g }),
      new Linear(4, 2, { generator: g }),
    );
    const emb = new Embedding(10, 2, { paddingIdx: 0, generator: g });
    const x = randn([2, 3, 8, 8], { generator: g });
    const ids = tensor([0, 3]);
    const step = () => {
      tidy(() => {
        const y = net.forward(x).add(emb.forward(ids));
        y.square().mean().add(l1Penalty(net.parameters()).mul(1e-4)).backward();
      });
      for (const p of [...net.parameters(), ...emb.parameters()]) {
        p.grad?.dispose();
        p.grad = undefined;
      }
    };
    const before = memory();
    for (let i = 0; i < 5; i++) step();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
    const bn = net.at(1) as BatchNorm2d;
    expect(bn.numBatchesTracked?.itemSync()).toBe(5);
  });
});

describe('layer construction', () => {
  it('allocates exactly the parameters and buffers a layer holds (no initialisation leftovers)', () => {
    const before = memory().numTensors;
    const layers = [new Linear(5, 3), new Conv2d(2, 4, 3), new ConvTranspose2d(4, 2, 2), new Embedding(7, 3)];
    const held = layers.reduce((n, m) => n + Object.keys(m.stateDict()).length, 0);
    expect(held).toBe(2 + 2 + 2 + 1);
    expect(memory().numTensors - before).toBe(held);
    for (const m of layers) for (const t of Object.values(m.stateDict())) t.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
