/**
 * The fused softmax / logSoftmax fast path: two kernels instead of the
 * composite's five to eight (max and sum reductions of one or more passes
 * each, sub, exp, div or log and sub).
 *
 * Pass 1 writes, per lane along `axis`, the pair (max, Σ exp(x - max)) into an
 * RG texture: the max exactly (s_max, so NaN propagates), the sum in blocks of
 * 16 added to a running total (error ~ (16 + len / 16) roundings instead of
 * len). Pass 2 evaluates the composite's own formulas per element,
 * `exp(x - max) / sum` or `(x - max) - log(sum)`, with the same helpers, so
 * the two agree up to the order of the sum; an all -inf lane (or one holding
 * +inf or NaN) gives NaN like the composite.
 */
import type { FusedParams, OutputSpec } from '@strata/core';
import { loadValue, Params, storeValue, type ViewInfo, viewAccess } from '../glsl/access';
import type { KernelSpec } from '../runtime/kernel-cache';
import { innerSize } from './scan';

/** Pass 1: (max, sum of exp(x - max)) per lane; output index = lane (row-major over x's shape without `axis`). */
export function buildSoftmaxStats(x: ViewInfo, axis: number): KernelSpec {
  const p = new Params();
  const keptShape = x.shape.filter((_, d) => d !== axis);
  const keptStrides = x.strides.filter((_, d) => d !== axis);
  const access = viewAccess(keptShape, [{ strides: keptStrides, offset: x.offset }], 'i', p, 'b');
  const len = p.add(x.shape[axis] as number);
  const stride = p.add(x.strides[axis] as number);
  const load = (j: string) => loadValue(0, `b0 + ${j} * ${stride}`, 'float32');
  const body = [
    access.code,
    'float m = -s_inf();',
    `for (int j = 0; j < ${len}; j++) { m = s_max(m, ${load('j')}); }`,
    'float total = 0.0;',
    `for (int j0 = 0; j0 < ${len}; j0 += 16) {`,
    '  float block = 0.0;',
    `  int j1 = min(j0 + 16, ${len});`,
    `  for (int j = j0; j < j1; j++) { block += s_exp(${load('j')} - m); }`,
    '  total += block;',
    '}',
    'return vec2(m, total);',
  ];
  return {
    name: 'softmax:stats',
    inputs: ['r'],
    output: 'rg',
    body: body.join('\n  '),
    helpers: ['s_max', 's_inf', 's_exp'],
    params: p.values,
  };
}

/** Pass 2: the output element from x (t0) and its lane's stats (t1). */
export function buildSoftmaxApply(x: ViewInfo, params: FusedParams['softmax'], out: OutputSpec): KernelSpec {
  const p = new Params();
  const { axis, log } = params;
  const access = viewAccess(out.shape, [x], 'i', p);
  const inner = p.add(innerSize(out.shape, axis));
  const len = p.add(out.shape[axis] as number);
  const body = [
    access.code,
    `int lane = (i / (${inner} * ${len})) * ${inner} + i % ${inner};`,
    'vec2 st = texelFetch(t1, ivec2(lane % t1Size.x, lane / t1Size.x), 0).rg;',
    `float z = ${loadValue(0, 'o0', 'float32')} - st.x;`,
    storeValue(log ? 'z - s_log(st.y)' : 's_div(s_exp(z), st.y)', out.dtype),
  ];
  return {
    name: `softmax:${log ? 'log' : 'apply'}`,
    inputs: ['r', 'rg'],
    output: 'r',
    body: body.join('\n  '),
    helpers: log ? ['s_log'] : ['s_exp', 's_div'],
    params: p.values,
  };
}
