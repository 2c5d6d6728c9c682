/**
 * @packageDocumentation
 * WebGPU backend: WGSL kernels, in browsers and in Node through Dawn (the `webgpu` package).
 *
 * This package is a skeleton: its public API arrives with issue #9 and is
 * specified in ../../shared/DESIGN.md. It deliberately exports nothing yet, so
 * that no caller can depend on a placeholder.
 */
export {};
