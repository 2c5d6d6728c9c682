/**
 * @packageDocumentation
 * The one test suite every backend runs: op values against the CPU reference and TensorFlow.js, gradients against finite differences, edge cases and memory checks.
 *
 * This package is a skeleton: its public API arrives with issue #3 and is
 * specified in ../../shared/DESIGN.md. It deliberately exports nothing yet, so
 * that no caller can depend on a placeholder.
 */
export {};
