/**
 * Errors users meet before anything runs: no WebGPU, no adapter, a lost
 * device; and registration with core's initBackend.
 */
import * as S from '@strata/core';
import { describe, expect, it } from 'vitest';
import { createWebGpuBackend, registerWebGpuBackend } from '../src/index';
import { createNodeGpu } from '../src/node';

describe('creating the backend', () => {
  it('without a GPU object (Node has no navigator.gpu) says how to get one', async () => {
    await expect(createWebGpuBackend()).rejects.toThrow(/createNodeGpu/);
    await expect(createWebGpuBackend()).rejects.toBeInstanceOf(S.BackendError);
  });

  it('without an adapter says what to install', async () => {
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    await expect(createWebGpuBackend({ gpu })).rejects.toThrow(/libegl-mesa0.*EGL_PLATFORM=surfaceless/s);
  });

  it('after device loss, ops and reads throw a clear error', async () => {
    const backend = await createWebGpuBackend({ gpu: createNodeGpu() });
    const x = backend.upload(Float32Array.from([1, 2]), 'float32');
    backend.device.destroy();
    await backend.device.lost;
    const view = { storage: x, dtype: 'float32' as const, shape: [2], strides: [1], offset: 0 };
    expect(() =>
      backend.kernels.elementwise([view], { expr: S.E.input(0, 'float32') }, { shape: [2], dtype: 'float32' }),
    ).toThrow(/device was lost \(destroyed.*createWebGpuBackend/);
    await expect(backend.read(x, 'float32', 2)).rejects.toThrow(/device was lost/);
    backend.destroy();
    expect(() => backend.upload(Float32Array.from([1]), 'float32')).toThrow(/destroyed/);
  });

  it('registers with core: initBackend picks webgpu, or falls back and says why', async () => {
    registerWebGpuBackend({ gpu: { requestAdapter: async () => null } as unknown as GPU });
    const fallback = await S.initBackend(['webgpu', 'cpu']);
    expect(fallback.backend).toBe('cpu');
    expect(fallback.skipped[0]?.reason).toMatch(/no adapter/);
    registerWebGpuBackend({ gpu: createNodeGpu() });
    const picked = await S.initBackend(['webgpu', 'cpu']);
    expect(picked.backend).toBe('webgpu');
    const y = S.tensor([1, 2, 3]).mul(2);
    expect(Array.from(await y.data())).toEqual([2, 4, 6]);
    S.getBackend().destroy?.();
    S.useBackend(S.createCpuBackend());
  });
});
