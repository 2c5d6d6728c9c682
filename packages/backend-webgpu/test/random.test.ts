/**
 * The random primitive reproduces core's Philox-4x32-10 stream: 'bits' and
 * 'uniform' bit for bit (including a counter that carries into its high word),
 * 'normal' within float32 tolerance of the CPU's float64 Box–Muller.
 */
import { philox4x32 } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { differences, runBoth } from './helpers';

describe('random (Philox-4x32-10)', () => {
  it('bits equal philox4x32 word for word, across a 2^32 counter carry', async () => {
    const key: [number, number] = [0xdeadbeef, 12345];
    const counter = 2 ** 32 - 3;
    const n = 1001;
    const { gpu } = await runBoth('random', [], { key, counter, distribution: 'bits' }, { shape: [n], dtype: 'int32' });
    const block = new Uint32Array(4);
    const expected: number[] = [];
    for (let b = 0; b * 4 < n; b++) {
      const c = counter + b;
      philox4x32(key[0], key[1], c % 2 ** 32, Math.floor(c / 2 ** 32), block);
      for (let w = 0; w < 4 && b * 4 + w < n; w++) expected.push((block[w] as number) | 0);
    }
    expect(gpu).toEqual(expected);
  });

  it('uniform matches the CPU exactly, normal within float32 tolerance', async () => {
    const params = { key: [7, 0] as [number, number], counter: 5, distribution: 'uniform' as const };
    const u = await runBoth('random', [], params, { shape: [4097], dtype: 'float32' });
    expect(u.gpu).toEqual(u.cpu);
    expect(u.gpu.every((v) => v >= 0 && v < 1)).toBe(true);
    const g = await runBoth('random', [], { ...params, distribution: 'normal' }, { shape: [4097], dtype: 'float32' });
    expect(differences(g.gpu, g.cpu, 2 ** -16, 2 ** -16)).toEqual([]);
  });

  it('float16 output is the float32 stream rounded once', async () => {
    const params = { key: [1, 2] as [number, number], counter: 0, distribution: 'uniform' as const };
    const h = await runBoth('random', [], params, { shape: [33], dtype: 'float16' }, true);
    expect(differences(h.gpu, h.cpu, 2 ** -10, 2 ** -24)).toEqual([]);
  });
});
