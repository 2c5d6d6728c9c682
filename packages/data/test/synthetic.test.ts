import { Generator, type Tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { gaussianBlobs, moons, type Synthetic, twoSpirals, xor } from '../src/index';

async function host({ x, y }: Synthetic) {
  const points = [...(await x.data())];
  const labels = [...(await y.data())];
  x.dispose();
  y.dispose();
  return { points, labels };
}
const counts = (labels: number[]) => {
  const c = new Map<number, number>();
  for (const l of labels) c.set(l, (c.get(l) ?? 0) + 1);
  return c;
};

describe('synthetic sets', () => {
  it('have the documented shapes, dtypes and balanced labels', async () => {
    for (const make of [
      () => twoSpirals(101, { noise: 0.1, seed: 0 }),
      () => moons(101, { noise: 0.1, seed: 0 }),
      () => xor(101, { seed: 0 }),
      () => gaussianBlobs(101, { centers: 3, seed: 0 }),
    ]) {
      const set = make();
      expect(set.x.shape).toEqual([101, 2]);
      expect(set.x.dtype).toBe('float32');
      expect(set.y.shape).toEqual([101]);
      expect(set.y.dtype).toBe('int32');
      const { labels, points } = await host(set);
      const c = [...counts(labels).values()];
      expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
      expect(points.every(Number.isFinite)).toBe(true);
    }
  });

  it('are deterministic for a seed or generator, and differ across seeds', async () => {
    const a = await host(twoSpirals(50, { noise: 0.05, seed: 1 }));
    const b = await host(twoSpirals(50, { noise: 0.05, generator: new Generator(1) }));
    const c = await host(twoSpirals(50, { noise: 0.05, seed: 2 }));
    expect(b).toEqual(a);
    expect(c.points).not.toEqual(a.points);
    expect(await host(gaussianBlobs(30, { seed: 3 }))).toEqual(await host(gaussianBlobs(30, { seed: 3 })));
  });

  it('put points where each definition says', async () => {
    const { points: xp, labels: xl } = await host(xor(200, { seed: 0 }));
    xl.forEach((l, i) => {
      expect(l).toBe((xp[2 * i] as number) < 0 !== (xp[2 * i + 1] as number) < 0 ? 1 : 0);
    });
    const { points: mp, labels: ml } = await host(moons(10));
    // Noise-free moons: class 0 on the unit upper arc, class 1 on the arc centred (1, 0.5).
    ml.forEach((l, i) => {
      const [px, py] = [mp[2 * i] as number, mp[2 * i + 1] as number];
      const r = l === 0 ? Math.hypot(px, py) : Math.hypot(px - 1, py - 0.5);
      expect(r).toBeCloseTo(1, 5);
    });
    const { points: sp } = await host(twoSpirals(100, { turns: 2, seed: 0 }));
    for (let i = 0; i < 100; i++) expect(Math.hypot(sp[2 * i] as number, sp[2 * i + 1] as number)).toBeLessThanOrEqual(1 + 1e-6);
    const blobs = gaussianBlobs(3000, {
      centers: [
        [-5, 0],
        [5, 0],
      ],
      std: 0.5,
      seed: 0,
    });
    const { points: bp, labels: bl } = await host(blobs);
    const meanX = (cls: number) => {
      const xs = bl.flatMap((l, i) => (l === cls ? [bp[2 * i] as number] : []));
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(meanX(0)).toBeCloseTo(-5, 1);
    expect(meanX(1)).toBeCloseTo(5, 1);
  });

  it('validate their options', () => {
    expect(() => moons(-1)).toThrow(/n must be a non-negative integer/);
    expect(() => twoSpirals(10, { noise: -1 })).toThrow(/noise must be finite and >= 0/);
    expect(() => gaussianBlobs(10, { centers: [] })).toThrow(/centers must not be empty/);
    const empty: Tensor = xor(0).x;
    expect(empty.shape).toEqual([0, 2]);
  });
});
