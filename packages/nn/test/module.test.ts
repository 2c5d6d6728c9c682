import { Generator, memory, ones, type Tensor, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import {
  Identity,
  Linear,
  loadModule,
  Module,
  ModuleDict,
  ModuleList,
  parameter,
  ReLU,
  Sequential,
  StateDictError,
  saveModule,
} from '../src/index';

class Block extends Module {
  fc = new Linear(3, 4, { generator: new Generator(1) });
  act = new ReLU();
  scale = parameter(ones([4]));
  constructor() {
    super();
    this.registerBuffer('running_mean', ones([4]).mul(0));
    this.registerBuffer('cache', ones([1]), { persistent: false });
  }
  forward(x: Tensor): Tensor {
    return this.act.forward(this.fc.forward(x)).mul(this.scale);
  }
}

describe('Module', () => {
  it('finds parameters, buffers and children from properties, with PyTorch dotted names', () => {
    const net = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    expect([...net.namedParameters()].map(([n, p]) => [n, p.shape])).toEqual([
      ['0.weight', [3, 2]],
      ['0.bias', [3]],
      ['2.weight', [1, 3]],
      ['2.bias', [1]],
    ]);
    const block = new Block();
    expect(Object.keys(block.stateDict())).toEqual(['scale', 'running_mean', 'fc.weight', 'fc.bias']);
    expect([...block.namedBuffers()].map(([n]) => n)).toEqual(['running_mean', 'cache']);
    expect([...block.namedChildren()].map(([n]) => n)).toEqual(['fc', 'act']);
    expect([...block.parameters()].every((p) => p.requiresGrad)).toBe(true);
  });

  it('initialises Linear like PyTorch: U(-1/sqrt(in), 1/sqrt(in))', async () => {
    const fc = new Linear(100, 50, { generator: new Generator(0) });
    const w = Array.from(await fc.weight.data());
    const bound = 1 / Math.sqrt(100);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    expect(Math.abs(w.reduce((a, b) => a + b, 0) / w.length)).toBeLessThan(0.01);
  });

  it('switches train/eval recursively and freezes parameters', () => {
    const net = new Sequential(new Linear(2, 2), new Sequential(new Identity()));
    net.eval();
    expect([...net.modules()].every((m) => !m.training)).toBe(true);
    net.train();
    expect([...net.modules()].every((m) => m.training)).toBe(true);
    net.requiresGrad_(false);
    expect([...net.parameters()].some((p) => p.requiresGrad)).toBe(false);
  });

  it('prints like PyTorch', () => {
    const net = new Sequential(new Linear(2, 3), new ReLU(), new Sequential(new Linear(3, 1, { bias: false })));
    expect(net.toString()).toBe(
      [
        'Sequential(',
        '  (0): Linear(in_features=2, out_features=3, bias=True)',
        '  (1): ReLU()',
        '  (2): Sequential(',
        '    (0): Linear(in_features=3, out_features=1, bias=False)',
        '  )',
        ')',
      ].join('\n'),
    );
  });

  it('loadStateDict assigns by name and lists every problem', async () => {
    const a = new Block();
    const b = new Block();
    const w = b.fc.weight;
    b.loadStateDict({ ...a.stateDict() });
    expect(b.fc.weight).toBe(w); // same handle: optimizers keep their references
    expect(Array.from(await b.fc.weight.data())).toEqual(Array.from(await a.fc.weight.data()));
    const sd = { ...a.stateDict(), extra: ones([1]), 'fc.bias': ones([5]) };
    delete (sd as Record<string, Tensor>).scale;
    expect(() => b.loadStateDict(sd)).toThrow(StateDictError);
    expect(() => b.loadStateDict(sd)).toThrow(
      'loadStateDict(Block): size mismatch for fc.bias: checkpoint [5] vs model [4]. missing keys: scale. unexpected keys: extra',
    );
    const partial = { 'fc.weight': a.fc.weight };
    expect(b.loadStateDict(partial, { strict: false }).missingKeys).toEqual(['scale', 'running_mean', 'fc.bias']);
  });

  it('round-trips through safetensors bytes', async () => {
    const a = new Block();
    const bytes = await saveModule(a, { note: 'test' });
    const b = new Block();
    b.fc.weight.assign(b.fc.weight.mul(0).detach());
    const { metadata } = loadModule(b, bytes);
    expect(metadata).toEqual({ note: 'test' });
    expect(Array.from(await b.fc.weight.data())).toEqual(Array.from(await a.fc.weight.data()));
  });

  it('ModuleList and ModuleDict name children by index and key', () => {
    const list = new ModuleList([new Linear(1, 1), new Linear(1, 2)]);
    const dict = new ModuleDict({ enc: new Linear(2, 2), dec: list });
    expect(Object.keys(dict.stateDict())).toEqual([
      'enc.weight',
      'enc.bias',
      'dec.0.weight',
      'dec.0.bias',
      'dec.1.weight',
      'dec.1.bias',
    ]);
    expect(() => dict.get('nope')).toThrow(/no module named 'nope'/);
  });

  it('forward, backward and loading leak nothing', () => {
    const net = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
    const x = ones([5, 4]);
    const before = memory();
    for (let i = 0; i < 50; i++) {
      tidy(() => net.forward(x).sum().backward());
      for (const p of net.parameters()) {
        p.grad?.dispose();
        p.grad = undefined;
      }
      net.loadStateDict(net.stateDict());
    }
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
    expect(tensor([1]).dtype).toBe('int32');
  });
});
