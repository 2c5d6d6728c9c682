/**
 * Helpers shared by the reduce, scan and matmul plan builders: WGSL element
 * types, the uniform block (named u32 fields), collapsing strided dims, index
 * math emitted as WGSL, and folding a 1-d workgroup count into a 3-d grid.
 *
 * Kernel source depends only on the *structure* of a call (op, dtypes, ranks
 * after collapsing, which operand is transposed); sizes, strides and offsets go
 * in the uniforms, so the runtime can cache pipelines by `code`.
 */
import type { DType } from '@strata/core';

/** Device limits a builder must respect (from GPUDevice.limits). */
export interface KernelLimits {
  /** maxComputeInvocationsPerWorkgroup (and per-dimension sizes, assumed ≥ this for x and ≥ 16 for y). */
  readonly maxWorkgroupSize: number;
  /** maxComputeWorkgroupStorageSize in bytes. */
  readonly maxWorkgroupStorage: number;
  /** maxComputeWorkgroupsPerDimension. */
  readonly maxWorkgroupsPerDim: number;
  /** maxStorageBuffersPerShaderStage (4 on compatibility-level devices by default); unknown means 8. */
  readonly maxStorageBuffers?: number;
  /**
   * A Mesa CPU rasteriser (llvmpipe; see isSoftwareDevice for why not SwiftShader): every storage or workgroup-memory load
   * costs about 25 multiply-adds per invocation and barriers are emulated, so register-blocked
   * kernels without workgroup memory, with blocks far larger than a GPU's registers allow, win.
   */
  readonly software?: boolean;
}

export type WgslScalar = 'f32' | 'i32' | 'u32';

/** float32 → f32, int32 → i32, bool → u32 (0/1, one per element). float16 has no storage type here. */
export function wgslType(dtype: DType, who: string): WgslScalar {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'int32':
      return 'i32';
    case 'bool':
      return 'u32';
    case 'float16':
      throw new Error(`${who}: float16 storage is not supported by this kernel; compute in float32`);
  }
}

/** A WGSL literal of type `t`. */
export function literal(t: WgslScalar, value: number): string {
  if (t === 'f32') return Number.isInteger(value) ? `${value}.0` : `${value}`;
  return t === 'i32' ? `${value}i` : `${value}u`;
}

/** WGSL helper: NaN test by bits (robust where the compiler assumes no NaNs in arithmetic). */
export const IS_NAN_FN = 'fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }';

function checkU32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`kernel uniform '${what}' must be an integer in [0, 2^32), got ${value}`);
  }
  return value;
}

/**
 * A uniform block of named u32 scalars (4-byte aligned under the WGSL uniform
 * rules, so they pack tightly); the word array is padded to a multiple of 16 bytes.
 */
export class Uniforms {
  private readonly names: string[] = [];
  private readonly values: number[] = [];

  /** Adds a field and returns its WGSL expression (`p.name`). */
  add(name: string, value: number): string {
    if (this.names.includes(name)) throw new Error(`duplicate uniform '${name}'`);
    this.names.push(name);
    this.values.push(checkU32(value, name));
    return `p.${name}`;
  }

  /** The struct and its binding (@group(0) @binding(0), var<uniform> p). */
  declaration(): string {
    const fields = this.names.length > 0 ? this.names : ['unused'];
    return `struct Params {\n${fields.map((n) => `  ${n}: u32,`).join('\n')}\n}\n@group(0) @binding(0) var<uniform> p: Params;`;
  }

  words(): Uint32Array {
    const n = Math.max(4, Math.ceil(this.values.length / 4) * 4);
    const out = new Uint32Array(n);
    out.set(this.values);
    return out;
  }
}

/**
 * Drops size-1 dims and merges neighbours that every stride set walks as one
 * (s[i] == s[i+1] * shape[i+1]), keeping the row-major order of the linear
 * index. For a non-empty shape only; the result may have rank 0.
 */
export function collapseDims(
  shape: readonly number[],
  strideSets: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strideSets.map(() => []);
  shape.forEach((size, d) => {
    if (size === 1) return;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strideSets.every((s, j) => (outStrides[j]?.[last] as number) === (s[d] as number) * size);
    if (mergeable) {
      outShape[last] = (outShape[last] as number) * size;
      strideSets.forEach((s, j) => {
        (outStrides[j] as number[])[last] = s[d] as number;
      });
      return;
    }
    outShape.push(size);
    strideSets.forEach((s, j) => {
      (outStrides[j] as number[]).push(s[d] as number);
    });
  });
  return { shape: outShape, strides: outStrides };
}

/**
 * WGSL that adds, for a row-major linear index `index` over dims of sizes
 * `sizes` (uniform expressions), `coord * strides[j][d]` to the (declared, u32)
 * variable `targets[j]`. The innermost dim varies fastest.
 */
export function offsetCode(
  index: string,
  sizes: readonly string[],
  strides: readonly (readonly string[])[],
  targets: readonly string[],
  tag: string,
): string {
  const nd = sizes.length;
  if (nd === 0) return '';
  const lines: string[] = [`var ${tag}r = ${index};`];
  for (let d = nd - 1; d >= 0; d--) {
    const c = `${tag}c${d}`;
    if (d === 0) lines.push(`let ${c} = ${tag}r;`);
    else lines.push(`let ${c} = ${tag}r % ${sizes[d]};`, `${tag}r = ${tag}r / ${sizes[d]};`);
    targets.forEach((t, j) => {
      lines.push(`${t} += ${c} * ${strides[j]?.[d]};`);
    });
  }
  return lines.join('\n    ');
}

/** Folds `total` workgroups into [x, y, z] under the per-dimension limit (x * y * z ≥ total). */
export function grid(total: number, maxPerDim: number): [number, number, number] {
  if (total === 0) return [0, 1, 1];
  const x = Math.min(total, maxPerDim);
  const rest = Math.ceil(total / x);
  const y = Math.min(rest, maxPerDim);
  const z = Math.ceil(rest / y);
  if (z > maxPerDim) throw new RangeError(`kernel needs ${total} workgroups, more than the device can dispatch`);
  return [x, y, z];
}

/** Adds gx/gy uniforms for `workgroups` and returns the WGSL linear workgroup index of `wid`. */
export function linearWorkgroup(u: Uniforms, workgroups: [number, number, number]): string {
  const gx = u.add('gx', workgroups[0]);
  const gy = u.add('gy', workgroups[1]);
  return `wid.x + ${gx} * (wid.y + ${gy} * wid.z)`;
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The largest power of two ≤ 256, the device's invocation limit, and workgroup storage / bytesPerThread. */
export function workgroupThreads(limits: KernelLimits, bytesPerThread: number): number {
  const cap = Math.min(256, limits.maxWorkgroupSize, Math.floor(limits.maxWorkgroupStorage / bytesPerThread));
  if (cap < 1) throw new RangeError('kernel: the device allows no workgroup this kernel can use');
  let p = 1;
  while (p * 2 <= cap) p *= 2;
  return p;
}

export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}
