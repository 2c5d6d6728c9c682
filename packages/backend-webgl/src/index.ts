/**
 * @packageDocumentation
 * WebGL2 backend built on gpu.js, for browsers without WebGPU.
 *
 * ```ts
 * import { initBackend } from '@strata/core';
 * import { registerWebGlBackend } from '@strata/backend-webgl';
 * registerWebGlBackend();
 * await initBackend(['webgpu', 'webgl', 'cpu']);
 * ```
 */
export { createWebGlBackend, registerWebGlBackend, WEBGL_FLOAT_EPSILON, type WebGlBackend } from './backend';
export { NO_WEBGL2, type WebGlBackendOptions } from './context';
export type { KernelCacheStats, KernelSpec } from './runtime/kernel-cache';
export type { RuntimeStats } from './runtime/runtime';
export type { Layout, WebGlStorage } from './storage';
