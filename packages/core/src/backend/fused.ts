import type { OutputSpec, View } from './primitives';

/**
 * Composites a backend may run as one fused kernel. Each entry is optional:
 * core runs the composite from primitives when a backend has no fast path, and
 * the conformance suite checks every fast path against that composite.
 *
 * The op library's second half (softmax, layerNorm, conv2d, attention, ...)
 * adds its entries here, each with its parameter type.
 */
export interface FusedParams {
  /** inputs: [x]. Softmax (or log-softmax when `log`) along `axis`, numerically stable. */
  softmax: { readonly axis: number; readonly log: boolean };
}

export type FusedOp = keyof FusedParams;

export type FusedKernel<S, F extends FusedOp> = (inputs: readonly View<S>[], params: FusedParams[F], out: OutputSpec) => S;

export type FusedKernels<S> = { readonly [F in FusedOp]?: FusedKernel<S, F> };
