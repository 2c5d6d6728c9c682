/**
 * Node entry: a WebGPU `GPU` object from Dawn (the `webgpu` npm package).
 *
 * ```ts
 * import { createWebGpuBackend } from '@strata/backend-webgpu';
 * import { createNodeGpu } from '@strata/backend-webgpu/node';
 * const backend = await createWebGpuBackend({ gpu: createNodeGpu() });
 * ```
 */
import { BackendError } from '@strata/core';
import { create, globals } from 'webgpu';

export interface NodeGpuOptions {
  /** Extra Dawn flags for `create()`, e.g. 'enable-dawn-features=skip_validation'. */
  readonly flags?: readonly string[];
  /**
   * Worker threads for Mesa's llvmpipe (LP_NUM_THREADS; used only when Dawn runs on
   * llvmpipe, i.e. without a GPU). Default 0 — single-threaded — unless LP_NUM_THREADS
   * is already set: llvmpipe's thread pool costs ~100 µs per dispatch, which dominates
   * the small kernels of typical models (about 6x slower per small op), while it
   * only speeds large kernels up to the core count (2x for a 1024² matmul on 2 cores).
   */
  readonly llvmpipeThreads?: number;
}

/**
 * A `GPU` whose adapters come from Dawn's OpenGL ES backend (Mesa llvmpipe on
 * machines without a GPU, compatibility feature level) or, when that finds
 * none, from its Vulkan backend. Sets EGL_PLATFORM=surfaceless when unset
 * (needed without a display) and installs WebGPU's globals (GPUBufferUsage, ...)
 * on globalThis. Keep using one GPU object per process: each holds a Dawn instance.
 */
export function createNodeGpu(options: NodeGpuOptions = {}): GPU {
  const flags = options.flags ?? [];
  process.env.EGL_PLATFORM ??= 'surfaceless';
  if (options.llvmpipeThreads !== undefined) process.env.LP_NUM_THREADS = String(options.llvmpipeThreads);
  else process.env.LP_NUM_THREADS ??= '0';
  Object.assign(globalThis, globals);
  const gl = create(['backend=opengles', ...flags]);
  let vulkan: GPU | undefined;
  const fromBackend = async (gpu: GPU, options?: GPURequestAdapterOptions) =>
    (await gpu.requestAdapter({ ...options, featureLevel: 'compatibility' })) ?? (await gpu.requestAdapter(options));
  return {
    async requestAdapter(options?: GPURequestAdapterOptions): Promise<GPUAdapter | null> {
      const adapter = await fromBackend(gl, options);
      if (adapter) return adapter;
      vulkan ??= create(['backend=vulkan', ...flags]);
      return fromBackend(vulkan, options);
    },
    getPreferredCanvasFormat(): GPUTextureFormat {
      throw new BackendError('createNodeGpu(): there is no canvas in Node');
    },
    wgslLanguageFeatures: gl.wgslLanguageFeatures,
  } as GPU;
}
