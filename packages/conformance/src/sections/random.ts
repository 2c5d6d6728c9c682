/**
 * Seeded random streams. The contract is bit-level: element i of a stream is a
 * pure function of (key, counter) through Philox-4x32-10, so every backend must
 * reproduce the host computation exactly (uniform, bits) or to float math
 * precision (normal, Box–Muller). Then: same seed -> same values, statistical
 * sanity on 10k samples, randint ranges, bernoulli probabilities and randperm.
 */
import * as S from '@strata/core';
import { Generator, philox4x32, tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { expectTensor, expectValues } from '../compare';
import type { Harness } from '../harness';

/** The host computation of the first `n` words of a fresh generator seeded with a small integer `seed`. */
function philoxWords(seed: number, n: number): Uint32Array {
  const out = new Uint32Array(Math.ceil(n / 4) * 4);
  const block = new Uint32Array(4);
  for (let b = 0; b * 4 < n; b++) {
    philox4x32(seed >>> 0, 0, b, 0, block);
    out.set(block, b * 4);
  }
  return out;
}

const uniformOf = (bits: number) => (bits >>> 8) * 2 ** -24;

function normalRef(words: Uint32Array, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const base = i - (i % 4) + (i & 2);
    const r = Math.sqrt(-2 * Math.log(((words[base] as number) >>> 8) * 2 ** -24 + 2 ** -24));
    const theta = 2 * Math.PI * uniformOf(words[base + 1] as number);
    return r * (i & 1 ? Math.sin(theta) : Math.cos(theta));
  });
}

function stats(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += ((values[i] as number) - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (values.length - 1)), min, max };
}

export function randomSection(h: Harness): void {
  describe('random', () => {
    it('rand and the random bits reproduce the Philox stream exactly', async () => {
      const n = 1003;
      const words = philoxWords(7, n);
      await expectTensor(S.rand([n], { generator: new Generator(7) }), Array.from(words.subarray(0, n), uniformOf), {
        shape: [n],
        dtype: 'float32',
      });
      if (h.supports('int32')) {
        const perm = await S.randperm(9, { generator: new Generator(7) }).data();
        const keys = Array.from(words.subarray(0, 9), (w) => w | 0);
        const order = keys.map((_, i) => i).sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
        expectValues(perm, order, h.exact, 'randperm = stable argsort of the random bits');
      }
    });

    it('randn is Box–Muller on Philox word pairs (cosine for even, sine for odd elements)', async () => {
      const n = 2001;
      const out = await S.randn([n], { generator: new Generator(11) }).data();
      expectValues(out, normalRef(philoxWords(11, n), n), h.math, 'randn');
    });

    it('the same seed gives the same values; the stream advances between draws', async () => {
      const a = await S.randn([3, 5], { generator: new Generator(123) }).data();
      const b = await S.randn([3, 5], { generator: new Generator(123) }).data();
      expectValues(b, a, h.exact, 'same seed');
      S.manualSeed(99);
      const first = await S.rand([64]).data();
      const second = await S.rand([64]).data();
      S.manualSeed(99);
      expectValues(await S.rand([64]).data(), first, h.exact, 'manualSeed repeats the default stream');
      expect(Array.from(second)).not.toEqual(Array.from(first));
      const g = new Generator(5);
      const x = await S.randint(0, 1000, [32], { generator: g }).data();
      const y = await S.randint(0, 1000, [32], { generator: g }).data();
      expect(Array.from(x)).not.toEqual(Array.from(y));
      expect(Array.from(await S.rand([16], { generator: new Generator(1) }).data())).not.toEqual(
        Array.from(await S.rand([16], { generator: new Generator(2) }).data()),
      );
    });

    it('statistics of 10k samples: rand, randn, randint, bernoulli', async () => {
      const n = 10_000;
      const u = stats(await S.rand([100, 100], { generator: new Generator(21) }).data());
      expect(u.min).toBeGreaterThanOrEqual(0);
      expect(u.max).toBeLessThan(1);
      expect(Math.abs(u.mean - 0.5)).toBeLessThan(0.015);
      expect(Math.abs(u.std - Math.sqrt(1 / 12))).toBeLessThan(0.01);
      const z = await S.randn([n], { generator: new Generator(22) }).data();
      const zs = stats(z);
      expect(Math.abs(zs.mean)).toBeLessThan(0.04);
      expect(Math.abs(zs.std - 1)).toBeLessThan(0.03);
      const within1 = Array.from(z).filter((v) => Math.abs(v) < 1).length / n;
      expect(Math.abs(within1 - 0.6827)).toBeLessThan(0.02);
      if (h.supports('int32')) {
        const r = await S.randint(-3, 7, [n], { generator: new Generator(23) }).data();
        const rs = stats(r);
        expect(rs.min).toBe(-3);
        expect(rs.max).toBe(6);
        expect(Array.from(r).every(Number.isInteger)).toBe(true);
        expect(Math.abs(rs.mean - 1.5)).toBeLessThan(0.1);
      }
      const b = await S.bernoulli(0.3, { shape: [n], generator: new Generator(24) }).data();
      expect(Array.from(b).every((v) => v === 0 || v === 1)).toBe(true);
      expect(Math.abs(stats(b).mean - 0.3)).toBeLessThan(0.02);
    });

    it('randint follows floor(u * (high - low)) + low; bernoulli(p tensor) is u < p', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const words = philoxWords(31, 100);
      const want = Array.from(words.subarray(0, 100), (w) => Math.floor(uniformOf(w) * 20) - 10);
      await expectTensor(S.randint(-10, 10, [10, 10], { generator: new Generator(31) }), want, {
        dtype: 'int32',
        shape: [10, 10],
      });
      const p = tensor([0, 1, 0.5, 0.25, 0.75, 0, 1, 0.5]);
      const wantB = Array.from(philoxWords(32, 8).subarray(0, 8), (w, i) =>
        uniformOf(w) < Math.fround([0, 1, 0.5, 0.25, 0.75, 0, 1, 0.5][i] as number) ? 1 : 0,
      );
      await expectTensor(S.bernoulli(p, { generator: new Generator(32) }), wantB, { dtype: 'float32', shape: [8] });
    });

    it('randperm is a permutation (including n = 0 and 1)', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const n = 1000;
      const perm = Array.from(await S.randperm(n, { generator: new Generator(41) }).data());
      expect([...perm].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(perm).not.toEqual(Array.from({ length: n }, (_, i) => i));
      await expectTensor(S.randperm(0), [], { shape: [0], dtype: 'int32' });
      await expectTensor(S.randperm(1), [0], { shape: [1], dtype: 'int32' });
    });

    it('random tensors can be created in float16 and with empty shapes', async () => {
      await expectTensor(S.rand([0]), [], { shape: [0] });
      await expectTensor(S.randn([2, 0]), [], { shape: [2, 0] });
      if (h.supports('float16')) {
        const x = S.rand([256], { generator: new Generator(51), dtype: 'float16' });
        expect(x.dtype).toBe('float16');
        const s = stats(await x.data());
        expect(s.min).toBeGreaterThanOrEqual(0);
        expect(s.max).toBeLessThanOrEqual(1);
      }
    });
  });
}
