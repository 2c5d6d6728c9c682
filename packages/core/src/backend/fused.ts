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
  /**
   * inputs: [x, weight?, bias?] (float32; core casts other dtypes). Normalises over the last
   * `normalizedDims` dims with the biased variance: `(x - mean) / sqrt(var + eps)`, then
   * multiplies by `weight` and adds `bias` (each shaped like those dims) when present.
   */
  layerNorm: {
    readonly normalizedDims: number;
    readonly eps: number;
    readonly hasWeight: boolean;
    readonly hasBias: boolean;
  };
  /**
   * inputs: [x (N, C_in, H, W), weight (C_out, C_in / groups, kH, kW)] or [x, weight, bias (C_out)],
   * float32 (core casts float16). 2-d cross-correlation like torch's conv2d with symmetric zero
   * `padding` [height, width] (core pads asymmetric 'same' itself); output (N, C_out, H_out, W_out).
   */
  conv2d: {
    readonly stride: readonly [number, number];
    readonly padding: readonly [number, number];
    readonly dilation: readonly [number, number];
    readonly groups: number;
  };
}

export type FusedOp = keyof FusedParams;

export type FusedKernel<S, F extends FusedOp> = (inputs: readonly View<S>[], params: FusedParams[F], out: OutputSpec) => S;

export type FusedKernels<S> = { readonly [F in FusedOp]?: FusedKernel<S, F> };
