/**
 * @packageDocumentation
 * WebAssembly SIMD + worker-thread backend: the fast CPU path in Node and browsers.
 *
 * This package is a skeleton: its public API arrives with issue #8 and is
 * specified in ../../shared/DESIGN.md. It deliberately exports nothing yet, so
 * that no caller can depend on a placeholder.
 */
export {};
