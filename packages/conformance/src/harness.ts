/**
 * What every section receives: the backend under test (available once the
 * suite's `beforeAll` has run) and the tolerances derived from what that
 * backend declares about itself. No tolerance or skip anywhere in the suite is
 * keyed on a test's name; they all come from `capabilities`.
 */
import type { Backend, BackendCapabilities, DType } from '@strata/core';

/** What the suite needs to know about a backend (any storage type). */
export type BackendInfo = Pick<Backend, 'name' | 'capabilities'>;

/** `|actual - expected| <= atol + rtol * |expected|` for every finite element. */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** The smallest normal float32: results below it may be flushed to zero by GPU backends. */
const FLOAT32_MIN_NORMAL = 2 ** -126;
/** float16 is a storage format: one rounding to 11 significant bits, whatever the backend computes in. */
const FLOAT16_EPSILON = 2 ** -10;

/** The subset of vitest's test context the harness needs to skip a test at run time. */
export interface SkipContext {
  readonly skip: (condition: boolean, note?: string) => void;
}

export class Harness {
  #backend: BackendInfo | undefined;

  constructor(readonly name: string) {}

  /** @internal Called by `describeBackend` once the factory has produced the backend. */
  attach(backend: BackendInfo): void {
    this.#backend = backend;
  }

  get backend(): BackendInfo {
    if (!this.#backend)
      throw new Error(`conformance(${this.name}): the backend is not created yet; use it inside it(...) blocks only`);
    return this.#backend;
  }

  get caps(): BackendCapabilities {
    return this.backend.capabilities;
  }

  /** Relative error of one float32 operation on this backend. */
  get eps(): number {
    return this.caps.floatEpsilon;
  }

  /** Bit-exact: integer and boolean results, copies, views, comparisons. */
  readonly exact: Tolerance = { rtol: 0, atol: 0 };

  /** Correctly rounded basic arithmetic (+ - * /, sqrt, casts): a few ulps. */
  get arith(): Tolerance {
    return { rtol: 4 * this.eps, atol: FLOAT32_MIN_NORMAL };
  }

  /** Transcendental functions and the activations composed from them. */
  get math(): Tolerance {
    return { rtol: 32 * this.eps, atol: 32 * this.eps };
  }

  /**
   * A reduction of `n` terms whose absolute values sum to at most `scale`:
   * a pairwise/tree sum errs by about log2(n) roundings of `scale`.
   */
  reduction(n: number, scale: number): Tolerance {
    return { rtol: 4 * this.eps, atol: 4 * this.eps * (Math.ceil(Math.log2(Math.max(n, 2))) + 1) * scale + FLOAT32_MIN_NORMAL };
  }

  /**
   * A dot product of length `k` whose |a|·|b| sums to at most `scale`: the
   * classic bound for any summation order is k roundings of `scale`.
   */
  matmul(k: number, scale: number): Tolerance {
    return { rtol: 4 * this.eps, atol: (k + 2) * this.eps * scale + FLOAT32_MIN_NORMAL };
  }

  /** Results stored as float16: one float16 rounding on top of the float32 math. */
  get half(): Tolerance {
    return { rtol: FLOAT16_EPSILON + 32 * this.eps, atol: 2 ** -24 };
  }

  supports(dtype: DType): boolean {
    return this.caps.dtypes.includes(dtype);
  }

  /** Skips the running test unless the backend stores every one of `dtypes`. */
  requireDTypes(ctx: SkipContext, ...dtypes: DType[]): void {
    const missing = dtypes.filter((d) => !this.supports(d));
    ctx.skip(missing.length > 0, `backend '${this.name}' does not declare ${missing.join(', ')}`);
  }

  /** Skips the running test unless the backend can read synchronously. */
  requireSyncRead(ctx: SkipContext): void {
    ctx.skip(!this.caps.syncRead, `backend '${this.name}' has no synchronous reads`);
  }
}

/** A section registers its `it(...)` blocks (inside the suite's `describe`) against the harness. */
export type Section = (h: Harness) => void;
