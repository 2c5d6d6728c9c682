/**
 * In Node there is no WebGL2 (gpu.js would fall back to its CPU or WebAssembly
 * modes, which cannot run this backend's GLSL): creating the backend fails
 * with a clear error, and initBackend moves on to the next backend.
 */
import * as S from '@strata/core';
import { expect, it } from 'vitest';
import { createWebGlBackend, NO_WEBGL2, registerWebGlBackend } from '../src/index';

it('createWebGlBackend() in Node throws a BackendError saying WebGL2 is not available here', () => {
  expect(() => createWebGlBackend()).toThrow(S.BackendError);
  expect(() => createWebGlBackend()).toThrow('WebGL2 is not available in this environment');
  expect(NO_WEBGL2).toMatch(/in Node use the cpu, wasm or webgpu backend/);
});

it("initBackend(['webgl', 'cpu']) skips webgl in Node and says why", async () => {
  registerWebGlBackend();
  const result = await S.initBackend(['webgl', 'cpu']);
  expect(result.backend).toBe('cpu');
  expect(result.skipped).toEqual([{ name: 'webgl', reason: expect.stringContaining('WebGL2 is not available') }]);
});
