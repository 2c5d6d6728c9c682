/**
 * @packageDocumentation
 * Tensors, dtypes, strided views, the op library, the typed backend contract, memory management, seeded RNG, safetensors and the CPU backend.
 *
 * This package is a skeleton: its public API arrives with issue #3 and is
 * specified in ../../shared/DESIGN.md. It deliberately exports nothing yet, so
 * that no caller can depend on a placeholder.
 */
export {};
