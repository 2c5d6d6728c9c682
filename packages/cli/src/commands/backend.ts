import { type Backend, initBackend, registerBackend, setBackend } from '@strata/core';

export const BACKEND_CHOICES = ['auto', 'cpu', 'webgpu', 'webgl', 'wasm'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader/i;

/**
 * Registers WebGPU through Dawn. Loaded on demand so CPU runs never start
 * Dawn. With `hardwareOnly` (used by 'auto'), a software rasteriser adapter is
 * refused with a reason: on such machines the wasm and CPU backends train faster.
 */
function registerWebGpu(hardwareOnly: boolean): void {
  registerBackend('webgpu', async (): Promise<Backend> => {
    const { createWebGpuBackend } = await import('@strata/backend-webgpu');
    const { createNodeGpu } = await import('@strata/backend-webgpu/node');
    const backend = await createWebGpuBackend({ gpu: createNodeGpu() });
    const info = (backend.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    const name = `${info?.device ?? ''} ${info?.description ?? ''}`.trim();
    if (hardwareOnly && SOFTWARE_ADAPTER.test(name)) {
      backend.destroy();
      throw new Error(
        `only a software adapter is available (${name}); wasm and cpu are faster here (use --backend webgpu to force it)`,
      );
    }
    return backend as unknown as Backend;
  });
}

/**
 * Registers the WebAssembly backend (SIMD kernels, one worker thread per core),
 * loaded on demand like WebGPU. It comes before 'cpu' in 'auto'.
 */
function registerWasm(): void {
  registerBackend('wasm', async () => {
    const { createWasmBackend } = await import('@strata/backend-wasm');
    return createWasmBackend();
  });
}

/** Selects the backend for a command; 'auto' takes the first that initialises and says why others were skipped. */
export async function selectBackend(choice: BackendChoice, print: (line: string) => void): Promise<string> {
  if (choice === 'webgpu') registerWebGpu(false);
  if (choice === 'wasm' || choice === 'auto') registerWasm();
  if (choice !== 'auto') {
    await setBackend(choice);
    return choice;
  }
  registerWebGpu(true);
  const result = await initBackend(['webgpu', 'webgl', 'wasm', 'cpu']);
  for (const s of result.skipped) print(`backend ${s.name} skipped: ${s.reason}`);
  return result.backend;
}
