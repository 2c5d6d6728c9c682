/**
 * Reductions (sum, prod, max, min, argmax, argmin, any, all) as passes of
 * one kernel shape: each fragment reduces a chunk of at most `chunk` elements
 * of one output's reduced block, in storage order. When a block is longer
 * than a chunk the pass writes the partials as a contiguous [kept, chunks]
 * tensor and the next pass reduces that, so a fragment never loops over more
 * than `chunk` elements and a sum of n terms is a tree of log_chunk(n)
 * levels: its rounding error grows like chunk · log_chunk(n), not n (a
 * serial 1e6-term float32 sum is off by ~1e-4 relative). argmax/argmin need
 * the position of the winner and run as one serial pass per output.
 *
 * NaN propagates through sum/prod (IEEE) and max/min (s_max), and is the
 * winner of argmax/argmin at its first position, like the CPU.
 */
import { type DType, type ReduceOp, sizeOf } from '@strata/core';
import { collapseDims, loadValue, offsetCode, Params, storeValue, type ViewInfo, viewAccess } from '../glsl/access';
import { convert, truthy, type ValueType, valueType } from '../glsl/expr';
import type { KernelSpec } from '../runtime/kernel-cache';
import { layoutOf } from '../storage';

/** Elements per fragment per pass: small for float sums (accuracy), larger for exact ops. */
export function chunkFor(op: ReduceOp): number {
  return op === 'sum' || op === 'prod' ? 16 : 64;
}

/** dtype of the partials a pass writes before the last one. */
export function partialDType(op: ReduceOp, outDtype: DType): DType {
  // float16 partials stay float32: the CPU accumulates in float32 and rounds once, at the end.
  return op === 'any' || op === 'all' ? 'bool' : outDtype === 'float16' ? 'float32' : outDtype;
}

export interface ReducePass {
  readonly spec: KernelSpec;
  /** Number of kept (output) positions. */
  readonly kept: number;
  /** Chunks per output this pass leaves (1: the pass wrote the final result). */
  readonly chunks: number;
}

interface Accumulator {
  readonly type: ValueType;
  readonly init: string;
  readonly step: (v: string) => string;
}

function accumulator(op: ReduceOp, inDtype: DType, outDtype: DType, used: Set<string>): Accumulator {
  const vt = valueType(inDtype);
  switch (op) {
    case 'sum':
    case 'prod': {
      const t: ValueType = valueType(outDtype) === 'float' ? 'float' : 'int';
      const one = op === 'sum' ? (t === 'float' ? '0.0' : '0') : t === 'float' ? '1.0' : '1';
      const sign = op === 'sum' ? '+' : '*';
      return { type: t, init: one, step: (v) => `acc = acc ${sign} ${convert(v, vt, t, used)};` };
    }
    case 'max':
    case 'min': {
      if (vt === 'float') {
        used.add(`s_${op}`);
        used.add('s_inf');
        return {
          type: 'float',
          init: op === 'max' ? '-s_inf()' : 's_inf()',
          step: (v) => `acc = s_${op}(acc, ${v});`,
        };
      }
      return {
        type: 'int',
        init: op === 'max' ? '(-2147483647 - 1)' : '2147483647',
        step: (v) => `acc = ${op}(acc, ${convert(v, vt, 'int', used)});`,
      };
    }
    case 'any':
      return { type: 'bool', init: 'false', step: (v) => `acc = acc || ${nonzero(v, vt, used)};` };
    case 'all':
      return { type: 'bool', init: 'true', step: (v) => `acc = acc && ${nonzero(v, vt, used)};` };
    default:
      throw new Error(`reduce: ${op} is not a chunked reduction`);
  }
}

/** The CPU's `value !== 0` (NaN counts as non-zero), unlike JS truthiness. */
function nonzero(v: string, t: ValueType, used: Set<string>): string {
  if (t === 'float') {
    used.add('s_nonzero');
    return `s_nonzero(${v})`;
  }
  return truthy(v, t, used);
}

