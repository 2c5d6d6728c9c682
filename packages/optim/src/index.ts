/**
 * @packageDocumentation
 * Optimisers (SGD, Adam(W), RMSprop, ...), learning-rate schedulers and gradient clipping.
 *
 * This package is a skeleton: its public API arrives with issue #6 and is
 * specified in ../../shared/DESIGN.md. It deliberately exports nothing yet, so
 * that no caller can depend on a placeholder.
 */
export {};
