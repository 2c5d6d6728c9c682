/**
 * @packageDocumentation
 * Reverse-mode automatic differentiation over @strata/core, PyTorch-style (`backward()`) and functional (`grad`, `valueAndGrad`).
 *
 * This package is a skeleton: its public API arrives with issue #5 and is
 * specified in ../../shared/DESIGN.md. It deliberately exports nothing yet, so
 * that no caller can depend on a placeholder.
 */
export {};
