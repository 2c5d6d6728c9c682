/**
 * @packageDocumentation
 * WebGL2 fallback backend built on gpu.js, for browsers without WebGPU.
 *
 * This package is a skeleton: its public API arrives with issue #10 and is
 * specified in ../../shared/DESIGN.md. It deliberately exports nothing yet, so
 * that no caller can depend on a placeholder.
 */
export {};
