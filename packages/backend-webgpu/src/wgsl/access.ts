/**
 * Reading strided views inside a kernel: declarations, loads by dtype, and the
 * index math from a row-major output index to each input's storage offset.
 *
 * Views are read in place (broadcast stride 0, transposes, slices): no copy.
 * Dims are first collapsed across all operands (merging neighbours every view
 * walks as one), then each input is classified: a *scalar* (all strides 0)
 * reads one element, a *contiguous* input reads `offset + i`, any other goes
 * through div/mod index math over the collapsed shape. Shapes, strides and
 * offsets live in the uniforms, so the WGSL depends only on the collapsed rank
 * and the access kinds.
 */
import type { DType } from '@strata/core';
import type { ViewInfo } from '../kernels/plan';
import { collapseDims, offsetCode, type Uniforms } from '../kernels/reduce-common';
import { valueType } from './expr';

/** The storage word type of a dtype (float16 packs two halves per u32). */
export function storageWord(dtype: DType): 'f32' | 'i32' | 'u32' {
  return dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'u32';
}

export function storageDecl(binding: number, name: string, dtype: DType, access: 'read' | 'read_write'): string {
  return `@group(0) @binding(${binding}) var<storage, ${access}> ${name}: array<${storageWord(dtype)}>;`;
}

/** A value-typed (expr.ts valueType) load of element `offset` (u32 WGSL) of buffer `name`. */
export function loadValue(name: string, offset: string, dtype: DType, used: Set<string>): string {
  switch (dtype) {
    case 'float32':
    case 'int32':
      return `${name}[${offset}]`;
    case 'bool':
      return `(${name}[${offset}] != 0u)`;
    case 'float16':
      used.add('s_f16_to_f32');
      return `s_f16_to_f32((${name}[(${offset}) >> 1u] >> (((${offset}) & 1u) * 16u)) & 0xffffu)`;
  }
}

/** The storage word for a value-typed expression (not float16: pack pairs with s_f32_to_f16). */
export function storeWord(value: string, dtype: DType): string {
  return dtype === 'bool' ? `select(0u, 1u, ${value})` : value;
}

/** Value type name of a dtype, as a WGSL type. */
export function wgslValueType(dtype: DType): string {
  return valueType(dtype);
}

export type AccessKind = 'scalar' | 'contiguous' | 'strided';

export interface ViewAccess {
  readonly kinds: readonly AccessKind[];
  /** WGSL lines that define u32 `o{k}` (the storage offset of input k) for linear index `index`. */
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
 * Index math for `views` (all laid over `shape`), reading the linear index from
 * the u32 WGSL expression `index`. Adds its uniforms (prefixed `tag`) to `u`.
 */
export function viewAccess(
  shape: readonly number[],
  views: readonly ViewInfo[],
  index: string,
  u: Uniforms,
  tag = 'v',
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
    const off = u.add(`${tag}off${k}`, v.offset);
    if (kinds[k] === 'scalar') lines.push(`let o${k} = ${off};`);
    else if (kinds[k] === 'contiguous') lines.push(`let o${k} = ${off} + ${index};`);
    else {
      lines.push(`var o${k} = ${off};`);
      strided.push(k);
    }
  });
  if (strided.length > 0) {
    const sizes = collapsed.shape.map((s, d) => u.add(`${tag}size${d}`, s));
    const strides = strided.map((k) => (collapsed.strides[k] as number[]).map((s, d) => u.add(`${tag}st${k}_${d}`, s)));
    lines.push(
      offsetCode(
        index,
        sizes,
        strides,
        strided.map((k) => `o${k}`),
        `${tag}_`,
      ),
    );
  }
  return { kinds, code: lines.join('\n  '), rank: collapsed.shape.length };
}
