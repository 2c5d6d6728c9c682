/**
 * The tape. Each tensor that requires grad has a GradInfo (kept in a WeakMap so
 * core's Tensor stays free of autograd state); a non-leaf's info points to the
 * Node that made it. A Node holds its own handles on the op's inputs and output
 * (core may dispose the user's handles right after the op), released when
 * backward finishes unless the graph is retained.
 */
import type { OpRecord, Tensor } from '@strata/core';

export interface GradInfo {
  requiresGrad: boolean;
  /** The node that produced this tensor; undefined for leaves. */
  gradFn?: Node;
  /** Accumulated gradient (leaves, and non-leaves that called retainGrad). */
  grad?: Tensor;
  retainsGrad: boolean;
}

export interface NodeInput {
  /** Our own handle on the input's storage (same layout). */
  readonly handle: Tensor;
  /** The user's tensor and its version when recorded: backward refuses if it was assign()ed since. */
  readonly original: WeakRef<Tensor>;
  readonly version: number;
  /** Where the input's gradient goes; undefined when it needs none. */
  readonly source: GradInfo | undefined;
}

/** Our own handles (node inputs/outputs): their disposal is bookkeeping, not the user's. */
export const internalHandles = new WeakSet<Tensor>();

/**
 * A node stays alive while the user still holds the tensor it produced or a
 * live node downstream needs it; it is released (its handles disposed) as soon
 * as neither holds — by backward, or when the last user handle is disposed.
 */
export class Node {
  released = false;
  /** 1 while the user's handle on this node's output is alive. */
  userRefs = 1;
  /** Live nodes that take this node's output as an input. */
  downstream = 0;
  /** A user-defined backward (customGrad) that replaces the table rule. */
  custom?: (gradOut: Tensor) => readonly (Tensor | null | undefined)[];
  constructor(
    readonly record: OpRecord,
    readonly inputs: readonly NodeInput[],
    readonly output: Tensor,
    /** The info of the tensor this node produced (for retainGrad on non-leaves). */
    readonly outputInfo: GradInfo,
  ) {}

  get name(): string {
    return `${this.record.op}Backward`;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    for (const input of this.inputs) input.handle.dispose();
    this.output.dispose();
    for (const input of this.inputs) {
      const upstream = input.source?.gradFn;
      if (upstream) {
        upstream.downstream--;
        upstream.releaseIfUnreachable();
      }
    }
  }

  releaseIfUnreachable(): void {
    if (!this.released && this.userRefs <= 0 && this.downstream <= 0) this.release();
  }
}

const infos = new WeakMap<Tensor, GradInfo>();

export function infoOf(t: Tensor): GradInfo | undefined {
  return infos.get(t);
}

export function ensureInfo(t: Tensor): GradInfo {
  let info = infos.get(t);
  if (!info) {
    info = { requiresGrad: false, retainsGrad: false };
    infos.set(t, info);
  }
  return info;
}

export function setInfo(t: Tensor, info: GradInfo): void {
  infos.set(t, info);
}
