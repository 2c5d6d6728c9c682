/**
 * createWebGpuBackend: the WebGPU backend in browsers (navigator.gpu) and in
 * Node (pass `{ gpu: createNodeGpu() }` from '@strata/backend-webgpu/node').
 * Reads are asynchronous only (capabilities.syncRead is false).
 */
import { type Backend, BackendError, type DType, registerBackend, type StorageArray } from '@strata/core';
import { acquireDevice, type WebGpuBackendOptions } from './device';
import { Executor } from './exec';
import { createFused } from './kernels/fused';
import { createKernels } from './kernels/table';
import { GpuRuntime, type RuntimeStats } from './runtime/runtime';
import { fromGpuLayout, type GpuStorage, gpuByteLength, toGpuLayout } from './storage';

export interface WebGpuBackend extends Backend<GpuStorage> {
  readonly device: GPUDevice;
  /** Frees every buffer; destroys the device too unless it was passed in as `options.device`. */
  destroy(): void;
  /** Pool, pipeline and submit counters (for tests and profiling). */
  stats(): RuntimeStats;
  /** Submits queued work now (reads do this themselves). */
  flush(): void;
}

/** float32 math on GPUs is not correctly rounded: see README ("Precision") for how this was measured. */
export const WEBGPU_FLOAT_EPSILON = 2 ** -22;

const DTYPES: readonly DType[] = ['float32', 'float16', 'int32', 'bool'];

export async function createWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const { device, owned, keepAlive } = await acquireDevice(options);
  const rt = new GpuRuntime(device, { ...options, keepAlive });
  const exec = new Executor(rt);
  const checkDType = (dtype: DType, op: string) => {
    if (!DTYPES.includes(dtype)) throw new BackendError(`webgpu ${op}: dtype ${dtype} is not supported`);
  };
  return {
    name: 'webgpu',
    capabilities: { dtypes: DTYPES, syncRead: false, floatEpsilon: WEBGPU_FLOAT_EPSILON },
    kernels: createKernels(exec),
    fused: createFused(exec),
    device,
    upload(data: StorageArray, dtype: DType): GpuStorage {
      rt.check('upload');
      checkDType(dtype, 'upload');
      const storage = exec.allocate(dtype, data.length, true);
      rt.write(storage.buffer, toGpuLayout(data, dtype));
      return storage;
    },
    async read(storage: GpuStorage, dtype: DType, size: number): Promise<StorageArray> {
      const bytes = await rt.read(storage.buffer, gpuByteLength(dtype, size));
      return fromGpuLayout(bytes, dtype, size);
    },
    free(storage: GpuStorage): void {
      rt.release(storage.buffer);
    },
    destroy(): void {
      rt.destroy(owned);
    },
    stats: () => rt.stats,
    flush: () => rt.flush(),
  };
}

/**
 * Registers the backend with core under 'webgpu', so `initBackend(['webgpu', 'cpu'])`
 * picks it when a GPU is there and reports why not otherwise.
 */
export function registerWebGpuBackend(options: WebGpuBackendOptions = {}, priority = 10): void {
  registerBackend('webgpu', () => createWebGpuBackend(options), { priority });
}
