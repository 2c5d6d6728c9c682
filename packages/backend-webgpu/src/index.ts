/**
 * @packageDocumentation
 * WebGPU backend: WGSL kernels, in browsers and in Node through Dawn (the `webgpu` package).
 *
 * ```ts
 * import { initBackend } from '@strata/core';
 * import { registerWebGpuBackend } from '@strata/backend-webgpu';
 * registerWebGpuBackend(); // in Node: registerWebGpuBackend({ gpu: createNodeGpu() })
 * await initBackend(['webgpu', 'cpu']);
 * ```
 */
export { createWebGpuBackend, registerWebGpuBackend, WEBGPU_FLOAT_EPSILON, type WebGpuBackend } from './backend';
export type { WebGpuBackendOptions } from './device';
export type { KernelPlan, ViewInfo } from './kernels/plan';
export { KernelCompileError } from './runtime/pipelines';
export type { PoolStats } from './runtime/pool';
export type { RuntimeStats } from './runtime/runtime';
export type { GpuStorage } from './storage';
