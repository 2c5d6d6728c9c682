/**
 * The interface between the runtime (buffers, pipelines, dispatch) and the
 * kernel builders (pure functions from views to WGSL). A builder never touches
 * a GPUDevice: it returns a `KernelPlan`, and the runtime compiles (cached by
 * `code`), binds and dispatches it. That keeps every builder unit-testable
 * without a GPU and lets the runtime batch, pool and cache in one place.
 */
import type { DType, OutputSpec } from '@strata/core';

export type { OutputSpec };

/** A strided view as a builder sees it: no storage, just layout (offset and strides in elements). */
export interface ViewInfo {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
}

/**
 * One compute dispatch.
 * - `code`: a complete WGSL module with entry point `main`. It is also the pipeline cache
 *   key, so shape-specific values belong in `uniforms`, not in the code, wherever that is cheap.
 * - `workgroups`: the dispatch grid; each entry must be <= device limit
 *   maxComputeWorkgroupsPerDimension (65535); fold large counts into y (see `grid2d`).
 * - `uniforms`: u32 words bound at `@group(0) @binding(0)` as `var<uniform>`; the builder
 *   lays them out (16-byte aligned members, arrays of vec4<u32>). Floats go in as bit
 *   patterns (`bitcast<f32>` in WGSL). May be empty only if the code declares no binding 0.
 * - `bindings: 'inputs-then-output'`: input i (0-based) at `@binding(i + 1)` as
 *   `var<storage, read>`, the output at `@binding(n + 1)` as `var<storage, read_write>`.
 *
 * Storage layout per dtype (what the buffers hold): float32 as `f32`, int32 as `i32`,
 * bool as `u32` (0 or 1, one per element). float16 is packed two per u32
 * (`unpack2x16float`); builders may reject it — the runtime casts to float32 first.
 */
export interface KernelPlan {
  readonly name: string;
  readonly code: string;
  readonly workgroups: readonly [number, number, number];
  readonly uniforms: Uint32Array;
  readonly bindings: 'inputs-then-output';
  /** Optional: how many output elements the runtime should allocate when it differs from the OutputSpec's size (e.g. scratch). */
  readonly outputElements?: number;
}

/** WGSL scalar type that holds one element of `dtype` in a storage buffer. */
export function wgslStorageType(dtype: DType): 'f32' | 'i32' | 'u32' {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'int32':
      return 'i32';
    case 'bool':
    case 'float16':
      return 'u32';
    default:
      throw new Error(`WebGPU backend: dtype ${dtype} has no storage type`);
  }
}

/** Max workgroups per grid dimension guaranteed by WebGPU. */
export const maxWorkgroupsPerDimension = 65535;

/**
 * Spreads `count` workgroups over x and y so neither exceeds the per-dimension limit.
 * In WGSL recover the linear workgroup as `wid.x + wid.y * nwg.x` (builtin num_workgroups),
 * and guard against the overshoot (x * y may exceed count).
 */
export function grid2d(count: number): [number, number, number] {
  if (count <= maxWorkgroupsPerDimension) return [Math.max(count, 1), 1, 1];
  const y = Math.ceil(count / maxWorkgroupsPerDimension);
  return [Math.ceil(count / y), y, 1];
}
