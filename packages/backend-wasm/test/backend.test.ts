/**
 * What the conformance suite does not cover: feature detection and its
 * fallbacks, thread-count independence of results, and the wasm memory
 * staying flat over long loops.
 */
import { conv2d, Generator, matmul, memory, randn, type Tensor, tidy, useBackend } from '@strata/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createWasmBackend, detectFeatures, type Validate, type WasmBackend } from '../src/index';
import { probes } from '../src/wasm/features';

const made: WasmBackend[] = [];
async function make(options: Parameters<typeof createWasmBackend>[0]): Promise<WasmBackend> {
  const backend = await createWasmBackend(options);
  made.push(backend);
  return backend;
}
afterEach(() => {
  for (const backend of made.splice(0)) backend.destroy();
});

const realValidate: Validate = (bytes) => WebAssembly.validate(bytes);

describe('feature detection', () => {
  it('finds SIMD and shared memory in Node 20', () => {
    const features = detectFeatures();
    expect(features.simd).toBe(true);
    expect(features.sharedMemory).toBe(true);
    expect(typeof features.relaxedSimd).toBe('boolean');
  });

  it('falls back to the CPU kernels, with one notice, where SIMD is missing', async () => {
    const log: string[] = [];
    const noSimd: Validate = (bytes) => bytes !== probes.simd && realValidate(bytes);
    const backend = await make({ validate: noSimd, log: (m) => log.push(m) });
    expect(backend.simd).toBe(false);
    expect(backend.threads).toBe(1);
    expect(log.filter((m) => m.includes('SIMD is not supported'))).toHaveLength(1);
    useBackend(backend);
    expect(Array.from(await matmul(randn([3, 2]), randn([2, 4])).data())).toHaveLength(12);
  });

  it('runs one thread, saying why once, where shared memory is missing', async () => {
    const log: string[] = [];
    const noShared: Validate = (bytes) => bytes !== probes.sharedMemory && realValidate(bytes);
    const a = await make({ threads: 2, validate: noShared, log: (m) => log.push(m) });
    await make({ threads: 2, validate: noShared, log: (m) => log.push(m) });
    expect(a.simd).toBe(true);
    expect(a.threads).toBe(1);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/one thread instead of 2: this engine has no shared WebAssembly memory/);
  });

  it('rejects a thread count that is not a positive integer', async () => {
    await expect(createWasmBackend({ threads: 0 })).rejects.toThrow(/threads must be a positive integer, got 0/);
    await expect(createWasmBackend({ threads: 1.5 })).rejects.toThrow(RangeError);
  });
});

/** Runs `f` on `backend` with inputs drawn from a fixed generator, and reads the result. */
async function on(backend: WasmBackend, f: (g: Generator) => Tensor): Promise<Float32Array> {
  useBackend(backend);
  return (await f(new Generator(7)).data()) as Float32Array;
}

describe('threads', () => {
  it('gives bit-identical matmul and conv2d results on 1 and 2 threads', async () => {
    const one = await make({ threads: 1 });
    const two = await make({ threads: 2, parallelMinMacs: 0 });
    expect(two.threads).toBe(2);
    const mm = (g: Generator) => matmul(randn([67, 130], { generator: g }), randn([130, 45], { generator: g }));
    const batched = (g: Generator) => matmul(randn([3, 33, 70], { generator: g }), randn([70, 29], { generator: g }));
    const conv = (g: Generator) =>
      conv2d(randn([3, 5, 17, 13], { generator: g }), randn([8, 5, 3, 3], { generator: g }), randn([8], { generator: g }), {
        padding: 1,
        stride: [2, 1],
      });
    for (const f of [mm, batched, conv]) expect(await on(two, f)).toEqual(await on(one, f));
  });

  it('keeps tensors, bytes and the wasm memory flat over 1,000 iterations on 2 threads', async () => {
    const backend = await make({ threads: 2, parallelMinMacs: 0 });
    useBackend(backend);
    const g = new Generator(1);
    const x = randn([2, 3, 12, 12], { generator: g });
    const w = randn([4, 3, 3, 3], { generator: g });
    const a = randn([40, 50], { generator: g });
    const step = () => tidy(() => conv2d(x, w, null, { padding: 1 }).sum().add(matmul(a, a.mT).sum()));
    step().dispose();
    const before = memory();
    const pages = backend.wasmMemoryBytes();
    for (let i = 0; i < 1000; i++) step().dispose();
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(backend.wasmMemoryBytes()).toBe(pages);
  });
});
