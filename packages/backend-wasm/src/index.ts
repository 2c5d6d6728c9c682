/**
 * @packageDocumentation
 * WebAssembly SIMD + worker-thread backend: the fast CPU path in Node and browsers.
 *
 * ```ts
 * import { initBackend } from '@strata/core';
 * import { registerWasmBackend } from '@strata/backend-wasm';
 * registerWasmBackend(); // threads default to the number of cores
 * await initBackend(['wasm', 'cpu']);
 * ```
 */
export { createWasmBackend, registerWasmBackend, type WasmBackend, type WasmBackendOptions } from './backend';
export { defaultGemmConfig, type GemmConfig } from './codegen/gemm';
export { detectFeatures, type Validate, type WasmFeatures } from './wasm/features';
