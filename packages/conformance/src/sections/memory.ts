/**
 * Memory: live tensor and byte counts stay flat across many tidy() iterations
 * of mixed work, dispose releases storage once (views share it), and using or
 * disposing a tensor twice fails clearly.
 */
import * as S from '@strata/core';
import { DisposedError, keep, memory, type Tensor, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { expectTensor } from '../compare';
import type { Harness } from '../harness';

const bytesOf = (h: Harness) => memory().backends[h.backend.name]?.numBytes ?? 0;

export function memorySection(h: Harness): void {
  describe('memory', () => {
    it('1,000 iterations of mixed ops inside tidy() leave tensor and byte counts flat', async () => {
      const w = S.randn([16, 16], { generator: new S.Generator(1) });
      const b = S.zeros([16]);
      let acc = S.zeros([4, 16]);
      const before = memory();
      const beforeBackend = bytesOf(h);
      for (let i = 0; i < 1000; i++) {
        const next = tidy(() => {
          const x = S.add(acc, S.full([4, 16], i % 7));
          const y = S.linear(x.tanh(), w, b).relu();
          const z = S.matmul(y.T, y).sum(1, true).mean().sqrt();
          const v = y
            .slice([{ step: 2 }])
            .reshape(-1)
            .expand(3, 32)
            .permute(1, 0)
            .contiguous();
          const m = S.where(S.gt(v, 0.5), v, S.neg(v)).max(0);
          const n = S.maximum(m.sum(), z).log1p().clamp(0, 10);
          return S.mul(y, n).sigmoid().cumsum(1).div(16);
        });
        acc.dispose();
        acc = next;
      }
      const after = memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numBytes).toBe(before.numBytes);
      expect(bytesOf(h)).toBe(beforeBackend);
      const values = await acc.data();
      expect(values.every(Number.isFinite)).toBe(true);
      for (const t of [w, b, acc]) t.dispose();
    });

    it('dispose releases storage when the last view goes; counts return to where they were', () => {
      const before = memory();
      const t = S.ones([8, 8]);
      const v = t.T;
      expect(memory().numTensors - before.numTensors).toBe(2);
      expect(memory().numBytes - before.numBytes).toBe(8 * 8 * 4);
      t.dispose();
      expect(memory().numBytes - before.numBytes).toBe(8 * 8 * 4);
      v.dispose();
      expect(memory().numTensors).toBe(before.numTensors);
      expect(memory().numBytes).toBe(before.numBytes);
    });

    it('tidy returns results (nested too), keep() protects, and an error inside still cleans up', () => {
      const before = memory().numTensors;
      const out = tidy(() => {
        const a = S.ones([3]).add(1);
        return { a: a.mul(2), list: [a.exp()] };
      });
      expect(memory().numTensors - before).toBe(2);
      out.a.dispose();
      out.list[0]?.dispose();
      let kept: Tensor | undefined;
      tidy(() => {
        kept = keep(S.zeros([2]));
        S.zeros([2]);
      });
      expect(kept?.isDisposed).toBe(false);
      kept?.dispose();
      expect(() =>
        tidy(() => {
          S.ones([4]);
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(memory().numTensors).toBe(before);
    });

    it('double dispose and use after dispose throw DisposedError naming the op', async () => {
      const t = tensor([1, 2, 3]);
      t.dispose();
      expect(t.isDisposed).toBe(true);
      expect(() => t.dispose()).toThrow(DisposedError);
      expect(() => t.add(1)).toThrow(DisposedError);
      expect(() => t.add(1)).toThrow(/add/);
      expect(() => S.matmul(t, t)).toThrow(/matmul/);
      expect(() => t.sum()).toThrow(DisposedError);
      expect(() => t.reshape(3, 1)).toThrow(DisposedError);
      await expect(t.data()).rejects.toThrow(DisposedError);
      const u = tensor([4, 5]);
      const view = u.reshape(2, 1);
      u.dispose();
      await expectTensor(view, [[4], [5]], { label: 'a view outlives its base handle' });
      view.dispose();
    });
  });
}
