/**
 * The unary elementwise ops and activations, one row each: how to run it in
 * Strata, its tfjs counterpart (when tfjs has one), a float64 definition, a
 * domain for random inputs, a tolerance class, and hand-computed cases.
 */

import type { Tensor } from '@strata/core';
import * as S from '@strata/core';
import { erf64, sigmoid64, softplus64, tf } from '../oracle';

export interface UnarySpec {
  readonly name: string;
  readonly run: (x: Tensor) => Tensor;
  /** The tfjs oracle; absent where tfjs has no such op (the float64 reference is then the oracle). */
  readonly tf?: (x: tf.Tensor) => tf.Tensor;
  /** Float64 definition (PyTorch's). */
  readonly ref: (x: number) => number;
  /** Range for random inputs (avoiding poles and overflow). */
  readonly domain: readonly [number, number];
  /** 'arith': correctly rounded (or exact) ops; 'math': transcendental / composite. */
  readonly kind: 'arith' | 'math';
  /** Hand-computed inputs and the values they must give. */
  readonly input: readonly number[];
  readonly expected: readonly number[];
  /** int32 input keeps int32 (neg, abs, relu, rounding ...); otherwise it becomes float32. */
  readonly keepsInt?: boolean;
}

const INF = Number.POSITIVE_INFINITY;
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const gelu64 = (x: number) => 0.5 * x * (1 + erf64(x * Math.SQRT1_2));
const geluTanh64 = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
const relu6_64 = (x: number) => Math.min(Math.max(x, 0), 6);
const roundEven = (x: number) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

type Extra = Partial<Pick<UnarySpec, 'tf' | 'keepsInt'>>;

/** One row: name, op, float64 definition, random-input domain, tolerance class, hand inputs and outputs, extras. */
function u(
  name: string,
  run: UnarySpec['run'],
  ref: UnarySpec['ref'],
  domain: UnarySpec['domain'],
  kind: UnarySpec['kind'],
  input: readonly number[],
  expected: readonly number[],
  extra: Extra = {},
): UnarySpec {
  return { name, run, ref, domain, kind, input, expected, ...extra };
}

const NAN = Number.NaN;
const keep = (tfOp: UnarySpec['tf']): Extra => ({ tf: tfOp, keepsInt: true });

