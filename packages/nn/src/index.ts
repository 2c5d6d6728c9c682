/**
 * @packageDocumentation
 * Neural-network modules, layers, losses and initialisers with PyTorch names, so PyTorch checkpoints load by key.
 *
 * This package is a skeleton: its public API arrives with issue #6 and is
 * specified in ../../shared/DESIGN.md. It deliberately exports nothing yet, so
 * that no caller can depend on a placeholder.
 */
export {};
