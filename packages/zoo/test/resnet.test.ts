import { batchNorm, conv2d, Generator, memory, rand, randn, relu, type Tensor, tidy } from '@strata/core';
import { init, type Module } from '@strata/nn';
import { describe, expect, it } from 'vitest';
import { Bottleneck, resnet18, resnet50 } from '../src/index';

const parameterCount = (m: Module) => [...m.parameters()].reduce((n, p) => n + p.size, 0);
const dispose = (m: Module) => {
  for (const t of Object.values(m.stateDict())) t.dispose();
};

/** Randomises a block's BatchNorm statistics and affine parameters so that eval mode does real work. */
function randomiseNorms(m: Module, g: Generator): void {
  for (const [key, t] of Object.entries(m.stateDict())) {
    if (key.endsWith('running_var')) init.uniform_(t, 0.5, 2, { generator: g });
    else if (key.endsWith('running_mean') || key.endsWith('bias')) init.uniform_(t, -0.5, 0.5, { generator: g });
    else if (/bn\d\.weight|downsample\.1\.weight/.test(key)) init.uniform_(t, 0.5, 1.5, { generator: g });
  }
}

describe('ResNet', () => {
  it('resnet18 has torchvision keys, shapes and parameter count', () => {
    const model = resnet18({ generator: new Generator(0) });
    const shapes = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.shape]));
    const keys = Object.keys(shapes);
    expect(keys).toHaveLength(122);
    expect(parameterCount(model)).toBe(11_689_512);
    expect(keys.slice(0, 14)).toEqual([
      'conv1.weight',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
      'bn1.num_batches_tracked',
      'layer1.0.conv1.weight',
      'layer1.0.bn1.weight',
      'layer1.0.bn1.bias',
      'layer1.0.bn1.running_mean',
      'layer1.0.bn1.running_var',
      'layer1.0.bn1.num_batches_tracked',
      'layer1.0.conv2.weight',
      'layer1.0.bn2.weight',
    ]);
    expect(keys.slice(-2)).toEqual(['fc.weight', 'fc.bias']);
    expect(shapes['conv1.weight']).toEqual([64, 3, 7, 7]);
    expect(shapes['layer2.0.downsample.0.weight']).toEqual([128, 64, 1, 1]);
    expect(shapes['layer2.0.downsample.1.running_var']).toEqual([128]);
    expect(shapes['layer4.1.conv2.weight']).toEqual([512, 512, 3, 3]);
    expect(shapes['fc.weight']).toEqual([1000, 512]);
    expect(keys.some((k) => k.startsWith('layer1.0.downsample'))).toBe(false);
    dispose(model);
  });

  it('resnet50 has torchvision keys and parameter count (bottleneck, expansion 4)', () => {
    const model = resnet50();
    const shapes = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.shape]));
    expect(Object.keys(shapes)).toHaveLength(320);
    expect(parameterCount(model)).toBe(25_557_032);
    expect(shapes['layer1.0.downsample.0.weight']).toEqual([256, 64, 1, 1]);
    expect(shapes['layer3.2.conv2.weight']).toEqual([256, 256, 3, 3]);
    expect(shapes['layer4.2.conv3.weight']).toEqual([2048, 512, 1, 1]);
    expect(shapes['fc.weight']).toEqual([1000, 2048]);
    dispose(model);
  });

  it('initialises convolutions He-normal with fan-out, like torchvision', async () => {
    const model = resnet18({ generator: new Generator(1) });
    const w = Array.from(await model.conv1.weight.data());
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (64 * 7 * 7)), 3); // fan-out = 64 · 7 · 7
    expect(Math.abs(mean)).toBeLessThan(0.001);
    dispose(model);
  });

  it('maps (N, 3, H, W) to (N, numClasses) and leaks nothing', () => {
    const model = resnet18({ numClasses: 10, generator: new Generator(2) }).eval();
    const x = randn([2, 3, 64, 64], { generator: new Generator(3) });
    const before = memory().numTensors;
    const y = model.forward(x);
    expect(y.shape).toEqual([2, 10]);
    y.dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
    dispose(model);
  });

  it('zeroInitResidual makes every block without a projection start as the identity', async () => {
    const model = resnet18({ zeroInitResidual: true, generator: new Generator(4) }).eval();
    const x = rand([1, 64, 16, 16], { generator: new Generator(5) }); // non-negative, like a ReLU output
    const y = model.layer1.forward(x);
    expect(Array.from(await y.data())).toEqual(Array.from(await x.data()));
    for (const t of [x, y]) t.dispose();
    dispose(model);
  });

  it('a bottleneck block with a projection equals its definition in functional ops (eval mode)', async () => {
    const g = new Generator(6);
    const block = new Bottleneck(8, 4, 2, { generator: g }).eval();
    randomiseNorms(block, g);
    const x = randn([2, 8, 9, 9], { generator: g });
    const sd = block.stateDict();
    const bn = (t: Tensor, name: string) =>
      batchNorm(t, sd[`${name}.running_mean`], sd[`${name}.running_var`], {
        weight: sd[`${name}.weight`] as Tensor,
        bias: sd[`${name}.bias`] as Tensor,
      }).output;
    const expected = tidy(() => {
      let h = relu(bn(conv2d(x, sd['conv1.weight'] as Tensor), 'bn1'));
      h = relu(bn(conv2d(h, sd['conv2.weight'] as Tensor, null, { stride: 2, padding: 1 }), 'bn2'));
      h = bn(conv2d(h, sd['conv3.weight'] as Tensor), 'bn3');
      const shortcut = bn(conv2d(x, sd['downsample.0.weight'] as Tensor, null, { stride: 2 }), 'downsample.1');
      return relu(h.add(shortcut));
    });
    const y = block.forward(x);
    expect(y.shape).toEqual([2, 16, 5, 5]);
    const [got, want] = [await y.data(), await expected.data()];
    for (const [i, v] of got.entries()) expect(v).toBeCloseTo(want[i] as number, 5);
    for (const t of [x, y, expected]) t.dispose();
  });
});