export const unarySpecs: readonly UnarySpec[] = [
  u('neg', S.neg, (x) => -x, [-10, 10], 'arith', [1, -2.5, 0, INF], [-1, 2.5, -0, -INF], keep(tf.neg)),
  u('abs', S.abs, Math.abs, [-10, 10], 'arith', [-3, 2.5, -0, -INF], [3, 2.5, 0, INF], keep(tf.abs)),
  u('sign', S.sign, Math.sign, [-10, 10], 'arith', [-3, 0, 2.5, -INF], [-1, 0, 1, -1], keep(tf.sign)),
  u('exp', S.exp, Math.exp, [-20, 20], 'math', [0, 1, -INF, INF], [1, Math.E, 0, INF], { tf: tf.exp }),
  u('log', S.log, Math.log, [0.01, 100], 'math', [1, 0, -1, INF], [0, -INF, NAN, INF], { tf: tf.log }),
  u('log1p', S.log1p, Math.log1p, [-0.99, 100], 'math', [0, -1, 1], [0, -INF, Math.LN2], { tf: tf.log1p }),
  u('expm1', S.expm1, Math.expm1, [-10, 10], 'math', [0, -INF, 1], [0, -1, Math.E - 1], { tf: tf.expm1 }),
  u('sqrt', S.sqrt, Math.sqrt, [0, 100], 'arith', [0, 4, 2.25, -1, INF], [0, 2, 1.5, NAN, INF], { tf: tf.sqrt }),
  u('rsqrt', S.rsqrt, (x) => 1 / Math.sqrt(x), [0.01, 100], 'math', [4, 0.25, 0, INF], [0.5, 2, INF, 0], { tf: tf.rsqrt }),
  u('square', S.square, (x) => x * x, [-100, 100], 'arith', [-3, 1.5, 0], [9, 2.25, 0], keep(tf.square)),
  u('reciprocal', S.reciprocal, (x) => 1 / x, [0.1, 10], 'arith', [2, -4, 0, INF], [0.5, -0.25, INF, 0], { tf: tf.reciprocal }),
  u('sin', S.sin, Math.sin, [-10, 10], 'math', [0, 1.5707963705062866, 0.5235987755982988], [0, 1, 0.5], { tf: tf.sin }),
  u('cos', S.cos, Math.cos, [-10, 10], 'math', [0, 3.1415927410125732, 1.0471975511965976], [1, -1, 0.5], { tf: tf.cos }),
  u('tan', S.tan, Math.tan, [-1.5, 1.5], 'math', [0, 0.7853981633974483], [0, 1], { tf: tf.tan }),
  u('tanh', S.tanh, Math.tanh, [-10, 10], 'math', [0, INF, -INF, 1], [0, 1, -1, 0.7615941559557649], { tf: tf.tanh }),
  u('sigmoid', S.sigmoid, sigmoid64, [-20, 20], 'math', [0, INF, -INF, 1], [0.5, 1, 0, 0.7310585786300049], { tf: tf.sigmoid }),
  u('relu', S.relu, (x) => Math.max(x, 0), [-10, 10], 'arith', [-1, 0, 2.5, -INF], [0, 0, 2.5, 0], keep(tf.relu)),
  u('relu6', S.relu6, relu6_64, [-10, 10], 'arith', [-1, 3, 7, INF], [0, 3, 6, 6], { tf: tf.relu6 }),
  u(
    'leakyRelu(0.2)',
    (x) => S.leakyRelu(x, 0.2),
    (x) => (x > 0 ? x : 0.2 * x),
    [-10, 10],
    'arith',
    [-10, 5, 0],
    [-2, 5, 0],
    {
      tf: (x) => tf.leakyRelu(x, 0.2),
    },
  ),
  u(
    'leakyRelu',
    (x) => S.leakyRelu(x),
    (x) => (x > 0 ? x : 0.01 * x),
    [-10, 10],
    'arith',
    [-100, 3],
    [-1, 3],
  ),
  u(
    'elu',
    (x) => S.elu(x),
    (x) => (x > 0 ? x : Math.expm1(x)),
    [-10, 10],
    'math',
    [-INF, 0, 2],
    [-1, 0, 2],
    { tf: tf.elu },
  ),
  u(
    'elu(2)',
    (x) => S.elu(x, 2),
    (x) => (x > 0 ? x : 2 * Math.expm1(x)),
    [-10, 10],
    'math',
    [-INF, 3],
    [-2, 3],
  ),
  u(
    'selu',
    S.selu,
    (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
    [-10, 10],
    'math',
    [0, 1, -INF],
    [0, 1.0507009873554805, -1.7580993408473766],
    {
      tf: tf.selu,
    },
  ),
  u('gelu', (x) => S.gelu(x), gelu64, [-6, 6], 'math', [0, 1, -1, INF], [0, 0.8413447460685429, -0.15865525393145707, INF]),
  u(
    'gelu(tanh)',
    (x) => S.gelu(x, { approximate: 'tanh' }),
    geluTanh64,
    [-6, 6],
    'math',
    [0, 1, 10],
    [0, 0.8411919906082768, 10],
  ),
  u('silu', S.silu, (x) => x * sigmoid64(x), [-20, 20], 'math', [0, 1, INF], [0, 0.7310585786300049, INF]),
  u('softplus', (x) => S.softplus(x), softplus64, [-12, 30], 'math', [0, 100, 1], [Math.LN2, 100, 1.3132616875182228], {
    tf: tf.softplus,
  }),
  u(
    'softplus(beta=2)',
    (x) => S.softplus(x, { beta: 2, threshold: 10 }),
    (x) => (2 * x > 10 ? x : Math.log1p(Math.exp(2 * x)) / 2),
    [-10, 10],
    'math',
    [0, 6],
    [Math.LN2 / 2, 6],
  ),
  u('mish', S.mish, (x) => x * Math.tanh(softplus64(x)), [-20, 30], 'math', [0, 1, 100], [0, 0.8650983882673103, 100]),
  u('hardSigmoid', S.hardSigmoid, (x) => relu6_64(x + 3) / 6, [-6, 6], 'arith', [-3, 0, 3, 1.5, -INF], [0, 0.5, 1, 0.75, 0]),
  u('hardSwish', S.hardSwish, (x) => (x * relu6_64(x + 3)) / 6, [-6, 6], 'arith', [-3, 0, 3, 1.5, -4], [0, 0, 3, 1.125, -0]),
  u('erf', S.erf, erf64, [-4, 4], 'math', [0, INF, -INF, 1], [0, 1, -1, 0.8427007929497149], { tf: tf.erf }),
  u('floor', S.floor, Math.floor, [-10, 10], 'arith', [-1.5, 1.5, 2, -0.25], [-2, 1, 2, -1], keep(tf.floor)),
  u('ceil', S.ceil, Math.ceil, [-10, 10], 'arith', [-1.5, 1.5, 2, 0.25], [-1, 2, 2, 1], keep(tf.ceil)),
  u(
    'round',
    S.round,
    roundEven,
    [-10, 10],
    'arith',
    [0.5, 1.5, 2.5, -0.5, -2.5, 2.6, -1.4],
    [0, 2, 2, -0, -2, 3, -1],
    keep(tf.round),
  ),
  u('trunc', S.trunc, Math.trunc, [-10, 10], 'arith', [-1.7, 1.7, -0.2], [-1, 1, -0], { keepsInt: true }),
];
