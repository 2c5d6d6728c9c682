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

export class Node {
  released = false;
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
