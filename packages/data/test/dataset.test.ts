import { arange, Generator, memory, reshape, type Tensor, tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { ConcatDataset, type Dataset, MapDataset, randomSplit, Subset, splitLengths, TensorDataset } from '../src/index';

const values = async (t: Tensor) => [...(await t.data())];

describe('TensorDataset', () => {
  it('yields tuples of row views', async () => {
    const x = reshape(arange(6, undefined, 1, { dtype: 'float32' }), [3, 2]);
    const y = tensor([7, 8, 9]);
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(3);
    const [xi, yi] = ds.get(1);
    expect(xi.shape).toEqual([2]);
    expect(yi.shape).toEqual([]);
    expect(xi.storage).toBe(x.storage); // a view, no copy
    expect(await values(xi)).toEqual([2, 3]);
    expect(await yi.item()).toBe(8);
    xi.dispose();
    yi.dispose();
    const [xb, yb] = ds.getBatch([2, 0]);
    expect(await values(xb)).toEqual([4, 5, 0, 1]);
    expect(await values(yb)).toEqual([9, 7]);
    xb.dispose();
    yb.dispose();
    x.dispose();
    y.dispose();
  });

  it('rejects mismatched first dims, 0-d tensors and bad indices', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([1, 2]);
    expect(() => new TensorDataset(a, b)).toThrow(/same first dimension; tensor 0 has 3, tensor 1 has 2/);
    expect(() => new TensorDataset(tensor(1))).toThrow(/tensor 0 is 0-d/);
    expect(() => new TensorDataset()).toThrow(/at least one tensor/);
    const ds = new TensorDataset(a);
    expect(() => ds.get(3)).toThrow(/index 3 is out of range for a dataset of length 3/);
    expect(() => ds.get(-1)).toThrow(RangeError);
    expect(() => ds.get(0.5)).toThrow(RangeError);
  });
});

describe('Subset, ConcatDataset, MapDataset', () => {
  const numbers = (n: number, offset = 0): Dataset<number> => ({ length: n, get: (i) => i + offset });

  it('Subset picks and validates indices', async () => {
    const s = new Subset(numbers(10), [9, 2, 2]);
    expect(s.length).toBe(3);
    expect([0, 1, 2].map((i) => s.get(i))).toEqual([9, 2, 2]);
    expect(() => new Subset(numbers(3), [3])).toThrow(/index 3 is out of range/);
    expect(() => s.get(3)).toThrow(/Subset.get: index 3/);
  });

  it('ConcatDataset finds the right part', async () => {
    const c = new ConcatDataset([numbers(2), numbers(0), numbers(3, 100)]);
    expect(c.length).toBe(5);
    expect(c.cumulativeSizes).toEqual([2, 2, 5]);
    expect(Array.from({ length: 5 }, (_, i) => c.get(i))).toEqual([0, 1, 100, 101, 102]);
    expect(() => c.get(5)).toThrow(RangeError);
  });

  it('MapDataset maps items and disposes what the function dropped', async () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float32' },
    );
    const base = new TensorDataset(x);
    const before = memory().numTensors;
    const doubled = new MapDataset(base, ([row]) => ({ twice: (row as Tensor).mul(2) }));
    const item = await doubled.get(1);
    expect(await values(item.twice)).toEqual([6, 8]);
    item.twice.dispose();
    expect(memory().numTensors).toBe(before);
    const asyncBase: Dataset<number> = { length: 2, get: async (i) => i };
    expect(await new MapDataset(asyncBase, (v) => v + 1).get(1)).toBe(2);
    x.dispose();
  });
});

describe('randomSplit', () => {
  it('computes lengths from counts or fractions, like PyTorch', () => {
    expect(splitLengths(10, [7, 3])).toEqual([7, 3]);
    expect(splitLengths(10, [0.5, 0.5])).toEqual([5, 5]);
    expect(splitLengths(11, [0.5, 0.5])).toEqual([6, 5]);
    expect(splitLengths(10, [0.33, 0.33, 0.34])).toEqual([4, 3, 3]);
    expect(splitLengths(1, [1, 0])).toEqual([1, 0]);
    expect(() => splitLengths(10, [5, 4])).toThrow(/sum 9/);
    expect(() => splitLengths(10, [0.5, 0.6])).toThrow(RangeError);
  });

  it('makes disjoint subsets covering the dataset, reproducibly', () => {
    const ds: Dataset<number> = { length: 100, get: (i) => i };
    const [a, b] = randomSplit(ds, [0.8, 0.2], { seed: 42 });
    expect([a?.length, b?.length]).toEqual([80, 20]);
    const all = [...(a?.indices ?? []), ...(b?.indices ?? [])].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const [a2] = randomSplit(ds, [80, 20], { generator: new Generator(42) });
    expect(a2?.indices).toEqual(a?.indices);
    const [a3] = randomSplit(ds, [80, 20], { seed: 43 });
    expect(a3?.indices).not.toEqual(a?.indices);
    expect(() => randomSplit(ds, [1], { seed: 1, generator: new Generator(1) })).toThrow(/either seed or generator/);
  });
});
