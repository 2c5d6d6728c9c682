/**
 * The backend in a browser page (headless Chromium): the SIMD kernels compile
 * and agree with the CPU backend, and a page's main thread, which may not
 * block in Atomics.wait, runs one thread and says why once.
 */
import { conv2d, Generator, matmul, randn, registerBackend, setBackend, type Tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/index';

async function valuesOn(backend: string, f: () => Tensor): Promise<Float32Array> {
  await setBackend(backend);
  const out = f();
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

describe('wasm backend in Chromium', () => {
  it('runs SIMD kernels on the page thread and logs why it uses one thread', async () => {
    const log: string[] = [];
    const backend = await createWasmBackend({ threads: 2, log: (m) => log.push(m) });
    expect(backend.simd).toBe(true);
    expect(backend.threads).toBe(1);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(
      /one thread instead of 2: (SharedArrayBuffer needs a crossOriginIsolated page|a browser's main thread cannot block)/,
    );
    backend.destroy();
  });

  it('matmul and conv2d agree with the CPU backend', async () => {
    registerBackend('wasm', () => createWasmBackend({ threads: 1, log: () => {} }));
    const g = new Generator(3);
    await setBackend('cpu');
    const [a, b] = [randn([67, 131], { generator: g }), randn([131, 45], { generator: g })];
    const [x, w] = [randn([2, 5, 12, 12], { generator: g }), randn([7, 5, 3, 3], { generator: g })];
    const cases: [string, (a: Tensor, b: Tensor, x: Tensor, w: Tensor) => Tensor][] = [
      ['matmul', (a, b) => matmul(a, b)],
      ['conv2d', (_a, _b, x, w) => conv2d(x, w, null, { stride: 1, padding: 1 })],
    ];
    for (const [name, f] of cases) {
      const want = await valuesOn('cpu', () => f(a, b, x, w));
      const [a2, b2, x2, w2] = (await Promise.all([a, b, x, w].map((t) => t.to('wasm')))) as [Tensor, Tensor, Tensor, Tensor];
      const got = await valuesOn('wasm', () => f(a2, b2, x2, w2));
      for (const t of [a2, b2, x2, w2]) t.dispose();
      expect(got.length, name).toBe(want.length);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)));
      expect(worst, name).toBeLessThan(1e-4);
    }
    for (const t of [a, b, x, w]) t.dispose();
    await setBackend('cpu');
  });
});
