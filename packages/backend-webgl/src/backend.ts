/**
 * createWebGlBackend: the WebGL2 backend for browsers without WebGPU, built on
 * gpu.js. Tensors stay on the GPU as float textures between ops; reads can be
 * synchronous (`capabilities.syncRead`) or asynchronous.
 */
import { type Backend, type DType, registerBackend, type StorageArray } from '@strata/core';
import { acquireContext, type WebGlBackendOptions } from './context';
import { createFused } from './kernels/fused';
import { createKernels } from './kernels/table';
import { Runtime, type RuntimeStats } from './runtime/runtime';
import { checkDType, SUPPORTED_DTYPES, type WebGlStorage } from './storage';

export interface WebGlBackend extends Backend<WebGlStorage> {
  readonly gl: WebGL2RenderingContext;
  /** Releases every kernel and loses the context (unless it was passed in as `options.context`). */
  destroy(): void;
  /** Kernel cache, texture and transfer counters (for tests and profiling). */
  stats(): RuntimeStats;
}

/**
 * float32 math in GLSL is not correctly rounded, and GLSL bounds its builtins
 * loosely (sqrt, log, exp2 and division are the ones used directly): see the
 * README ("Precision").
 */
export const WEBGL_FLOAT_EPSILON = 2 ** -22;

export function createWebGlBackend(options: WebGlBackendOptions = {}): WebGlBackend {
  const rt = new Runtime(acquireContext(options));
  return {
    name: 'webgl',
    capabilities: { dtypes: SUPPORTED_DTYPES, syncRead: true, floatEpsilon: WEBGL_FLOAT_EPSILON },
    kernels: createKernels(rt),
    fused: createFused(rt),
    gl: rt.guard.gl,
    upload(data: StorageArray, dtype: DType): WebGlStorage {
      checkDType(dtype, 'upload');
      return rt.upload(data, dtype);
    },
    read: (storage: WebGlStorage, dtype: DType, size: number): Promise<StorageArray> => rt.read(storage, dtype, size),
    readSync: (storage: WebGlStorage, dtype: DType, size: number): StorageArray => rt.readSync(storage, dtype, size),
    free: (storage: WebGlStorage): void => rt.free(storage),
    destroy: (): void => rt.destroy(),
    stats: () => rt.stats,
  };
}

/**
 * Registers the backend with core under 'webgl', so `initBackend(['webgpu', 'webgl', 'cpu'])`
 * picks it where WebGPU is missing and reports why it was skipped otherwise.
 */
export function registerWebGlBackend(options: WebGlBackendOptions = {}, priority = 5): void {
  registerBackend('webgl', () => createWebGlBackend(options), { priority });
}
