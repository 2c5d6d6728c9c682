import { Generator, manualSeed } from '@strata/core';
import { describe, expect, it } from 'vitest';
import {
  BatchSampler,
  RandomSampler,
  randomPermutation,
  SequentialSampler,
  SubsetRandomSampler,
  uniforms,
  WeightedRandomSampler,
} from '../src/index';

const isPermutation = (xs: readonly number[], n: number) =>
  [...xs].sort((a, b) => a - b).every((v, i) => v === i) && xs.length === n;

describe('host random numbers', () => {
  it('are uniform-looking and reproducible from a seed', () => {
    const u = uniforms(new Generator(1), 10000);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = u.reduce((a, b) => a + b, 0) / u.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect([...uniforms(new Generator(1), 5)]).toEqual([...u.subarray(0, 5)]);
    const perm = randomPermutation(1000, new Generator(3));
    expect(isPermutation([...perm], 1000)).toBe(true);
  });
});

describe('samplers', () => {
  it('SequentialSampler counts up', () => {
    expect([...new SequentialSampler(4)]).toEqual([0, 1, 2, 3]);
    expect([...new SequentialSampler({ length: 0 })]).toEqual([]);
  });

  it('RandomSampler with a seed: a new permutation per epoch, replayable by epoch', () => {
    const s = new RandomSampler(50, { seed: 7 });
    const e0 = [...s];
    const e1 = [...s];
    expect(isPermutation(e0, 50)).toBe(true);
    expect(isPermutation(e1, 50)).toBe(true);
    expect(e1).not.toEqual(e0);
    expect(s.epoch).toBe(2);
    s.setEpoch(1);
    expect([...s]).toEqual(e1);
    expect([...new RandomSampler(50, { seed: 7 })]).toEqual(e0);
    expect([...new RandomSampler(50, { seed: 8 })]).not.toEqual(e0);
  });

  it('RandomSampler with a generator continues its stream; without either, follows manualSeed', () => {
    const a = new RandomSampler(20, { generator: new Generator(5) });
    const b = new RandomSampler(20, { generator: new Generator(5) });
    expect([...a]).toEqual([...b]);
    expect([...a]).toEqual([...b]);
    manualSeed(123);
    const c = [...new RandomSampler(20)];
    manualSeed(123);
    expect([...new RandomSampler(20)]).toEqual(c);
  });

  it('RandomSampler with replacement or more samples than items', () => {
    const r = [...new RandomSampler(3, { replacement: true, numSamples: 300, seed: 0 })];
    expect(r.length).toBe(300);
    expect(new Set(r)).toEqual(new Set([0, 1, 2]));
    const twice = [...new RandomSampler(4, { numSamples: 6, seed: 0 })];
    expect(isPermutation(twice.slice(0, 4), 4)).toBe(true);
    expect(twice.length).toBe(6);
    expect(() => new RandomSampler(0, { numSamples: 1 })).toThrow(/empty dataset/);
  });

  it('SubsetRandomSampler permutes the given indices', () => {
    const s = new SubsetRandomSampler([10, 20, 30, 40], { seed: 1 });
    const e0 = [...s];
    expect([...e0].sort()).toEqual([10, 20, 30, 40]);
    expect(s.length).toBe(4);
  });

  it('WeightedRandomSampler follows the weights', () => {
    const draws = [...new WeightedRandomSampler([1, 0, 3], 4000, { seed: 2 })];
    expect(draws.includes(1)).toBe(false);
    const share = draws.filter((d) => d === 2).length / draws.length;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
    const noRepeat = [...new WeightedRandomSampler([1, 1, 0, 5], 3, { replacement: false, seed: 0 })];
    expect([...noRepeat].sort()).toEqual([0, 1, 3]);
    expect(() => new WeightedRandomSampler([1, 0], 2, { replacement: false })).toThrow(/without replacement from 1 positive/);
    expect(() => new WeightedRandomSampler([1, -1], 2)).toThrow(/weight 1 is -1/);
  });

  it('BatchSampler groups, with and without dropLast', () => {
    expect([...new BatchSampler(new SequentialSampler(5), 2)]).toEqual([[0, 1], [2, 3], [4]]);
    expect([...new BatchSampler(new SequentialSampler(5), 2, true)]).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(new BatchSampler(new SequentialSampler(5), 2).length).toBe(3);
    expect(new BatchSampler(new SequentialSampler(5), 2, true).length).toBe(2);
    expect(() => new BatchSampler(new SequentialSampler(5), 0)).toThrow(/batchSize must be a positive integer/);
  });
});
