import { getBackend, initBackend, registerBackend } from '@strata/core';
import { afterAll, expect, it } from 'vitest';
import { registerWasmBackend, type WasmBackend } from '../src/index';

afterAll(() => (getBackend() as unknown as WasmBackend).destroy?.());

it('initBackend() with no list prefers wasm over cpu when no GPU backend initialises', async () => {
  // A GPU backend that fails the way one does on a machine without a GPU.
  registerBackend(
    'webgpu',
    () => {
      throw new Error('no adapter found');
    },
    { priority: 10 },
  );
  registerWasmBackend({ threads: 1 });
  const result = await initBackend();
  expect(result.backend).toBe('wasm');
  expect(result.skipped).toEqual([{ name: 'webgpu', reason: 'no adapter found' }]);
  expect(getBackend().name).toBe('wasm');
});
