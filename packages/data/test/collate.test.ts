import { memory, ones, type Tensor, tensor, zeros } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { defaultCollate } from '../src/index';

const values = async (t: Tensor) => [...(await t.data())];

describe('defaultCollate', () => {
  it('stacks tensors and batches numbers by kind', async () => {
    const items = [
      { image: zeros([1, 2, 2]), label: 3, weight: 0.5, ok: true, name: 'a' },
      { image: ones([1, 2, 2]), label: 7, weight: 1, ok: false, name: 'b' },
    ];
    const batch = defaultCollate(items);
    expect(batch.image.shape).toEqual([2, 1, 2, 2]);
    expect(await values(batch.image)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(batch.label.dtype).toBe('int32');
    expect(await values(batch.label)).toEqual([3, 7]);
    expect(batch.weight.dtype).toBe('float32');
    expect(await values(batch.weight)).toEqual([0.5, 1]);
    expect(batch.ok.dtype).toBe('bool');
    expect(await values(batch.ok)).toEqual([1, 0]);
    expect(batch.name).toEqual(['a', 'b']);
    for (const t of [batch.image, batch.label, batch.weight, batch.ok, ...items.map((i) => i.image)]) t.dispose();
  });

  it('transposes tuples and nested structures; typed arrays become rows', async () => {
    const batch = defaultCollate([
      [1, { a: new Float32Array([1, 2]), b: [4, 5] }],
      [2, { a: new Float32Array([3, 4]), b: [6, 7] }],
    ] as [number, { a: Float32Array; b: number[] }][]);
    const [n, { a, b }] = batch;
    expect(await values(n)).toEqual([1, 2]);
    expect(a.shape).toEqual([2, 2]);
    expect(a.dtype).toBe('float32');
    expect(b.length).toBe(2);
    expect(await values(b[0] as Tensor)).toEqual([4, 6]);
    const ints = defaultCollate([new Uint8Array([1, 2]), new Uint8Array([3, 4])]);
    expect(ints.dtype).toBe('int32');
    expect(ints.shape).toEqual([2, 2]);
    for (const t of [n, a, ...b, ints]) t.dispose();
  });

  it('explains mismatches with a path, and frees what it had built', () => {
    const before = memory().numTensors;
    expect(() =>
      defaultCollate([
        { x: 1, y: 'a' },
        { x: 2, y: 3 },
      ] as { x: number; y: unknown }[]),
    ).toThrow(/batch.y: item 0 is a string but item 1 is a number/);
    expect(() => defaultCollate([{ x: 1 }, { z: 2 }] as Record<string, number>[])).toThrow(/different keys \(key 'x'\)/);
    expect(() => defaultCollate([[1, 2], [1]])).toThrow(/every item must have the same length; item 0 has 2, item 1 has 1/);
    expect(() => defaultCollate([null])).toThrow(/cannot batch a null/);
    expect(() => defaultCollate([])).toThrow(/empty list/);
    const a = zeros([2]);
    const b = zeros([3]);
    expect(() =>
      defaultCollate([
        { n: 1, t: a },
        { n: 2, t: b },
      ]),
    ).toThrow(/stack: expects each tensor to be equal size/);
    a.dispose();
    b.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('uses float32 when any number has a fraction or leaves int32', async () => {
    const big = defaultCollate([1, 2 ** 31]);
    expect(big.dtype).toBe('float32');
    big.dispose();
    const t = defaultCollate([tensor(1), tensor(2)]);
    expect(t.shape).toEqual([2]);
    t.dispose();
  });
});
