import type { Expr } from '../backend/expr';
import type { OutputSpec, View } from '../backend/primitives';
import { allocStorageArray, type StorageArray } from '../dtype';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../float16';
import { sizeOf } from '../shape';
import { helperSource, renderJs } from './scalar-js';
import { type Access, accessFor } from './strided';

type CompiledKernel = (
  consts: readonly number[],
  inputs: readonly StorageArray[],
  access: readonly (number | Int32Array)[],
  out: StorageArray,
  n: number,
  f16: (bits: number) => number,
  toF16: (value: number) => number,
) => void;

const cache = new Map<string, CompiledKernel>();
/** Distinct expression shapes are few; the cap only guards against pathological programs. */
const MAX_CACHED_KERNELS = 4096;

/**
 * Numbers in the expression become kernel arguments, so `x.mul(lr)` compiles
 * once for every lr: the key has placeholders, `values` the numbers in order.
 */
function constantsOf(expr: Expr): { key: string; slots: Map<Expr, number>; values: number[] } {
  const slots = new Map<Expr, number>();
  const values: number[] = [];
  const walk = (e: Expr): string => {
    switch (e.kind) {
      case 'const': {
        let slot = slots.get(e);
        if (slot === undefined) {
          slot = values.length;
          slots.set(e, slot);
          values.push(e.value);
        }
        return `k${slot}:${e.dtype}`;
      }
      case 'input':
        return `i${e.index}:${e.dtype}`;
      case 'index':
        return 'idx';
      case 'unary':
        return `${e.op}(${walk(e.x)})`;
      case 'binary':
        return `${e.op}(${walk(e.a)},${walk(e.b)})`;
      case 'select':
        return `sel(${walk(e.cond)},${walk(e.a)},${walk(e.b)}):${e.dtype}`;
      case 'cast':
        return `cast<${e.dtype}>(${walk(e.x)})`;
    }
  };
  return { key: walk(expr), slots, values };
}
const accessCode: Record<Access['kind'], string> = { contiguous: 'c', scalar: 'z', strided: 'x' };

/**
 * Generates one tight loop per (expression, access pattern, dtypes) and caches
 * it: contiguous inputs read `in[off + i]`, broadcast scalars are loaded once
 * before the loop, other views go through a precomputed offset table.
 */
function compile(
  expr: Expr,
  constants: ReturnType<typeof constantsOf>,
  inputs: readonly View<StorageArray>[],
  accesses: readonly Access[],
  out: OutputSpec,
): CompiledKernel {
  const kinds = accesses.map((a, k) => `${accessCode[a.kind]}${inputs[k]?.dtype === 'float16' ? 'h' : ''}`).join('');
  const key = `${constants.key}|${kinds}|${out.dtype}`;
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
  const value = renderJs(
    expr,
    (k) => `v${k}`,
    (c) => `c${constants.slots.get(c)}`,
  );
  const store = out.dtype === 'float16' ? `out[i] = toF16(${value});` : `out[i] = ${value};`;
  const body = `${helperSource}\n${hoisted.join('\n')}\nfor (let i = 0; i < n; i++) {\n${loads.join('\n')}\n${store}\n}`;
  const constLoads = constants.values.map((_, i) => `const c${i} = consts[${i}];`).join('\n');
  fn = new Function('consts', 'inputs', 'access', 'out', 'n', 'f16', 'toF16', `${constLoads}\n${body}`) as CompiledKernel;
  if (cache.size >= MAX_CACHED_KERNELS) cache.clear();
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
  const constants = constantsOf(params.expr);
  const fn = compile(params.expr, constants, inputs, accesses, out);
  fn(
    constants.values,
    inputs.map((v) => v.storage),
    accesses.map((a) => (a.kind === 'strided' ? a.offsets : a.offset)),
    result,
    n,
    float16BitsToFloat32,
    float32ToFloat16Bits,
  );
  return result;
}
