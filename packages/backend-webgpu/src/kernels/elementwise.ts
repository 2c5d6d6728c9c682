/**
 * The elementwise primitive: one thread per output element (two for float16,
 * whose packed pairs must be written by one thread) evaluates core's Expr,
 * rendered to WGSL by ../wgsl/expr.ts, over inputs read in place through their
 * strides. Constants go in the uniforms like sizes do, so `x.mul(lr)` compiles
 * once for every `lr`.
 */
import type { DType, Expr, OutputSpec } from '@strata/core';
import { loadValue, storageDecl, storeWord, viewAccess, wgslValueType } from '../wgsl/access';
import { convert, letBlock, renderExpr, valueType } from '../wgsl/expr';
import { helperSource } from '../wgsl/math';
import type { KernelPlan, ViewInfo } from './plan';
import { grid, type KernelLimits, linearWorkgroup, sizeOfShape, Uniforms } from './reduce-common';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The uniform word holding a constant of `dtype`, and the WGSL that decodes it. */
export function constantWord(value: number, dtype: DType): { word: number; decode: (field: string) => string } {
  if (dtype === 'int32') return { word: (Math.trunc(value) | 0) >>> 0, decode: (p) => `bitcast<i32>(${p})` };
  if (dtype === 'bool') return { word: value !== 0 ? 1 : 0, decode: (p) => `(${p} != 0u)` };
  f32[0] = value;
  return { word: u32[0] as number, decode: (p) => `bitcast<f32>(${p})` };
}

/** Threads per workgroup for simple one-element-per-thread kernels. */
export function flatWorkgroupSize(limits: KernelLimits): number {
  return Math.min(256, limits.maxWorkgroupSize);
}

/**
 * The structure of an expression with its constants as numbered slots (in the
 * order the renderer meets them: depth first, each shared node once), so that
 * `x.mul(0.1)` and `x.mul(0.2)` share one kernel and its WGSL is built once.
 */
function exprStructure(expr: Expr): { key: string; consts: Extract<Expr, { kind: 'const' }>[] } {
  const consts: Extract<Expr, { kind: 'const' }>[] = [];
  const seen = new Map<Expr, string>();
  const walk = (e: Expr): string => {
    const known = seen.get(e);
    if (known !== undefined) return known;
    let key: string;
    switch (e.kind) {
      case 'const':
        key = `k${consts.length}:${e.dtype}`;
        consts.push(e);
        break;
      case 'input':
        key = `i${e.index}:${e.dtype}`;
        break;
      case 'index':
        key = 'idx';
        break;
      case 'unary':
        key = `${e.op}(${walk(e.x)})`;
        break;
      case 'cast':
        key = `${e.dtype}(${walk(e.x)})`;
        break;
      case 'binary':
        key = `${e.op}(${walk(e.a)},${walk(e.b)})`;
        break;
      case 'select': {
        const c = walk(e.cond);
        const a = walk(e.a);
        key = `sel(${c},${a},${walk(e.b)}):${e.dtype}`;
        break;
      }
    }
    // A shared node is named by its first position, so the key stays linear in the DAG's size.
    seen.set(e, `#${seen.size}`);
    return key;
  };
  return { key: walk(expr), consts };
}

const codeCache = new Map<string, string>();
const MAX_CACHED_CODE = 1024;

export function buildElementwise(inputs: readonly ViewInfo[], expr: Expr, out: OutputSpec, limits: KernelLimits): KernelPlan {
  const n = sizeOfShape(out.shape);
  const half = out.dtype === 'float16';
  const threads = half ? Math.ceil(n / 2) : n;
  const wg = flatWorkgroupSize(limits);
  const workgroups = grid(Math.ceil(threads / wg), limits.maxWorkgroupsPerDim);
  const u = new Uniforms();
  const count = u.add('n', n);
  const threadCount = u.add('threads', threads);
  const access = viewAccess(out.shape, inputs, 'i', u);
  const structure = exprStructure(expr);
  const constFields = new Map<Expr, string>();
  structure.consts.forEach((c, slot) => {
    const { word, decode } = constantWord(c.value, c.dtype);
    constFields.set(c, decode(u.add(`c${slot}`, word)));
  });
  const wid = linearWorkgroup(u, workgroups);
  const key = `${structure.key}|${inputs.map((v) => v.dtype).join()}|${access.kinds.join()}|${access.rank}|${out.dtype}|${wg}`;
  let code = codeCache.get(key);
  if (code === undefined) {
    const used = new Set<string>();
    const lets = letBlock(expr);
    const value = renderExpr(
      expr,
      {
        input: (k, dtype) => loadValue(`in${k}`, `o${k}`, inputs[k]?.dtype ?? dtype, used),
        constant: (c) => constFields.get(c) as string,
        index: 'i32(i)',
      },
      used,
      lets,
    );
    const result = convert(value, valueType(expr.dtype), valueType(out.dtype), used);
    let store: string;
    if (half) {
      used.add('s_f32_to_f16');
      store = `let lo = s_f32_to_f16(value(2u * t));
  var hi = 0u;
  if (2u * t + 1u < ${count}) { hi = s_f32_to_f16(value(2u * t + 1u)); }
  out[t] = lo | (hi << 16u);`;
    } else {
      store = `out[t] = ${storeWord('value(t)', out.dtype)};`;
    }
    code = `${u.declaration()}
${inputs.map((v, k) => storageDecl(k + 1, `in${k}`, v.dtype, 'read')).join('\n')}
${storageDecl(inputs.length + 1, 'out', out.dtype, 'read_write')}
${helperSource(used)}
fn value(i: u32) -> ${wgslValueType(out.dtype)} {
  ${access.code}
  ${lets.lines.join('\n  ')}
  return ${result};
}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  ${inputs.map((_, k) => `_ = &in${k};`).join(' ')}
  let t = (${wid}) * ${wg}u + lid;
  if (t >= ${threadCount}) { return; }
  ${store}
}
`;
    if (codeCache.size >= MAX_CACHED_CODE) codeCache.clear();
    codeCache.set(key, code);
  }
  return { name: 'elementwise', code, workgroups, uniforms: u.words(), bindings: 'inputs-then-output' };
}
