/**
 * The elementwise primitive: one fragment per output element evaluates core's
 * Expr, rendered to GLSL by ../glsl/expr.ts, over inputs read in place through
 * their strides. Constants are kernel parameters like sizes are, so
 * `x.mul(lr)` compiles once for every `lr`; the rendered body is cached by the
 * expression's structure, so steady-state calls only compute parameters.
 */
import type { DType, Expr, OutputSpec } from '@strata/core';
import { loadValue, Params, storeValue, type ViewInfo, viewAccess } from '../glsl/access';
import { convert, letBlock, renderExpr, valueType } from '../glsl/expr';
import type { KernelSpec } from '../runtime/kernel-cache';
import { layoutOf } from '../storage';

type ConstNode = Extract<Expr, { kind: 'const' }>;

/**
 * The structure of an expression with its constants as numbered slots (in the
 * order met depth first, each shared node once), so that `x.mul(0.1)` and
 * `x.mul(0.2)` share one kernel and its GLSL is rendered once.
 */
function exprStructure(expr: Expr): { key: string; consts: ConstNode[] } {
  const consts: ConstNode[] = [];
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

interface Rendered {
  readonly body: string;
  readonly helpers: readonly string[];
}

const bodyCache = new Map<string, Rendered>();
const MAX_CACHED_BODIES = 2048;

export function buildElementwise(inputs: readonly ViewInfo[], expr: Expr, out: OutputSpec): KernelSpec {
  const p = new Params();
  const access = viewAccess(out.shape, inputs, 'i', p);
  const structure = exprStructure(expr);
  const constNames = new Map<Expr, string>();
  for (const c of structure.consts) constNames.set(c, p.constant(c.value, c.dtype));
  const key = `${structure.key}|${inputs.map((v) => v.dtype).join()}|${access.kinds.join()}|${access.rank}|${out.dtype}`;
  let rendered = bodyCache.get(key);
  if (rendered === undefined) {
    const used = new Set<string>();
    const lets = letBlock(expr);
    const value = renderExpr(
      expr,
      {
        input: (k, dtype: DType) => convert(`in${k}`, valueType(inputs[k]?.dtype ?? dtype), valueType(dtype), used),
        constant: (c) => constNames.get(c) as string,
        index: 'i',
      },
      used,
      lets,
    );
    const loads = inputs.map((v, k) => `${valueType(v.dtype)} in${k} = ${loadValue(k, `o${k}`, v.dtype)};`);
    const result = convert(value, valueType(expr.dtype), valueType(out.dtype), used);
    rendered = {
      body: [access.code, ...loads, ...lets.lines, storeValue(result, out.dtype)].filter((l) => l !== '').join('\n  '),
      helpers: [...used],
    };
    if (bodyCache.size >= MAX_CACHED_BODIES) bodyCache.clear();
    bodyCache.set(key, rendered);
  }
  return {
    name: 'elementwise',
    inputs: inputs.map((v) => layoutOf(v.dtype)),
    output: layoutOf(out.dtype),
    body: rendered.body,
    helpers: rendered.helpers,
    params: p.values,
  };
}
