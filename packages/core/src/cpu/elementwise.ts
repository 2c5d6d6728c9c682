import { type Expr, exprKey } from '../backend/expr';
import type { OutputSpec, View } from '../backend/primitives';
import { allocStorageArray, type StorageArray } from '../dtype';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../float16';
import { sizeOf } from '../shape';
import { helperSource, renderJs } from './scalar-js';
import { type Access, accessFor } from './strided';

type CompiledKernel = (
  inputs: readonly StorageArray[],
  access: readonly (number | Int32Array)[],
  out: StorageArray,
  n: number,
  f16: (bits: number) => number,
  toF16: (value: number) => number,
) => void;

const cache = new Map<string, CompiledKernel>();
const accessCode: Record<Access['kind'], string> = { contiguous: 'c', scalar: 'z', strided: 'x' };

/**
 * Generates one tight loop per (expression, access pattern, dtypes) and caches
 * it: contiguous inputs read `in[off + i]`, broadcast scalars are loaded once
 * before the loop, other views go through a precomputed offset table.
 */
function compile(
  expr: Expr,
  inputs: readonly View<StorageArray>[],
  accesses: readonly Access[],
  out: OutputSpec,
): CompiledKernel {
  const kinds = accesses.map((a, k) => `${accessCode[a.kind]}${inputs[k]?.dtype === 'float16' ? 'h' : ''}`).join('');
  const key = `${exprKey(expr)}|${kinds}|${out.dtype}`;
  let fn = cache.get(key);
  if (fn) return fn;
  const hoisted: string[] = [];
  const loads: string[] = [];
  accesses.forEach((a, k) => {
    const load = (index: string) => (inputs[k]?.dtype === 'float16' ? `f16(in${k}[${index}])` : `in${k}[${index}]`);
    hoisted.push(`const in${k} = inputs[${k}], a${k} = access[${k}];`);
    if (a.kind === 'scalar') hoisted.push(`const v${k} = ${load(`a${k}`)};`);
    else if (a.kind === 'contiguous') loads.push(`const v${k} = ${load(`a${k} + i`)};`);
    else loads.push(`const v${k} = ${load(`a${k}[i]`)};`);
  });
  const value = renderJs(expr, (k) => `v${k}`);
  const store = out.dtype === 'float16' ? `out[i] = toF16(${value});` : `out[i] = ${value};`;
  const body = `${helperSource}\n${hoisted.join('\n')}\nfor (let i = 0; i < n; i++) {\n${loads.join('\n')}\n${store}\n}`;
  fn = new Function('inputs', 'access', 'out', 'n', 'f16', 'toF16', body) as CompiledKernel;
  cache.set(key, fn);
  return fn;
}

export function elementwiseKernel(
  inputs: readonly View<StorageArray>[],
  params: { readonly expr: Expr },
  out: OutputSpec,
): StorageArray {
  const n = sizeOf(out.shape);
  const result = allocStorageArray(out.dtype, n);
  if (n === 0) return result;
  const accesses = inputs.map((v) => accessFor(v.shape, v.strides, v.offset));
  const fn = compile(params.expr, inputs, accesses, out);
  fn(
    inputs.map((v) => v.storage),
    accesses.map((a) => (a.kind === 'strided' ? a.offsets : a.offset)),
    result,
    n,
    float16BitsToFloat32,
    float32ToFloat16Bits,
  );
  return result;
}
