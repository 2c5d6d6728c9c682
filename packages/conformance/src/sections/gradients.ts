/**
 * Gradients of every differentiable op, checked against central finite
 * differences with `gradcheck` (differences formed in float64 in JS). Inputs
 * stay away from kinks (|x| > 0.1 for abs/relu-like ops, positive for log and
 * sqrt) so the finite differences are meaningful; the conventions at the kinks
 * are tested by hand below.
 */

import { gradcheck, gradients } from '@strata/autograd';
import * as S from '@strata/core';
import { describe, expect, it } from 'vitest';
import type { Harness, Section } from '../harness';

type T = S.Tensor;
export type Case = readonly [
  name: string,
  f: (...xs: T[]) => T,
  shapes: readonly (readonly number[])[],
  domain?: 'any' | 'positive' | 'away',
];

const g = () => new S.Generator(1234);

function inputsFor(shapes: readonly (readonly number[])[], domain: Case[3] = 'any'): T[] {
  const gen = g();
  return shapes.map((shape) => {
    const u = S.rand([...shape], { generator: gen });
    const x =
      domain === 'positive'
        ? u.mul(1.5).add(0.2) // (0.2, 1.7)
        : domain === 'away'
          ? S.where(u.lt(0.5), u.mul(-1.6).sub(0.2), u.mul(1.6).sub(0.6)) // |x| in (0.2, 1.0)
          : u.mul(2).sub(1); // (-1, 1)
    u.dispose();
    return x;
  });
}

const unary: Case[] = [
  ['neg', S.neg, [[5]]],
  ['abs', S.abs, [[6]], 'away'],
  ['exp', S.exp, [[5]]],
  ['log', S.log, [[5]], 'positive'],
  ['log1p', S.log1p, [[5]], 'positive'],
  ['expm1', S.expm1, [[5]]],
  ['sqrt', S.sqrt, [[5]], 'positive'],
  ['rsqrt', S.rsqrt, [[5]], 'positive'],
  ['square', S.square, [[5]]],
  ['reciprocal', S.reciprocal, [[5]], 'positive'],
  ['sin', S.sin, [[5]]],
  ['cos', S.cos, [[5]]],
  ['tan', S.tan, [[5]]],
  ['tanh', S.tanh, [[5]]],
  ['erf', S.erf, [[5]]],
  ['sigmoid', S.sigmoid, [[5]]],
  ['relu', S.relu, [[6]], 'away'],
  ['relu6', (x) => S.relu6(x.mul(4)), [[6]], 'away'],
  ['leakyRelu', (x) => S.leakyRelu(x, 0.1), [[6]], 'away'],
  ['elu', (x) => S.elu(x), [[6]], 'away'],
  ['selu', S.selu, [[6]], 'away'],
  ['gelu', (x) => S.gelu(x), [[6]]],
  ['gelu tanh', (x) => S.gelu(x, { approximate: 'tanh' }), [[6]]],
  ['silu', S.silu, [[6]]],
  ['softplus', (x) => S.softplus(x), [[6]]],
  ['mish', S.mish, [[6]]],
  ['hardSigmoid', (x) => S.hardSigmoid(x.mul(2)), [[6]], 'away'],
  ['hardSwish', (x) => S.hardSwish(x.mul(2)), [[6]], 'away'],
  ['clamp', (x) => S.clamp(x, -0.5, 0.5), [[8]], 'away'],
];

const binary: Case[] = [
  ['add (broadcast)', (a, b) => S.add(a, b), [[2, 3], [3]]],
  [
    'sub (broadcast, alpha)',
    (a, b) => S.sub(a, b, 2),
    [
      [2, 1],
      [1, 3],
    ],
  ],
  [
    'mul (broadcast)',
    (a, b) => S.mul(a, b),
    [
      [2, 3],
      [2, 1],
    ],
  ],
  ['div', (a, b) => S.div(a, b), [[4], [4]], 'positive'],
  ['pow (base and exponent)', (a, b) => S.pow(a, b), [[4], [4]], 'positive'],
  ['pow by a constant', (a) => S.pow(a, 3), [[4]]],
  ['minimum', (a, b) => S.minimum(a, b.add(0.05)), [[5], [5]]],
  ['maximum', (a, b) => S.maximum(a, b.add(0.05)), [[5], [5]]],
  ['where', (a, b) => S.where(a.gt(0), a, b), [[6], [6]], 'away'],
];

