/**
 * Reading strided views inside a kernel: texel loads by dtype, the int
 * uniforms a kernel takes (sizes, strides, offsets, constant bit patterns),
 * and the index math from a row-major output index to each input's storage
 * offset.
 *
 * Storage layouts (see ../storage.ts): float32 and bool live in R32F textures
 * (bool as 0.0/1.0); int32 lives in RG32F as its high 16 bits (signed) and low
 * 16 bits (unsigned), each an integer a float holds exactly, so every int32 is
 * exact. Element e of a texture of width w is texel (e % w, e / w).
 *
 * Views are read in place (broadcast stride 0, transposes, slices): no copy.
 * Dims are first collapsed across all operands, then each input is a *scalar*
 * (all strides 0), *contiguous* (`offset + i`) or *strided* (div/mod index
 * math over the collapsed shape). Shapes, strides and offsets are uniforms, so
 * the GLSL depends only on the collapsed rank and the access kinds.
 */
import type { DType } from '@strata/core';

/** Element loaders and the int32 encoder, emitted into every kernel. */
export const ACCESS_GLSL = `
float ld_f(sampler2D t, ivec2 s, int e) { return texelFetch(t, ivec2(e % s.x, e / s.x), 0).r; }
int ld_i(sampler2D t, ivec2 s, int e) {
  vec2 p = texelFetch(t, ivec2(e % s.x, e / s.x), 0).rg;
  return int(p.x) * 65536 + int(p.y);
}
vec2 st_i(int v) { return vec2(float(v >> 16), float(v & 0xffff)); }
float f16r(float x) {
  uint b = floatBitsToUint(x);
  if ((b & 0x7f800000u) == 0x7f800000u) { return x; }
  uint sgn = b & 0x80000000u;
  float a = abs(x);
  if (a >= 65520.0) { return uintBitsToFloat(sgn | 0x7f800000u); }
  if (a < 6.103515625e-05) { return uintBitsToFloat(sgn | floatBitsToUint(roundEven(a * 16777216.0) * 5.9604644775390625e-08)); }
  b += 0x0fffu + ((b >> 13) & 1u);
  return uintBitsToFloat(b & 0xffffe000u);
}
`;

/** A strided view as kernel builders see it: layout only (offset and strides in elements). */
export interface ViewInfo {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The int uniforms of one kernel call: each `add` returns the GLSL name of a new `int` parameter. */
export class Params {
  readonly values: number[] = [];

  add(value: number): string {
    if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 32) {
      throw new RangeError(`WebGL kernel parameter must be a 32-bit integer, got ${value}`);
    }
    this.values.push(value | 0);
    return `u${this.values.length - 1}`;
  }

  /** A constant of `dtype` as a uniform, and the GLSL that decodes it to its value type. */
  constant(value: number, dtype: DType): string {
    if (dtype === 'int32') return this.add(Math.trunc(value) | 0);
    if (dtype === 'bool') return `(${this.add(value !== 0 ? 1 : 0)} != 0)`;
    f32[0] = value;
    return `intBitsToFloat(${this.add(i32[0] as number)})`;
  }
}

/** The value-typed load (expr.ts valueType) of storage element `offset` of texture input `k`. */
export function loadValue(k: number, offset: string, dtype: DType): string {
  const args = `t${k}, t${k}Size, ${offset}`;
  if (dtype === 'int32') return `ld_i(${args})`;
  if (dtype === 'bool') return `(ld_f(${args}) != 0.0)`;
  return `ld_f(${args})`;
}

/** The `return` statement storing a value-typed expression in the output layout of `dtype`. */
export function storeValue(value: string, dtype: DType): string {
  if (dtype === 'int32') return `return st_i(${value});`;
  if (dtype === 'bool') return `return (${value}) ? 1.0 : 0.0;`;
  if (dtype === 'float16') return `return f16r(${value});`;
  return `return ${value};`;
}

export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides: number[] = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d] as number;
  }
  return strides;
}

/**
 * Drops size-1 dims and merges neighbours that every stride set walks as one
 * (s[i] == s[i+1] * shape[i+1]), keeping the row-major order of the linear index.
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
 * GLSL that adds, for a row-major linear index `index` over dims of sizes
 * `sizes` (GLSL int expressions), `coord * strides[j][d]` to the declared int
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
  const lines: string[] = [`int ${tag}r = ${index};`];
  for (let d = nd - 1; d >= 0; d--) {
    const c = `${tag}c${d}`;
    if (d === 0) lines.push(`int ${c} = ${tag}r;`);
    else lines.push(`int ${c} = ${tag}r % ${sizes[d]};`, `${tag}r = ${tag}r / ${sizes[d]};`);
    targets.forEach((t, j) => {
      lines.push(`${t} += ${c} * ${strides[j]?.[d]};`);
    });
  }
  return lines.join('\n  ');
}

export type AccessKind = 'scalar' | 'contiguous' | 'strided';

export interface ViewAccess {
  readonly kinds: readonly AccessKind[];
  /** GLSL lines defining `int {prefix}{k}`, the storage offset of view k for linear index `index`. */
  readonly code: string;
  /** Collapsed rank (part of the kernel's structure). */
  readonly rank: number;
}

function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if ((shape[d] as number) !== 1 && strides[d] !== expected) return false;
    expected *= shape[d] as number;
  }
  return true;
}

/**
 * Index math for `views` (all laid over `shape`) from the int GLSL expression
 * `index`; offsets, sizes and strides become parameters in `p`.
 */
export function viewAccess(
  shape: readonly number[],
  views: readonly Pick<ViewInfo, 'strides' | 'offset'>[],
  index: string,
  p: Params,
  prefix = 'o',
): ViewAccess {
  const collapsed = collapseDims(
    shape,
    views.map((v) => v.strides),
  );
  const kinds: AccessKind[] = views.map((_, k) => {
    const strides = collapsed.strides[k] as number[];
    if (strides.every((s) => s === 0)) return 'scalar';
    return isContiguous(collapsed.shape, strides) ? 'contiguous' : 'strided';
  });
  const lines: string[] = [];
  const strided: number[] = [];
  views.forEach((v, k) => {
    const off = p.add(v.offset);
    if (kinds[k] === 'scalar') lines.push(`int ${prefix}${k} = ${off};`);
    else if (kinds[k] === 'contiguous') lines.push(`int ${prefix}${k} = ${off} + ${index};`);
    else {
      lines.push(`int ${prefix}${k} = ${off};`);
      strided.push(k);
    }
  });
  if (strided.length > 0) {
    const sizes = collapsed.shape.map((s) => p.add(s));
    const strides = strided.map((k) => (collapsed.strides[k] as number[]).map((s) => p.add(s)));
    lines.push(
      offsetCode(
        index,
        sizes,
        strides,
        strided.map((k) => `${prefix}${k}`),
        `${prefix}_`,
      ),
    );
  }
  return { kinds, code: lines.join('\n  '), rank: collapsed.shape.length };
}
