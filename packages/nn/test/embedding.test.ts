import { Generator, memory, type Tensor, tensor, tidy } from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { Embedding } from '../src/index';
import { expectMatchesTf, tf, toTf } from './tfjs-oracle';

const values = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>);
const ids = tensor([
  [1, 2, 0, 4],
  [4, 3, 0, 0],
]);

describe('Embedding', () => {
  it('matches tfjs Embedding on the same table', () => {
    const emb = new Embedding(6, 3, { generator: new Generator(0) });
    const layer = tfl.layers.embedding({ inputDim: 6, outputDim: 3 });
    const it = tf.tensor(values(ids), [2, 4], 'int32');
    layer.apply(it);
    layer.setWeights([toTf(emb.weight)]);
    expectMatchesTf(emb.forward(ids), layer.apply(it) as tf.Tensor, 0);
  });

  it('initialises N(0, 1) with the padding row zeroed; negative paddingIdx counts from the end', () => {
    const emb = new Embedding(200, 64, { paddingIdx: -200, generator: new Generator(1) });
    expect(emb.paddingIdx).toBe(0);
    const w = values(emb.weight);
    expect(w.slice(0, 64).every((v) => v === 0)).toBe(true);
    const rest = w.slice(64);
    const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
    const std = Math.sqrt(rest.reduce((a, b) => a + (b - mean) ** 2, 0) / rest.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.05);
  });

  it('gives the padding row no gradient, while the lookup returns the row as stored', () => {
    const emb = new Embedding(5, 2, { paddingIdx: 0, generator: new Generator(2) });
    const y = emb.forward(ids);
    expect(values(y).slice(4, 6)).toEqual([0, 0]);
    y.sum().backward();
    // Each row's gradient counts its uses; row 0 (padding, used 3 times) gets none.
    expect(values(emb.weight.grad as Tensor)).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 2, 2]);
    // Accumulates into .grad across backward calls, padding row still zero.
    emb.forward(ids).sum().backward();
    expect(values(emb.weight.grad as Tensor)).toEqual([0, 0, 2, 2, 2, 2, 2, 2, 4, 4]);
    // A padding row changed by a checkpoint is returned as stored (PyTorch's behaviour).
    emb.weight.assign(emb.weight.detach().add(1));
    expect(values(emb.forward(tensor([0]))).every((v) => v === 1)).toBe(true);
  });

  it('fromPretrained holds the given table, frozen by default', () => {
    const table = tensor([
      [1, 2],
      [3, 4],
    ]).to('float32');
    const emb = Embedding.fromPretrained(table);
    expect(emb.weight).toBe(table);
    expect(emb.weight.requiresGrad).toBe(false);
    expect(values(emb.forward(tensor([1, 0])))).toEqual([3, 4, 1, 2]);
    expect(Embedding.fromPretrained(table, { freeze: false }).weight.requiresGrad).toBe(true);
  });

  it('has the PyTorch key and print, and leaks nothing in a training loop', () => {
    const emb = new Embedding(10, 3, { paddingIdx: 0 });
    expect(Object.keys(emb.stateDict())).toEqual(['weight']);
    expect(String(emb)).toBe('Embedding(10, 3, padding_idx=0)');
    expect(String(new Embedding(10, 3))).toBe('Embedding(10, 3)');
    const before = memory();
    for (let i = 0; i < 5; i++) {
      tidy(() => emb.forward(ids).square().sum().backward());
      emb.weight.grad?.dispose();
      emb.weight.grad = undefined;
    }
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
  });
});
