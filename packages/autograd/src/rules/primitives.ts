/** Gradient rules of core's kernel primitives. */
import {
  cumsum,
  div,
  E,
  type Expr,
  eq,
  expand,
  gather,
  matmul,
  mul,
  narrow,
  type OpRecord,
  reshape,
  runPrimitive,
  scatterAdd,
  sub,
  sum,
  type Tensor,
  zeros,
} from '@strata/core';
import { differentiate } from '../expr-grad';
import { flatIndices, keptShape } from './helpers';
import type { GradRules } from './types';

type PrimitiveRules = GradRules['primitive'];
type Rec<P extends OpRecord['op']> = Extract<OpRecord, { kind: 'primitive'; op: P }>;

const elementwise: PrimitiveRules['elementwise'] = (g, { params, inputs, needs }) => {
  const n = inputs.length;
  return inputs.map((x, k) => {
    if (!needs[k]) return null;
    const d = differentiate(params.expr, k);
    if (!d) return null;
    const expr: Expr = E.cast(E.binary('mul', E.cast(E.input(n, g.dtype), d.dtype), d), x.dtype);
    return runPrimitive('elementwise', [...inputs, g], { expr }, { shape: g.shape, dtype: x.dtype });
  });
};

const reduce: PrimitiveRules['reduce'] = (g, { params, inputs, output }) => {
  const x = inputs[0] as Tensor;
  const kept = keptShape(x.shape, params.axes);
  const gKept = reshape(g, kept);
  switch (params.op) {
    case 'sum':
      return [expand(gKept, x.shape)];
    case 'prod':
      // d prod / d x_i = prod / x_i (NaN where x_i = 0: documented limitation).
      return [div(mul(expand(gKept, x.shape), expand(reshape(output, kept), x.shape)), x)];
    case 'max':
    case 'min': {
      // Ties share the gradient evenly, like PyTorch's amax/amin.
      const mask = eq(x, expand(reshape(output, kept), x.shape)).to('float32');
      const count = sum(mask, params.axes, true);
      return [mul(mask, expand(div(gKept, count), x.shape))];
    }
    default:
      return [null];
  }
};

const scan: PrimitiveRules['scan'] = (g, { params, inputs, output }) => {
  const x = inputs[0] as Tensor;
  // Reverse cumulative sum: sum_{j >= i} h_j = total - cumsum(h)_i + h_i.
  const reverseCumsum = (h: Tensor) => sub(sum(h, params.axis, true), sub(cumsum(h, params.axis), h));
  if (params.op === 'sum') return [reverseCumsum(g)];
  return [div(reverseCumsum(mul(g, output)), x)];
};

const matmulRule: PrimitiveRules['matmul'] = (g, { inputs, needs }) => {
  const [a, b] = inputs as [Tensor, Tensor];
  return [needs[0] ? matmul(g, b.mT) : null, needs[1] ? matmul(a.mT, g) : null];
};

const gatherRule: PrimitiveRules['gather'] = (g, { params, inputs }) => {
  const [x, index] = inputs as [Tensor, Tensor];
  return [scatterAdd(zeros(x.shape, { dtype: x.dtype }), params.axis, index, g), null];
};

const scatterAddRule: PrimitiveRules['scatterAdd'] = (g, { params, inputs, needs }) => {
  const index = inputs[1] as Tensor;
  return [needs[0] ? g : null, null, needs[2] ? gather(g, params.axis, index) : null];
};

const concat: PrimitiveRules['concat'] = (g, { params, inputs }) => {
  let start = 0;
  return inputs.map((x) => {
    const len = x.shape[params.axis] as number;
    const piece = narrow(g, params.axis, start, len);
    start += len;
    return piece;
  });
};

/** Adjoint of a gather-like map given as flat source indices: scatter-add the gradient back. */
function scatterFlat(g: Tensor, sourceIndex: Tensor, shape: readonly number[], dtype: Tensor['dtype']): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const flat = scatterAdd(zeros([size], { dtype }), 0, reshape(sourceIndex, [-1]), reshape(g, [-1]));
  return reshape(flat, shape);
}

const pad: PrimitiveRules['pad'] = (g, { params, inputs }) => {
  const x = inputs[0] as Tensor;
  if (params.mode === 'constant') {
    let out = g;
    params.pads.forEach(([before], d) => {
      out = narrow(out, d, before, x.shape[d] as number);
    });
    return [out];
  }
  // reflect/replicate: padding the flat indices says where each output element came from.
  const source = runPrimitive('pad', [flatIndices(x.shape)], params as Rec<'pad'>['params'], { shape: g.shape, dtype: 'int32' });
  return [scatterFlat(g, source, x.shape, x.dtype)];
};

const none = () => [];

export const primitiveRules: PrimitiveRules = {
  elementwise,
  reduce,
  scan,
  matmul: matmulRule,
  gather: gatherRule,
  scatterAdd: scatterAddRule,
  concat,
  pad,
  random: none,
  argsort: (_g, { inputs }) => inputs.map(() => null),
};

export { scatterFlat };