const reductions: Case[] = [
  ['sum all', (x) => S.sum(x), [[2, 3]]],
  ['sum axis keepDim', (x) => S.sum(x, 1, true), [[2, 3, 2]]],
  ['sum axes', (x) => S.sum(x, [0, 2]), [[2, 3, 2]]],
  ['mean', (x) => S.mean(x, -1), [[3, 4]]],
  ['prod', (x) => S.prod(x, 1), [[2, 3]], 'positive'],
  ['max axis', (x) => S.max(x, 1), [[3, 4]]],
  ['min all', (x) => S.min(x), [[3, 4]]],
  ['var', (x) => S.variance(x, 1), [[2, 5]]],
  ['std (correction 0)', (x) => S.std(x, 0, { correction: 0 }), [[5, 2]]],
  ['logSumExp', (x) => S.logSumExp(x, 1), [[2, 4]]],
  ['norm 2', (x) => S.norm(x, 2, 1), [[2, 4]]],
  ['norm 1', (x) => S.norm(x, 1), [[2, 4]], 'away'],
  ['norm inf', (x) => S.norm(x, 'inf', 1), [[2, 4]], 'away'],
  ['cumsum', (x) => S.cumsum(x, 1), [[2, 4]]],
  ['cumprod', (x) => S.cumprod(x, 0), [[4, 2]], 'positive'],
];

const linear: Case[] = [
  [
    'matmul 2-d',
    (a, b) => S.matmul(a, b),
    [
      [2, 3],
      [3, 4],
    ],
  ],
  [
    'matmul batched broadcast',
    (a, b) => S.matmul(a, b),
    [
      [2, 2, 3],
      [3, 2],
    ],
  ],
  ['matmul vector', (a, b) => S.matmul(a, b), [[3], [3, 2]]],
  [
    'matmul transposed view',
    (a, b) => S.matmul(a.T, b),
    [
      [3, 2],
      [3, 2],
    ],
  ],
  ['dot', (a, b) => S.dot(a, b), [[4], [4]]],
  ['outer', (a, b) => S.outer(a, b), [[3], [2]]],
  ['linear', (x, w, b) => S.linear(x, w, b), [[2, 3], [4, 3], [4]]],
];

const views: Case[] = [
  ['reshape', (x) => x.reshape(3, 2).mul(S.arange(6, undefined, 1, { dtype: 'float32' }).reshape(3, 2)), [[2, 3]]],
  [
    'transpose + contiguous',
    (x) => x.T.contiguous().mul(S.arange(6, undefined, 1, { dtype: 'float32' }).reshape(3, 2)),
    [[2, 3]],
  ],
  ['permute', (x) => x.permute(2, 0, 1).exp(), [[2, 3, 2]]],
  ['expand', (x) => x.expand(3, 2, 4).sin(), [[2, 1]]],
  ['slice with step', (x) => x.slice([{ start: 1 }, { start: 0, end: 4, step: 2 }]).exp(), [[3, 5]]],
  ['narrow', (x) => x.narrow(1, 1, 2).square(), [[2, 4]]],
  ['squeeze/unsqueeze/flatten', (x) => x.unsqueeze(0).squeeze(0).flatten().exp(), [[2, 3]]],
];

const shapeOps: Case[] = [
  [
    'cat',
    (a, b) => S.cat([a, b], 1).exp(),
    [
      [2, 2],
      [2, 3],
    ],
  ],
  ['stack', (a, b) => S.stack([a, b], 0).exp(), [[3], [3]]],
  ['split', (x) => (S.split(x, 2, 1)[1] as T).exp(), [[2, 5]]],
  ['pad constant', (x) => S.pad(x, [1, 2], { value: 0.5 }).exp(), [[2, 3]]],
  [
    'pad reflect',
    (x) => S.pad(x, [2, 1], { mode: 'reflect' }).mul(S.arange(12, undefined, 1, { dtype: 'float32' }).reshape(2, 6)),
    [[2, 3]],
  ],
  [
    'pad replicate',
    (x) => S.pad(x, [2, 2], { mode: 'replicate' }).mul(S.arange(14, undefined, 1, { dtype: 'float32' }).reshape(2, 7)),
    [[2, 3]],
  ],
  ['repeat', (x) => S.repeat(x, 2, 2).exp(), [[2, 2]]],
  ['flip', (x) => S.flip(x, [0]).mul(S.arange(6, undefined, 1, { dtype: 'float32' }).reshape(3, 2)), [[3, 2]]],
  ['roll', (x) => S.roll(x, 1, 0).mul(S.arange(6, undefined, 1, { dtype: 'float32' }).reshape(3, 2)), [[3, 2]]],
  ['tril', (x) => S.tril(x).exp(), [[3, 3]]],
  [
    'gather',
    (x) =>
      S.gather(
        x,
        1,
        S.tensor([
          [0, 0, 2],
          [1, 2, 1],
        ]),
      ).exp(),
    [[2, 3]],
  ],
  [
    'scatterAdd',
    (x, src) =>
      S.scatterAdd(
        x,
        1,
        S.tensor([
          [0, 0],
          [2, 1],
        ]),
        src,
      ).exp(),
    [
      [2, 3],
      [2, 2],
    ],
  ],
  ['indexSelect', (x) => S.indexSelect(x, 0, S.tensor([2, 0, 2])).exp(), [[3, 2]]],
  ['maskedFill', (x) => S.maskedFill(x, S.tensor([true, false, true]), 0.25).exp(), [[2, 3]]],
];

