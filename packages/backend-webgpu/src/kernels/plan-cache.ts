/**
 * Memoised kernel plans for builders whose WGSL is long to render (register
 * blocks unrolled into hundreds of lines). A training loop calls them with
 * the same views every step; rebuilding the string each time cost about 15 ms
 * of JS per LeNet step on llvmpipe. Plans are immutable (the runtime copies
 * their uniforms), so one can be dispatched any number of times.
 */
import type { KernelPlan, OutputSpec, ViewInfo } from './plan';

/** Entries kept before the oldest is dropped: a few models' worth of distinct calls. */
const CAPACITY = 512;

export class PlanCache {
  readonly #plans = new Map<string, KernelPlan>();

  /** The plan for `key`, built by `build` on a miss. `key` must determine the plan. */
  get(key: string, build: () => KernelPlan): KernelPlan {
    const hit = this.#plans.get(key);
    if (hit) return hit;
    const plan = build();
    if (this.#plans.size >= CAPACITY) this.#plans.delete(this.#plans.keys().next().value as string);
    this.#plans.set(key, plan);
    return plan;
  }
}

/** A cache key part for a view: everything a builder reads from it. */
export function viewKey(v: ViewInfo): string {
  return `${v.dtype}[${v.shape.join(',')}/${v.strides.join(',')}+${v.offset}]`;
}

export function outKey(o: OutputSpec): string {
  return `${o.dtype}[${o.shape.join(',')}]`;
}
