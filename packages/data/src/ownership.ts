/**
 * Who disposes what. A dataset's `get(i)` hands its caller fresh tensor handles
 * (views are fine: storage is reference-counted); the DataLoader disposes the
 * items once they are collated, and the batch belongs to the consumer. These
 * helpers walk the nested values (arrays, plain objects, Maps) that items and
 * batches are made of.
 */
import { isTensor, type Tensor } from '@strata/core';

/** Every tensor inside `value` (arrays, plain objects and Maps are searched). */
export function collectTensors(value: unknown, out: Set<Tensor> = new Set()): Set<Tensor> {
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (isTensor(v)) out.add(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v instanceof Map) for (const x of v.values()) walk(x);
    else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)
      for (const x of Object.values(v)) walk(x);
  };
  walk(value);
  return out;
}

/**
 * Disposes every live tensor inside a batch (or any nested value) — the
 * one-liner for a consumer that is done with a batch.
 *
 * @example
 * for await (const batch of loader) {
 *   trainStep(batch);
 *   disposeBatch(batch);
 * }
 */
export function disposeBatch(value: unknown): void {
  for (const t of collectTensors(value)) if (!t.isDisposed) t.dispose();
}

/** Disposes the tensors in `value` that are not also in `kept` (items after collation). */
export function disposeExcept(value: unknown, kept: unknown): void {
  const keep = collectTensors(kept);
  for (const t of collectTensors(value)) if (!keep.has(t) && !t.isDisposed) t.dispose();
}
