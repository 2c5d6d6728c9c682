import type { Tensor } from '../tensor/tensor';
import type { FusedOp, FusedParams } from './fused';
import type { Primitive, PrimitiveParams } from './primitives';
import type { ViewOp, ViewParams } from './views';

/** One executed op: what autograd (or a profiler) sees. */
export type OpRecord =
  | { [P in Primitive]: { readonly kind: 'primitive'; readonly op: P; readonly params: PrimitiveParams[P] } }[Primitive]
  | { [V in ViewOp]: { readonly kind: 'view'; readonly op: V; readonly params: ViewParams[V] } }[ViewOp]
  | { [F in FusedOp]: { readonly kind: 'fused'; readonly op: F; readonly params: FusedParams[F] } }[FusedOp];

/**
 * The typed hook through which a package outside core (autograd) observes op
 * execution. Core never imports autograd; with no observer installed there is
 * no tape and no overhead beyond one null check per op.
 */
export interface OpObserver {
  onOp(record: OpRecord, inputs: readonly Tensor[], output: Tensor): void;
  /** Called when any tensor handle is disposed (autograd frees graph nodes nobody can reach). */
  onDispose?(t: Tensor): void;
}
