/**
 * Comparing what a backend produced (read with `await t.data()`) to expected
 * values: shape and dtype first, then element by element with a tolerance.
 * NaN must meet NaN, an infinity the same infinity; everything else must be
 * within `atol + rtol * |expected|`. Failures list the first mismatches.
 */
import type { DType, Tensor } from '@strata/core';
import { assert } from 'vitest';
import type { Tolerance } from './harness';

export type Nested = number | boolean | readonly Nested[];
export type Expected = Nested | ArrayLike<number>;

export interface ExpectOptions {
  /** Defaults to bit-exact. */
  readonly tol?: Tolerance;
  /** Required shape; inferred from nesting when `expected` is a nested array. */
  readonly shape?: readonly number[];
  readonly dtype?: DType;
  /** Names the case in failure messages. */
  readonly label?: string;
}

const exact: Tolerance = { rtol: 0, atol: 0 };

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}

/** Flattens nested arrays (row-major) and reports the nesting shape. */
export function flattenExpected(expected: Expected): { values: number[]; shape: number[] } {
  const shape: number[] = [];
  let level: unknown = expected;
  while (isArrayLike(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  const values: number[] = [];
  const walk = (v: unknown): void => {
    if (isArrayLike(v)) for (let i = 0; i < v.length; i++) walk(v[i]);
    else values.push(Number(v));
  };
  walk(expected);
  return { values, shape };
}

function fmt(v: number): string {
  return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : v.toPrecision(9);
}

/** Compares raw values; returns a description of the mismatches, or undefined when all match. */
export function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance = exact): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  const bad: string[] = [];
  let count = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else {
      const err = Math.abs(a - e);
      const allowed = tol.atol + tol.rtol * Math.abs(e);
      ok = err <= allowed;
      if (!ok && Number.isFinite(err)) worst = Math.max(worst, err / Math.max(allowed, Number.MIN_VALUE));
    }
    if (!ok) {
      count++;
      if (bad.length < 6) bad.push(`[${i}] got ${fmt(a)}, expected ${fmt(e)}`);
    }
  }
  if (count === 0) return undefined;
  const ratio = worst > 0 ? `; worst error ${worst.toPrecision(3)}x the allowed` : '';
  return `${count} of ${expected.length} elements differ (rtol ${tol.rtol.toExponential(2)}, atol ${tol.atol.toExponential(2)}${ratio}): ${bad.join('; ')}`;
}

/** Asserts raw values are within tolerance. */
export function expectValues(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance = exact,
  label = 'values',
): void {
  const problem = mismatches(actual, expected, tol);
  if (problem) assert.fail(`${label}: ${problem}`);
}

/** Reads `t` and asserts its shape, dtype (when given) and values. */
export async function expectTensor(t: Tensor, expected: Expected, options: ExpectOptions = {}): Promise<void> {
  const label = options.label ?? 'tensor';
  const { values, shape } = flattenExpected(expected);
  const wantShape = options.shape ?? (isArrayLike(expected) && !ArrayBuffer.isView(expected) ? shape : undefined);
  if (wantShape) assert.deepEqual([...t.shape], [...wantShape], `${label}: shape`);
  if (options.dtype) assert.equal(t.dtype, options.dtype, `${label}: dtype`);
  const data = await t.data();
  expectValues(data, values, options.tol ?? exact, label);
}

/** Reads a tensor's values as a plain array (numbers; bools as 0/1). */
export async function valuesOf(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}