/** Splits `x` into kept and reduced dims (each keeping x's order). */
function split(x: ViewInfo, axes: readonly number[]) {
  const kept = { shape: [] as number[], strides: [] as number[] };
  const red = { shape: [] as number[], strides: [] as number[] };
  x.shape.forEach((d, i) => {
    const part = axes.includes(i) ? red : kept;
    part.shape.push(d);
    part.strides.push(x.strides[i] as number);
  });
  return { kept, red };
}

/** GLSL defining `int at` = base + offset of reduced element `r` (row-major over the reduced dims). */
function reducedOffset(red: { shape: number[]; strides: number[] }, p: Params): string {
  const collapsed = collapseDims(red.shape, [red.strides]);
  const strides = collapsed.strides[0] as number[];
  if (collapsed.shape.length === 0) return 'int at = base;';
  if (collapsed.shape.length === 1) return `int at = base + r * ${p.add(strides[0] as number)};`;
  const sizes = collapsed.shape.map((s) => p.add(s));
  const st = strides.map((s) => p.add(s));
  return `int at = base;\n    ${offsetCode('r', sizes, [st], ['at'], 'r_')}`;
}

/**
 * One pass of `op` over `axes` of `x`, writing `outDtype` when it finishes the
 * reduction and `partialDType` otherwise. `chunk` caps the elements per fragment
 * (argmax/argmin ignore it and always finish).
 */
export function buildReducePass(x: ViewInfo, axes: readonly number[], op: ReduceOp, outDtype: DType, chunk: number): ReducePass {
  const { kept, red } = split(x, axes);
  const keptSize = sizeOf(kept.shape);
  const m = sizeOf(red.shape);
  const arg = op === 'argmax' || op === 'argmin';
  const chunks = arg || m <= chunk ? 1 : Math.ceil(m / chunk);
  const writes = chunks === 1 ? outDtype : partialDType(op, outDtype);
  const p = new Params();
  const used = new Set<string>();
  const chunksParam = p.add(chunks);
  const access = viewAccess(kept.shape, [{ strides: kept.strides, offset: x.offset }], 'o', p, 'b');
  const mParam = p.add(m);
  const chunkParam = p.add(chunk);
  const offset = reducedOffset(red, p);
  const load = loadValue(0, 'at', x.dtype);
  const lines = [`int o = i / ${chunksParam};`, `int c = i - o * ${chunksParam};`, access.code, 'int base = b0;'];
  if (arg) {
    const vt: ValueType = valueType(x.dtype) === 'float' ? 'float' : 'int';
    const better = op === 'argmax' ? '>' : '<';
    lines.push(
      `${vt} best = ${vt === 'float' ? '0.0' : '0'};`,
      'int idx = 0;',
      `for (int r = 0; r < ${mParam}; r++) {`,
      `  ${offset}`,
      `  ${vt} v = ${convert(load, valueType(x.dtype), vt, used)};`,
    );
    if (vt === 'float') {
      used.add('s_isnan');
      lines.push('  if (s_isnan(v)) { idx = r; break; }');
    }
    lines.push(`  if (r == 0 || v ${better} best) { best = v; idx = r; }`, '}', storeValue('idx', writes));
  } else {
    const acc = accumulator(op, x.dtype, writes, used);
    lines.push(
      `${acc.type} acc = ${acc.init};`,
      `int start = c * ${chunkParam};`,
      `int stop = min(start + ${chunkParam}, ${mParam});`,
      'for (int r = start; r < stop; r++) {',
      `  ${offset}`,
      `  ${acc.step(load)}`,
      '}',
      storeValue(convert('acc', acc.type, valueType(writes), used), writes),
    );
  }
  return {
    spec: {
      name: `reduce:${op}`,
      inputs: [layoutOf(x.dtype)],
      output: layoutOf(writes),
      body: lines.filter((l) => l !== '').join('\n  '),
      helpers: used,
      params: p.values,
    },
    kept: keptSize,
    chunks,
  };
}
