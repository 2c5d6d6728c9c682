/**
 * Batched matmul `(..., M, K) @ (..., K, N)` with equal (possibly broadcast)
 * batch dims, any strides. A fragment computes one output element: a dot
 * product over K read in place from both views, four terms per `dot()` call
 * (float) so the loads of a step are independent and the GPU can overlap them.
 * Fragment shaders have no shared memory, so there is no workgroup tiling to
 * do; texture caches serve the reuse. int32 accumulates in GLSL ints (wrapping
 * like int32; the CPU's float64 accumulation differs only beyond 2^53).
 */
import type { OutputSpec } from '@strata/core';
import { loadValue, Params, storeValue, type ViewInfo, viewAccess } from '../glsl/access';
import { convert, valueType } from '../glsl/expr';
import type { KernelSpec } from '../runtime/kernel-cache';
import { layoutOf } from '../storage';

export function buildMatmul(a: ViewInfo, b: ViewInfo, out: OutputSpec): KernelSpec {
  const r = a.shape.length;
  const M = a.shape[r - 2] as number;
  const K = a.shape[r - 1] as number;
  const N = b.shape[r - 1] as number;
  const batchShape = a.shape.slice(0, r - 2);
  const p = new Params();
  const used = new Set<string>();
  const mn = p.add(M * N);
  const n = p.add(N);
  const access = viewAccess(
    batchShape,
    [
      { strides: a.strides.slice(0, r - 2), offset: a.offset },
      { strides: b.strides.slice(0, r - 2), offset: b.offset },
    ],
    'bi',
    p,
    'base',
  );
  const sam = p.add(a.strides[r - 2] as number);
  const sak = p.add(a.strides[r - 1] as number);
  const sbk = p.add(b.strides[r - 2] as number);
  const sbn = p.add(b.strides[r - 1] as number);
  const k = p.add(K);
  const float = valueType(out.dtype) === 'float';
  const t = float ? 'float' : 'int';
  const la = (off: string) => convert(loadValue(0, off, a.dtype), valueType(a.dtype), t, used);
  const lb = (off: string) => convert(loadValue(1, off, b.dtype), valueType(b.dtype), t, used);
  const lines = [
    `int bi = i / ${mn};`,
    `int rest = i - bi * ${mn};`,
    `int m = rest / ${n};`,
    `int col = rest - m * ${n};`,
    access.code,
    `int pa = base0 + m * ${sam};`,
    `int pb = base1 + col * ${sbn};`,
    `${t} acc = ${float ? '0.0' : '0'};`,
    'int j = 0;',
  ];
  if (
    float &&
    a.dtype === 'float32' &&
    b.dtype === 'float32' &&
    (a.strides[r - 1] as number) >= 0 &&
    (b.strides[r - 2] as number) >= 0
  ) {
    // Texel coordinates advance by a fixed (dx, dy) per step along K instead of a div/mod per load
    // (integer division dominates a load on SwiftShader; see the README for figures).
    const step = (c: string, t: string) =>
      `${c}.x += ${c}d.x; ${c}.y += ${c}d.y; if (${c}.x >= ${t}Size.x) { ${c}.x -= ${t}Size.x; ${c}.y++; }`;
    const fetch = (c: string, t: string) => `texelFetch(${t}, ${c}, 0).r`;
    lines.push(
      'ivec2 ca = ivec2(pa % t0Size.x, pa / t0Size.x);',
      `ivec2 cad = ivec2(${sak} % t0Size.x, ${sak} / t0Size.x);`,
      'ivec2 cb = ivec2(pb % t1Size.x, pb / t1Size.x);',
      `ivec2 cbd = ivec2(${sbk} % t1Size.x, ${sbk} / t1Size.x);`,
      'vec4 av; vec4 bv;',
      `for (; j + 4 <= ${k}; j += 4) {`,
      ...['x', 'y', 'z', 'w'].map(
        (q) => `  av.${q} = ${fetch('ca', 't0')}; ${step('ca', 't0')} bv.${q} = ${fetch('cb', 't1')}; ${step('cb', 't1')}`,
      ),
      '  acc += dot(av, bv);',
      '}',
      `for (; j < ${k}; j++) {`,
      `  acc += ${fetch('ca', 't0')} * ${fetch('cb', 't1')}; ${step('ca', 't0')} ${step('cb', 't1')}`,
      '}',
    );
  } else if (float) {
    lines.push(
      `for (; j + 4 <= ${k}; j += 4) {`,
      `  vec4 av = vec4(${[0, 1, 2, 3].map((q) => la(`pa + (j + ${q}) * ${sak}`)).join(', ')});`,
      `  vec4 bv = vec4(${[0, 1, 2, 3].map((q) => lb(`pb + (j + ${q}) * ${sbk}`)).join(', ')});`,
      '  acc += dot(av, bv);',
      '}',
    );
  }
  lines.push(
    `for (; j < ${k}; j++) {`,
    `  acc += ${la(`pa + j * ${sak}`)} * ${lb(`pb + j * ${sbk}`)};`,
    '}',
    storeValue(convert('acc', t, valueType(out.dtype), used), out.dtype),
  );
  return {
    name: 'matmul',
    inputs: [layoutOf(a.dtype), layoutOf(b.dtype)],
    output: layoutOf(out.dtype),
    body: lines.filter((l) => l !== '').join('\n  '),
    helpers: used,
    params: p.values,
  };
}