export function runCases(h: Harness, title: string, cases: readonly Case[]): void {
  describe(title, () => {
    for (const [name, f, shapes, domain] of cases) {
      it(`${name}: gradient matches finite differences`, async () => {
        const inputs = inputsFor(shapes, domain);
        // float32 differences: error ~ eps_machine / h; scale with what the backend declares.
        const scale = h.eps / 2 ** -23;
        const result = await gradcheck(f, inputs, { eps: 1e-3, atol: 2e-3 * scale, rtol: 1e-2 * scale });
        expect(result.mismatches.slice(0, 3)).toEqual([]);
        expect(result.passed).toBe(true);
        for (const x of inputs) x.dispose();
      });
    }
  });
}

export const gradientsSection: Section = (h) => {
  describe('gradients', () => {
    runCases(h, 'elementwise', unary);
    runCases(h, 'binary', binary);
    runCases(h, 'reductions', reductions);
    runCases(h, 'matmul family', linear);
    runCases(h, 'views', views);
    runCases(h, 'shape ops', shapeOps);

    it('max/min ties share the gradient evenly (like PyTorch amax)', async () => {
      const x = S.tensor([1, 3, 3, 2], { dtype: 'float32' }).requiresGrad_();
      const [gx] = gradients(S.max(x), [x]);
      expect(Array.from(await (gx as T).data())).toEqual([0, 0.5, 0.5, 0]);
    });

    it('relu has zero gradient at 0 and abs uses sign(0) = 0', async () => {
      const x = S.tensor([0, -1, 2], { dtype: 'float32' }).requiresGrad_();
      const [gr] = gradients(S.relu(x).sum(), [x]);
      const [ga] = gradients(S.abs(x).sum(), [x]);
      expect(Array.from(await (gr as T).data())).toEqual([0, 0, 1]);
      expect(Array.from(await (ga as T).data())).toEqual([0, -1, 1]);
    });

    it('maximum of two tensors splits ties evenly', async () => {
      const a = S.tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
      const b = S.tensor([1, 3], { dtype: 'float32' }).requiresGrad_();
      const [ga, gb] = gradients(S.maximum(a, b).sum(), [a, b]);
      expect(Array.from(await (ga as T).data())).toEqual([0.5, 0]);
      expect(Array.from(await (gb as T).data())).toEqual([0.5, 1]);
    });

    it('second derivatives of elementwise math, reductions and matmul', async () => {
      const second = async (f: (x: T) => T, at: number[]) => {
        const x = S.tensor(at, { dtype: 'float32' }).requiresGrad_();
        const [d1] = gradients(f(x).sum(), [x], { createGraph: true });
        const [d2] = gradients((d1 as T).sum(), [x]);
        return Array.from(await (d2 as T).data());
      };
      const approx = (a: number[], b: number[]) => {
        for (const [i, v] of a.entries()) expect(v).toBeCloseTo(b[i] as number, 4);
      };
      approx(await second((x) => x.mul(x).mul(x), [1, -2]), [6, -12]);
      approx(await second(S.exp, [0.5]), [Math.exp(0.5)]);
      const sig = 1 / (1 + Math.exp(-0.3));
      approx(await second(S.sigmoid, [0.3]), [sig * (1 - sig) * (1 - 2 * sig)]);
      // d/dx logSumExp = softmax, whose entries sum to 1: the second sweep must give exactly 0.
      approx(await second((x) => S.logSumExp(x, 0).reshape(1), [0, Math.log(3)]), [0, 0]);
      approx(await second(S.tanh, [0.4]), [-2 * Math.tanh(0.4) * (1 - Math.tanh(0.4) ** 2)]);
      const w = S.tensor(
        [
          [2, 1],
          [1, 3],
        ],
        { dtype: 'float32' },
      );
      approx(await second((x) => x.matmul(w).mul(x), [1, 2]), [6, 8]); // (W + Wᵀ)·1 for xᵀWx
    });
  });
};
