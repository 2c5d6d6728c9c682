/**
 * Backend selection in a browser: `initBackend(['webgpu', 'webgl', 'cpu'])`
 * picks WebGL where WebGPU is missing (navigator.gpu hidden here) and says why
 * WebGPU was skipped; with WebGPU present it keeps WebGPU first.
 */
import { registerWebGpuBackend } from '@strata/backend-webgpu';
import * as S from '@strata/core';
import { afterEach, expect, it } from 'vitest';
import { registerWebGlBackend } from '../src/index';

registerWebGpuBackend();
registerWebGlBackend();

afterEach(() => {
  Reflect.deleteProperty(navigator, 'gpu'); // back to Navigator.prototype's getter
});

it('falls back to webgl when WebGPU is unavailable, reporting why webgpu was skipped', async () => {
  Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });
  const result = await S.initBackend(['webgpu', 'webgl', 'cpu']);
  expect(result.backend).toBe('webgl');
  expect(result.skipped.map((s) => s.name)).toEqual(['webgpu']);
  expect(result.skipped[0]?.reason).toMatch(/WebGPU is not available/);
  expect(S.getBackend().name).toBe('webgl');
  const y = S.matmul(S.tensor([[1, 2]], { dtype: 'float32' }), S.tensor([[3], [4]], { dtype: 'float32' }));
  expect(y.backend.name).toBe('webgl');
  expect(Array.from(y.dataSync())).toEqual([11]);
});

it('prefers webgpu when the browser has it', async () => {
  const result = await S.initBackend(['webgpu', 'webgl', 'cpu']);
  expect(result.backend).toBe('webgpu');
  expect(result.skipped).toEqual([]);
});
