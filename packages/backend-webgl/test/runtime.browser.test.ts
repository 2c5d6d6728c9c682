/**
 * The runtime under the kernels: gpu.js's pipeline-reuse trap and how the
 * backend avoids it, the kernel cache (compiled once per structure, not per
 * size or constant), and texture lifetimes (free really deletes; a loop holds
 * the number of WebGL textures flat).
 */
import * as S from '@strata/core';
import { GPU, type Texture } from 'gpu.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebGlBackend } from '../src/index';
import { countingBackend, glTextureOf } from './helpers';

let backend: WebGlBackend | undefined;
afterEach(() => {
  backend?.destroy();
  backend = undefined;
});

function use(): { backend: WebGlBackend; live: () => number } {
  const made = countingBackend();
  backend = made.backend;
  S.useBackend(made.backend);
  return { backend: made.backend, live: made.textures.live };
}

describe('the pipeline-reuse trap', () => {
  it('a plain gpu.js pipeline kernel overwrites its previous result (why the backend uses immutable kernels)', () => {
    const gpu = new GPU({ mode: 'webgl2' });
    const settings = { output: [4], pipeline: true, argumentTypes: { a: 'Array' }, tactic: 'precision' } as const;
    const copy = gpu.createKernel('function(a) { return a[this.thread.x]; }', settings as never);
    const first = copy(new Float32Array([1, 2, 3, 4])) as Texture;
    const second = copy(new Float32Array([5, 6, 7, 8])) as Texture;
    expect(Array.from(first.toArray() as Float32Array)).toEqual([5, 6, 7, 8]); // the first result is gone
    expect(second).toBe(first);
    const immutable = gpu.createKernel('function(a) { return a[this.thread.x]; }', { ...settings, immutable: true } as never);
    const kept = immutable(new Float32Array([1, 2, 3, 4])) as Texture;
    immutable(new Float32Array([5, 6, 7, 8]));
    expect(Array.from(kept.toArray() as Float32Array)).toEqual([1, 2, 3, 4]);
    void gpu.destroy();
  });

  it('results of the same kernel stay intact across later calls, feedback and size changes', () => {
    use();
    const x = S.tensor([1, 2, 3, 4]);
    const y = S.tensor([10, 20, 30, 40]);
    const a = S.add(x, 1);
    const b = S.add(y, 1); // same kernel, same size: must render into a new texture
    expect(Array.from(a.dataSync())).toEqual([2, 3, 4, 5]);
    expect(Array.from(b.dataSync())).toEqual([11, 21, 31, 41]);
    // A kernel fed its own previous result, with every intermediate kept alive.
    const chain = [S.tensor([1, 2, 3], { dtype: 'float32' })];
    for (let k = 0; k < 6; k++) chain.push(S.mul(chain[k] as S.Tensor, 2));
    for (const [k, t] of chain.entries()) expect(Array.from(t.dataSync())).toEqual([1, 2, 3].map((v) => v * 2 ** k));
    // The same, after the kernel last ran at another size and that result was freed: gpu.js would
    // swap in the stale-sized texture it kept for the argument (found by the conformance suite).
    S.sub(S.ones([7]), 1).dispose();
    const z = S.sub(S.tensor([5, 6], { dtype: 'float32' }), 1);
    expect(Array.from(S.sub(z, 1).dataSync())).toEqual([3, 4]);
    S.sub(S.ones([30]), 1).dispose();
    const w = S.sub(S.tensor([1, 2, 3, 4, 5], { dtype: 'float32' }), S.tensor(1, { dtype: 'float32' }));
    const l = S.sub(w, S.tensor(0.5, { dtype: 'float32' }));
    expect(Array.from(l.dataSync())).toEqual([-0.5, 0.5, 1.5, 2.5, 3.5]);
    expect(Array.from(w.dataSync())).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('the kernel cache', () => {
  it('compiles once per structure: not per constant, size or stride values', () => {
    const { backend } = use();
    const x = S.tensor([1, 2, 3], { dtype: 'float32' });
    for (const c of [0.5, 2]) S.mul(S.ones([2]), c).dispose(); // warm: fill, and mul by a float / an integer scalar
    const before = backend.stats();
    const outs = [S.mul(x, 0.25), S.mul(S.ones([1000]), 3), S.mul(S.ones([17, 3]), -2)];
    const after = backend.stats();
    expect(after.compiles).toBe(before.compiles); // constants and sizes are parameters
    expect(after.hits - before.hits).toBe(5); // three muls and two fills
    expect(Array.from(outs[0]?.dataSync() ?? [])).toEqual([0.25, 0.5, 0.75]);
    S.mul(S.ones([4, 3]).T, 2).dispose(); // a strided input is another structure
    S.mul(S.tensor([1, 2], { dtype: 'int32' }), 2).dispose(); // so is another dtype
    expect(backend.stats().compiles - after.compiles).toBe(2);
    S.mul(S.ones([5, 2]).T, 7).dispose(); // ... compiled once for every transposed shape
    expect(backend.stats().compiles - after.compiles).toBe(2);
    expect(after.compileMs).toBeGreaterThan(0);
  });
});

describe('texture lifetimes', () => {
  it('free deletes the WebGL texture once no kernel renders into it', () => {
    use();
    const x = S.tensor([1, 2, 3], { dtype: 'float32' });
    const a = S.add(x, 1);
    const b = S.add(x, 2); // the kernel moved on to a new texture: a's is only a's
    const texture = glTextureOf(a);
    const gl = (backend as WebGlBackend).gl;
    expect(gl.isTexture(texture)).toBe(true);
    a.dispose();
    expect(gl.isTexture(texture)).toBe(false);
    b.dispose();
    x.dispose();
  });

  it('a tidy() loop holds core memory, live storages and WebGL textures flat', () => {
    const { backend, live } = use();
    const w = S.randn([16, 16], { generator: new S.Generator(2) });
    let acc = S.zeros([4, 16]);
    const step = (i: number) => {
      const next = S.tidy(() => {
        const y = S.matmul(S.add(acc, i % 5).tanh(), w).relu();
        const s = S.softmax(y, 1).cumsum(1).sum(0, true);
        const idx = S.argsort(s.reshape(-1)).reshape(1, 16);
        return S.add(y.mul(0.5), S.gather(s, 1, idx)).div(4);
      });
      acc.dispose();
      acc = next;
    };
    for (let i = 0; i < 20; i++) step(i); // warm up: kernels compile and keep their render targets
    acc.dataSync();
    const before = { memory: S.memory(), stats: backend.stats(), textures: live() };
    for (let i = 0; i < 300; i++) step(i);
    const values = acc.dataSync();
    const after = { memory: S.memory(), stats: backend.stats(), textures: live() };
    expect(after.memory.numTensors).toBe(before.memory.numTensors);
    expect(after.memory.numBytes).toBe(before.memory.numBytes);
    expect(after.stats.liveTextures).toBe(before.stats.liveTextures);
    expect(after.stats.compiles).toBe(before.stats.compiles);
    expect(after.textures).toBe(before.textures);
    expect(values.every(Number.isFinite)).toBe(true);
    acc.dispose();
    w.dispose();
  });
});
