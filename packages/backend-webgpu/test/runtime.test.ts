/**
 * The runtime's parts on a real Dawn device: the buffer pool, the uniform
 * ring, the pipeline and bind group caches, compile errors, lazy submission.
 */
import { describe, expect, it } from 'vitest';
import { bindingSignature } from '../src/runtime/layouts';
import { formatCompileError, KernelCompileError } from '../src/runtime/pipelines';
import { BufferPool } from '../src/runtime/pool';
import { GpuRuntime } from '../src/runtime/runtime';
import { UniformRing } from '../src/runtime/uniforms';
import { gpuBackend } from './helpers';

const device = async () => (await gpuBackend()).device;

describe('BufferPool', () => {
  it('rounds to power-of-two classes and reuses freed buffers of the same class', async () => {
    const pool = new BufferPool(await device(), 0x80 | 0x8, 'test', 256, 1 << 20);
    expect([1, 256, 257, 1000, 4096, 5000].map((b) => pool.sizeClass(b))).toEqual([256, 256, 512, 1024, 4096, 8192]);
    const a = pool.acquire(300);
    const b = pool.acquire(400);
    expect(a.size).toBe(512);
    pool.release(a);
    expect(pool.acquire(500)).toBe(a); // same class, reused
    expect(pool.stats).toMatchObject({ live: 2, free: 0, created: 2 });
    pool.release(b);
    const c = pool.acquire(512, new Set([b])); // `avoid` skips a busy buffer
    expect(c).not.toBe(b);
    expect(() => pool.acquire(2 << 20)).toThrow(/exceeds this device's limit/);
    pool.release(c);
    expect(() => pool.release(c)).toThrow(/does not own/);
    pool.destroy();
    expect(pool.stats).toMatchObject({ live: 0, free: 0, bytes: 0 });
  });
});

describe('UniformRing', () => {
  it('sub-allocates aligned slices and reuses its chunks batch after batch', async () => {
    const d = await device();
    const ring = new UniformRing(d, 1024);
    const align = Math.max(16, d.limits.minUniformBufferOffsetAlignment);
    for (let batch = 0; batch < 3; batch++) {
      const slices = Array.from({ length: 40 }, (_, i) => ring.alloc(Uint32Array.from([i, i + 1, i + 2])));
      for (const s of slices) expect(s.offset % align).toBe(0);
      const buffers = [...new Set(slices.map((s) => s.buffer))];
      const places = new Set(slices.map((s) => `${buffers.indexOf(s.buffer)}@${s.offset}`));
      expect(places.size).toBe(slices.length); // no two dispatches of a batch share uniform memory
      ring.upload(d.queue);
    }
    const chunks = ring.chunkCount;
    for (let i = 0; i < 40; i++) ring.alloc(new Uint32Array(4));
    ring.upload(d.queue);
    expect(ring.chunkCount).toBe(chunks);
    expect(() => ring.alloc(new Uint32Array(300))).toThrow(/exceeds/);
    ring.destroy();
  });
});

describe('pipelines, bind groups and batching', () => {
  it('compiles each distinct kernel once and reuses bind groups in a steady loop', async () => {
    const rt = new GpuRuntime(await device());
    const code = `@group(0) @binding(0) var<uniform> p: vec4<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) { if (id.x < p.x) { out[id.x] = id.x * p.y; } }`;
    const out = rt.alloc(4 * 100);
    for (let i = 0; i < 50; i++)
      rt.dispatch({ name: 'scale', code, workgroups: [2, 1, 1], uniforms: Uint32Array.from([100, i, 0, 0]), buffers: [out] });
    expect(rt.stats.compiles).toBe(1);
    expect(rt.stats.bindGroupMisses).toBe(1);
    expect(rt.stats.submits).toBe(0); // recorded, not yet submitted
    const data = new Uint32Array(await rt.read(out, 400));
    expect(data[7]).toBe(7 * 49);
    expect(rt.stats.submits).toBeGreaterThan(0);
    expect(rt.stats.uniformChunks).toBe(1);
    rt.release(out);
    rt.destroy(false);
  });

  it('submits on its own once maxQueuedDispatches are waiting, and at the end of the task', async () => {
    const rt = new GpuRuntime(await device(), { maxQueuedDispatches: 10 });
    const code = `@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(1) fn main() { out[0] = out[0] + 1u; }`;
    const out = rt.alloc(16);
    for (let i = 0; i < 25; i++)
      rt.dispatch({ name: 'inc', code, workgroups: [1, 1, 1], uniforms: new Uint32Array(0), buffers: [out] });
    expect(rt.stats.submits).toBe(2);
    await Promise.resolve();
    expect(rt.stats.submits).toBe(3);
    rt.destroy(false);
  });

  it('a WGSL error surfaces as a KernelCompileError naming the kernel and the offending line', async () => {
    const rt = new GpuRuntime(await device());
    const code =
      '@group(0) @binding(1) var<storage, read_write> out: array<f32>;\n@compute @workgroup_size(1) fn main() {\n  out[0] = undefinedThing + 1.0;\n}';
    const out = rt.alloc(16);
    rt.dispatch({ name: 'broken_kernel', code, workgroups: [1, 1, 1], uniforms: new Uint32Array(0), buffers: [out] });
    const error = await rt.settle('test').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KernelCompileError);
    expect(String(error)).toMatch(/broken_kernel/);
    expect(String(error)).toMatch(/line 3/);
    expect(String(error)).toMatch(/undefinedThing/);
    await expect(rt.settle('again')).resolves.toBeUndefined(); // reported once
    rt.destroy(false);
  });

  it('formats compiler messages with their source lines', () => {
    const message = formatCompileError(
      'k',
      'a\nlet x = y;\nc',
      [{ type: 'error', lineNum: 2, linePos: 9, message: 'unresolved y' } as GPUCompilationMessage],
      'fallback',
    );
    expect(message).toContain("kernel 'k'");
    expect(message).toContain('line 2:9: unresolved y');
    expect(message).toContain('2 | let x = y;');
  });

  it('reads binding signatures from WGSL declarations', () => {
    const code = `@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage,read_write> b: array<f32>;`;
    expect(bindingSignature(code)).toBe('urw');
  });
});
