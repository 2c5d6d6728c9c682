/**
 * random (Philox-4x32-10, as core's random/philox.ts) and argsort.
 *
 * random: element i takes word i % 4 of block counter + i / 4; GLSL ES 3.00
 * has 32-bit uints, so the stream is the CPU's bit for bit (`bits`, `uniform`);
 * `normal` is Box–Muller in float32 with the accurate log/sin/cos helpers.
 *
 * argsort: a fragment shader cannot sort in place, so it is two gather-form
 * passes. Pass 1 gives each element its rank in its lane: the number of
 * elements that come before it (smaller, or equal and earlier — stable; NaN
 * last ascending, first descending). Pass 2 writes, for each output position
 * k, the element whose rank is k. O(len²) per lane: fine for the lane lengths
 * of sorting and randperm in models (thousands); a bitonic network would be
 * O(len log² len) with log² len passes.
 */
import type { OutputSpec, PrimitiveParams } from '@strata/core';
import { loadValue, Params, storeValue, type ViewInfo, viewAccess } from '../glsl/access';
import { valueType } from '../glsl/expr';
import type { KernelSpec } from '../runtime/kernel-cache';
import { layoutOf } from '../storage';
import { innerSize } from './scan';

const PHILOX_GLSL = `
uint px_mulhi(uint a, uint b) {
  uint aLo = a & 0xffffu; uint aHi = a >> 16u; uint bLo = b & 0xffffu; uint bHi = b >> 16u;
  uint lolo = aLo * bLo;
  uint mid1 = aHi * bLo + (lolo >> 16u);
  uint mid2 = aLo * bHi + (mid1 & 0xffffu);
  return aHi * bHi + (mid1 >> 16u) + (mid2 >> 16u);
}
uvec4 px_block(uint k0, uint k1, uint c0, uint c1) {
  uint c2 = 0u; uint c3 = 0u;
  for (int round = 0; round < 10; round++) {
    uint hi0 = px_mulhi(0xd2511f53u, c0); uint lo0 = 0xd2511f53u * c0;
    uint hi1 = px_mulhi(0xcd9e8d57u, c2); uint lo1 = 0xcd9e8d57u * c2;
    uint n0 = hi1 ^ c1 ^ k0; uint n2 = hi0 ^ c3 ^ k1;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 += 0x9e3779b9u; k1 += 0xbb67ae85u;
  }
  return uvec4(c0, c1, c2, c3);
}
uint px_word(uvec4 b, int w) { return w == 0 ? b.x : (w == 1 ? b.y : (w == 2 ? b.z : b.w)); }`;

export function buildRandom(params: PrimitiveParams['random'], out: OutputSpec): KernelSpec {
  const p = new Params();
  const used = new Set<string>();
  const [k0, k1] = params.key.map((k) => p.add(k >>> 0));
  const lo = p.add(params.counter % 2 ** 32);
  const hi = p.add(Math.floor(params.counter / 2 ** 32) >>> 0);
  const lines = [
    'uint b = uint(i / 4);',
    `uint lo = uint(${lo}) + b;`,
    `uint hi = uint(${hi}) + (lo < uint(${lo}) ? 1u : 0u);`,
    `uvec4 words = px_block(uint(${k0}), uint(${k1}), lo, hi);`,
    'int w = i % 4;',
  ];
  if (params.distribution === 'bits') lines.push(storeValue('int(px_word(words, w))', out.dtype));
  else if (params.distribution === 'uniform')
    lines.push(storeValue('float(px_word(words, w) >> 8u) * 5.9604644775390625e-8', out.dtype));
  else {
    for (const h of ['s_log', 's_sqrt', 's_sin', 's_cos']) used.add(h);
    lines.push(
      'int pair = w & 2;',
      'float z1 = float((px_word(words, pair) >> 8u) + 1u) * 5.9604644775390625e-8;',
      'float z2 = float(px_word(words, pair + 1) >> 8u) * 5.9604644775390625e-8;',
      'float r = s_sqrt(-2.0 * s_log(z1));',
      'float theta = 6.283185307179586 * z2;',
      storeValue('r * ((w & 1) == 1 ? s_sin(theta) : s_cos(theta))', out.dtype),
    );
  }
  return {
    name: `random:${params.distribution}`,
    inputs: [],
    output: layoutOf(out.dtype),
    body: `${lines.join('\n  ')}`,
    helpers: used,
    params: p.values,
    prelude: PHILOX_GLSL,
  };
}

/** Pass 1 of argsort: the stable rank of each element of `x` in its lane along `axis` (as a float). */
export function buildArgsortRanks(x: ViewInfo, axis: number, descending: boolean): KernelSpec {
  const p = new Params();
  const used = new Set<string>();
  const lanes = x.strides.map((s, d) => (d === axis ? 0 : s));
  const access = viewAccess(x.shape, [{ strides: lanes, offset: x.offset }], 'i', p, 'b');
  const inner = p.add(innerSize(x.shape, axis));
  const len = p.add(x.shape[axis] as number);
  const stride = p.add(x.strides[axis] as number);
  const float = valueType(x.dtype) === 'float';
  const t = float ? 'float' : 'int';
  const load = (at: string) => (x.dtype === 'bool' ? `int(${loadValue(0, at, 'float32')})` : loadValue(0, at, x.dtype));
  const cmp = descending ? '>' : '<';
  const lines = [access.code, `int j = (i / ${inner}) % ${len};`, `${t} vj = ${load(`b0 + j * ${stride}`)};`];
  if (float) {
    used.add('s_isnan');
    lines.push('bool nj = s_isnan(vj);');
  }
  lines.push('int rank = 0;', `for (int q = 0; q < ${len}; q++) {`, `  ${t} vq = ${load(`b0 + q * ${stride}`)};`);
  if (float) {
    // NaN sorts as the largest value: last ascending, first descending.
    const nanFirst = descending ? 'nq && !nj' : '!nq && nj';
    lines.push(
      '  bool nq = s_isnan(vq);',
      `  bool before = (${nanFirst}) || (!nq && !nj && vq ${cmp} vj) || (q < j && ((nq && nj) || (!nq && !nj && vq == vj)));`,
    );
  } else {
    lines.push(`  bool before = vq ${cmp} vj || (q < j && vq == vj);`);
  }
  lines.push('  if (before) { rank++; }', '}', 'return float(rank);');
  return {
    name: 'argsort:rank',
    inputs: [layoutOf(x.dtype)],
    output: 'r',
    body: lines.join('\n  '),
    helpers: used,
    params: p.values,
  };
}

/** Pass 2 of argsort: for each output position k, the index whose rank (contiguous, `shape`) is k. */
export function buildArgsortGather(shape: readonly number[], axis: number): KernelSpec {
  const p = new Params();
  const inner = p.add(innerSize(shape, axis));
  const len = p.add(shape[axis] as number);
  const lines = [
    `int k = (i / ${inner}) % ${len};`,
    `int base = i - k * ${inner};`,
    'int found = 0;',
    `for (int j = 0; j < ${len}; j++) {`,
    `  if (int(${loadValue(0, `base + j * ${inner}`, 'float32')}) == k) { found = j; break; }`,
    '}',
    storeValue('found', 'int32'),
  ];
  return { name: 'argsort:gather', inputs: ['r'], output: 'rg', body: lines.join('\n  '), helpers: [], params: p.values };
}
