/**
 * 1,000 iterations of mixed ops inside tidy() leave core's memory() counts,
 * the buffer pool, the uniform ring and the bind group cache flat.
 */
import * as S from '@strata/core';
import { expect, it } from 'vitest';
import { gpuBackend } from './helpers';

it('a 1,000-iteration tidy loop holds memory, pool buffers and caches flat', async () => {
  const backend = await gpuBackend();
  S.useBackend(backend);
  const w = S.randn([16, 16], { generator: new S.Generator(1) });
  const b = S.zeros([16]);
  let acc = S.zeros([4, 16]);
  const step = (i: number) => {
    const next = S.tidy(() => {
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
      const order = S.argsort(m.reshape(-1));
      const n = S.maximum(m.sum(), z).log1p().clamp(0, 10).add(order.sum().mul(0));
      return S.mul(y, n).sigmoid().cumsum(1).div(16).to('float16').to('float32');
    });
    acc.dispose();
    acc = next;
  };
  for (let i = 0; i < 50; i++) step(i); // warm up: pipelines compile, the pool fills
  await acc.data();
  const before = { memory: S.memory(), stats: backend.stats() };
  for (let i = 0; i < 1000; i++) step(i);
  const values = await acc.data();
  const after = { memory: S.memory(), stats: backend.stats() };
  expect(after.memory.numTensors).toBe(before.memory.numTensors);
  expect(after.memory.numBytes).toBe(before.memory.numBytes);
  expect(after.stats.buffers.live).toBe(before.stats.buffers.live);
  expect(after.stats.buffers.created).toBe(before.stats.buffers.created);
  expect(after.stats.uniformChunks).toBe(before.stats.uniformChunks);
  expect(after.stats.compiles).toBe(before.stats.compiles);
  expect(after.stats.bindGroupMisses - before.stats.bindGroupMisses).toBeLessThan(
    after.stats.dispatches - before.stats.dispatches,
  );
  expect(values.every(Number.isFinite)).toBe(true);
  for (const t of [w, b, acc]) t.dispose();
}, 60_000);
