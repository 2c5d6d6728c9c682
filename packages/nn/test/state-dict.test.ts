import { Generator, type Tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  BatchNorm2d,
  Bilinear,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  Embedding,
  GRU,
  GRUCell,
  GroupNorm,
  InstanceNorm2d,
  LayerNorm,
  Linear,
  LSTM,
  LSTMCell,
  loadModule,
  Module,
  ModuleDict,
  MultiheadAttention,
  ReLU,
  RNN,
  RNNCell,
  Sequential,
  saveModule,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
} from '../src/index';

/** One of every layer with parameters or buffers, initialised from `seed`. */
function everyLayer(seed: number): ModuleDict {
  const generator = new Generator(seed);
  const g = { generator };
  return new ModuleDict<Module>({
    linear: new Linear(3, 4, g),
    bilinear: new Bilinear(2, 3, 4, g),
    conv1d: new Conv1d(2, 3, 3, g),
    conv2d: new Conv2d(2, 4, 3, g),
    convT: new ConvTranspose2d(4, 2, 3, { stride: 2, ...g }),
    bn1d: new BatchNorm1d(4),
    bn2d: new BatchNorm2d(4),
    ln: new LayerNorm([4]),
    gn: new GroupNorm(2, 4),
    inorm: new InstanceNorm2d(4, { affine: true, trackRunningStats: true }),
    emb: new Embedding(10, 4, g),
    rnn: new RNN(4, 5, g),
    lstm: new LSTM(4, 5, { numLayers: 2, bidirectional: true, ...g }),
    gru: new GRU(4, 5, g),
    rnnCell: new RNNCell(4, 5, g),
    lstmCell: new LSTMCell(4, 5, g),
    gruCell: new GRUCell(4, 5, g),
    mha: new MultiheadAttention(8, 2, g),
    enc: new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, ...g }),
    dec: new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, ...g }),
  });
}

/** torchvision's ResNet BasicBlock with a downsample branch. */
class BasicBlock extends Module {
  conv1 = new Conv2d(4, 8, 3, { stride: 2, padding: 1, bias: false });
  bn1 = new BatchNorm2d(8);
  relu = new ReLU();
  conv2 = new Conv2d(8, 8, 3, { padding: 1, bias: false });
  bn2 = new BatchNorm2d(8);
  downsample = new Sequential(new Conv2d(4, 8, 1, { stride: 2, bias: false }), new BatchNorm2d(8));
}

describe('stateDict round trips', () => {
  it('a model with every layer type round-trips bit-exactly through safetensors', async () => {
    const source = everyLayer(1);
    const target = everyLayer(2);
    const bytes = await saveModule(source);
    const report = loadModule(target, bytes);
    expect(report.missingKeys).toEqual([]);
    expect(report.unexpectedKeys).toEqual([]);
    const a = source.stateDict();
    const b = target.stateDict();
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect(Object.keys(a).length).toBeGreaterThan(60);
    for (const key of Object.keys(a)) {
      const x = a[key] as Tensor;
      const y = b[key] as Tensor;
      expect(y.dtype, key).toBe(x.dtype);
      expect(Array.from(y.dataSync()), key).toEqual(Array.from(x.dataSync()));
    }
  });

  it('uses PyTorch key names: a ResNet basic block', () => {
    expect(Object.keys(new BasicBlock().stateDict())).toEqual([
      'conv1.weight',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
      'bn1.num_batches_tracked',
      'conv2.weight',
      'bn2.weight',
      'bn2.bias',
      'bn2.running_mean',
      'bn2.running_var',
      'bn2.num_batches_tracked',
      'downsample.0.weight',
      'downsample.1.weight',
      'downsample.1.bias',
      'downsample.1.running_mean',
      'downsample.1.running_var',
      'downsample.1.num_batches_tracked',
    ]);
  });

  it('uses PyTorch key names: a 2-layer LSTM', () => {
    expect(Object.keys(new LSTM(3, 4, { numLayers: 2 }).stateDict())).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'weight_ih_l1',
      'weight_hh_l1',
      'bias_ih_l1',
      'bias_hh_l1',
    ]);
  });
});
