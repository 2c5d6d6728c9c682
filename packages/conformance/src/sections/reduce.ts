/**
 * Reductions over every subset of axes with and without keepDim, against
 * float64 references and tfjs; argmax/argmin, var/std with a correction,
 * logSumExp, norms, any/all, cumsum/cumprod; empty inputs, NaN propagation,
 * strided inputs and a 1e6-element sum.
 */
import * as S from '@strata/core';
import { type Tensor, tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { expectTensor, expectValues } from '../compare';
import type { Harness, Tolerance } from '../harness';
import { integers, reduceRef, tf, tfCompute, tfTensor, uniform } from '../oracle';

type Axes = readonly number[];

interface ReduceSpec {
  readonly name: string;
  readonly run: (x: Tensor, axes: Axes, keepDim: boolean) => Tensor;
  readonly ref: (values: number[]) => number;
  readonly tf?: (x: tf.Tensor, axes: number[], keepDim: boolean) => tf.Tensor;
  /** The tolerance for reducing `n` values of magnitude up to `maxAbs`. */
  readonly tol: (h: Harness, n: number, maxAbs: number) => Tolerance;
  readonly range: readonly [number, number];
}

const sum64 = (v: number[]) => v.reduce((a, b) => a + b, 0);
const mean64 = (v: number[]) => sum64(v) / v.length;
const var64 = (v: number[], correction: number) => {
  const m = mean64(v);
  return sum64(v.map((x) => (x - m) ** 2)) / Math.max(0, v.length - correction);
};
const lse64 = (v: number[]) => {
  const m = Math.max(...v);
  return m + Math.log(sum64(v.map((x) => Math.exp(x - m))));
};
const sumTol = (h: Harness, n: number, maxAbs: number) => h.reduction(n, n * maxAbs);

const specs: readonly ReduceSpec[] = [
  { name: 'sum', run: (x, a, k) => S.sum(x, a, k), ref: sum64, tf: (x, a, k) => tf.sum(x, a, k), tol: sumTol, range: [-10, 10] },
  {
    name: 'mean',
    run: (x, a, k) => S.mean(x, a, k),
    ref: mean64,
    tf: (x, a, k) => tf.mean(x, a, k),
    tol: (h, _n, m) => h.reduction(_n, m),
    range: [-10, 10],
  },
  {
    name: 'prod',
    run: (x, a, k) => S.prod(x, a, k),
    ref: (v) => v.reduce((p, x) => p * x, 1),
    tf: (x, a, k) => tf.prod(x, a, k),
    tol: (h, n) => ({ rtol: 4 * (n + 1) * h.eps, atol: 0 }),
    range: [0.5, 1.5],
  },
  {
    name: 'max',
    run: (x, a, k) => S.max(x, a, k),
    ref: (v) => Math.max(...v),
    tf: (x, a, k) => tf.max(x, a, k),
    tol: (h) => h.exact,
    range: [-10, 10],
  },
  {
    name: 'min',
    run: (x, a, k) => S.min(x, a, k),
    ref: (v) => Math.min(...v),
    tf: (x, a, k) => tf.min(x, a, k),
    tol: (h) => h.exact,
    range: [-10, 10],
  },
  {
    name: 'logSumExp',
    run: (x, a, k) => S.logSumExp(x, a, k),
    ref: lse64,
    tf: (x, a, k) => tf.logSumExp(x, a, k),
    tol: (h, n, m) => ({ rtol: h.math.rtol, atol: h.math.atol + h.reduction(n, m).atol }),
    range: [-10, 10],
  },
  {
    name: 'var(correction=0)',
    run: (x, a, k) => S.variance(x, a, { correction: 0, keepDim: k }),
    ref: (v) => var64(v, 0),
    tf: (x, a, k) => tf.moments(x, a, k).variance,
    tol: (h, n, m) => h.reduction(n, m * m),
    range: [-10, 10],
  },
  {
    name: 'var',
    run: (x, a, k) => S.variance(x, a, { keepDim: k }),
    ref: (v) => var64(v, 1),
    tol: (h, n, m) => h.reduction(n, m * m),
    range: [-10, 10],
  },
  {
    name: 'std(correction=2)',
    run: (x, a, k) => S.std(x, a, { correction: 2, keepDim: k }),
    ref: (v) => Math.sqrt(var64(v, 2)),
    tol: (h, n, m) => h.reduction(n, m),
    range: [-10, 10],
  },
  { name: 'norm(1)', run: (x, a, k) => S.norm(x, 1, a, k), ref: (v) => sum64(v.map(Math.abs)), tol: sumTol, range: [-10, 10] },
  {
    name: 'norm(2)',
    run: (x, a, k) => S.norm(x, 2, a, k),
    ref: (v) => Math.hypot(...v),
    tol: (h, n, m) => h.reduction(n, Math.sqrt(n) * m),
    range: [-10, 10],
  },
  {
    name: 'norm(inf)',
    run: (x, a, k) => S.norm(x, 'inf', a, k),
    ref: (v) => Math.max(...v.map(Math.abs)),
    tol: (h) => h.exact,
    range: [-10, 10],
  },
  {
    name: 'norm(-inf)',
    run: (x, a, k) => S.norm(x, '-inf', a, k),
    ref: (v) => Math.min(...v.map(Math.abs)),
    tol: (h) => h.exact,
    range: [-10, 10],
  },
];

const SHAPE = [3, 4, 5];
const AXIS_SETS: Axes[] = [[], [0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]];

function registerSpec(h: Harness, spec: ReduceSpec, seed: number): void {
  it('every set of axes, with and without keepDim, matches float64 (and tfjs)', async () => {
    const data = uniform(60, spec.range[0], spec.range[1], seed);
    const x = tensor(data, { shape: SHAPE });
    const maxAbs = Math.max(...Array.from(data, Math.abs));
    for (const axes of AXIS_SETS) {
      if (axes.length === 0 && spec.name !== 'sum') continue;
      const n = axes.reduce((p, a) => p * (SHAPE[a] as number), 1);
      const ref = reduceRef(data, SHAPE, axes, spec.ref);
      const tol = spec.tol(h, n, maxAbs);
      for (const keepDim of [false, true]) {
        const shape = keepDim ? SHAPE.map((d, i) => (axes.includes(i) ? 1 : d)) : ref.shape;
        const label = `${spec.name} axes [${axes}] keepDim ${keepDim}`;
        const out = spec.run(x, axes, keepDim);
        await expectTensor(out, ref.values, { tol, shape, dtype: 'float32', label });
        const oracle = spec.tf;
        if (oracle && axes.length > 0)
          expectValues(
            await out.data(),
            tfCompute(() => oracle(tfTensor(data, SHAPE), [...axes], keepDim)).values,
            tol,
            `${label} vs tfjs`,
          );
      }
    }
    const all = reduceRef(data, SHAPE, [0, 1, 2], spec.ref);
    await expectTensor(spec.run(x, [-1, 0, -2], false), all.values, {
      tol: spec.tol(h, 60, maxAbs),
      shape: [],
      label: `${spec.name} negative axes`,
    });
  });

  it('strided input (a permuted, sliced view)', async () => {
    const data = uniform(60, spec.range[0], spec.range[1], seed + 1);
    const view = tensor(data, { shape: SHAPE })
      .permute(2, 0, 1)
      .slice([{ start: 1 }, null, { step: 2 }]);
    const values = await view.contiguous().data();
    const vshape = [...view.shape];
    const maxAbs = Math.max(...Array.from(data, Math.abs));
    for (const axes of [[0], [2], [0, 2]]) {
      const ref = reduceRef(values, vshape, axes, spec.ref);
      const n = axes.reduce((p, a) => p * (vshape[a] as number), 1);
      await expectTensor(spec.run(view, axes, false), ref.values, {
        tol: spec.tol(h, n, maxAbs),
        shape: ref.shape,
        label: `${spec.name} [${axes}] of a view`,
      });
    }
  });
}

export function reduceSection(h: Harness): void {
  describe('reductions', () => {
    specs.forEach((spec, i) => {
      describe(spec.name, () => registerSpec(h, spec, 9000 + 13 * i));
    });

    it('hand-computed cases', async () => {
      const x = tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { dtype: 'float32' },
      );
      await expectTensor(x.sum(), [21], { shape: [] });
      await expectTensor(x.sum(0), [5, 7, 9]);
      await expectTensor(x.sum(1, true), [[6], [15]]);
      await expectTensor(x.prod(1), [6, 120]);
      await expectTensor(x.mean(0), [2.5, 3.5, 4.5], { tol: h.arith });
      await expectTensor(x.max(), [6], { shape: [] });
      await expectTensor(x.min(1), [1, 4]);
      await expectTensor(x.var(1), [1, 1], { tol: h.arith });
      await expectTensor(x.var(undefined, { correction: 0 }), [35 / 12], { tol: h.arith, shape: [] });
      await expectTensor(x.std(0, { keepDim: true }), [[Math.SQRT1_2 * 3, Math.SQRT1_2 * 3, Math.SQRT1_2 * 3]], { tol: h.arith });
      await expectTensor(tensor([3, -4], { dtype: 'float32' }).norm(), [5], { tol: h.arith, shape: [] });
      await expectTensor(tensor([3, -4], { dtype: 'float32' }).norm(1), [7], { shape: [] });
      await expectTensor(tensor([3, -4], { dtype: 'float32' }).norm('inf'), [4], { shape: [] });
      await expectTensor(tensor([0, 0], { dtype: 'float32' }).logSumExp(), [Math.LN2], { tol: h.math, shape: [] });
      await expectTensor(tensor([1000, 1000], { dtype: 'float32' }).logSumExp(), [1000 + Math.LN2], { tol: h.math, shape: [] });
      await expectTensor(tensor([-1000, -1000], { dtype: 'float32' }).logSumExp(), [-1000 + Math.LN2], {
        tol: h.math,
        shape: [],
      });
      const inf = Number.POSITIVE_INFINITY;
      await expectTensor(
        tensor([
          [-inf, -inf],
          [inf, 1],
        ]).logSumExp(1),
        [-inf, inf],
      );
      const s = tensor(3.5);
      for (const r of [s.sum(), s.prod(), s.max(), s.min(), s.mean(), s.norm(), s.logSumExp(), s.sum(0), s.max(-1, true)]) {
        await expectTensor(r, [3.5], { shape: [], tol: h.math, label: 'reduction of a 0-d tensor' });
      }
      if (h.supports('int32')) await expectTensor(s.argmax(), [0], { shape: [], dtype: 'int32' });
    });

    it('integer inputs: sum/prod stay int32, mean/var become float32', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const x = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'int32' },
      );
      await expectTensor(x.sum(0), [4, 6], { dtype: 'int32' });
      await expectTensor(x.prod(), [24], { dtype: 'int32', shape: [] });
      await expectTensor(x.max(1), [2, 4], { dtype: 'int32' });
      await expectTensor(x.mean(1), [1.5, 3.5], { dtype: 'float32' });
      await expectTensor(x.var(), [5 / 3], { dtype: 'float32', tol: h.arith, shape: [] });
      await expectTensor(x.norm(1), [10], { dtype: 'float32', shape: [] });
    });

    it('empty inputs: identities, NaN means, and errors for max/min/argmax', async () => {
      const e = tensor([], { dtype: 'float32' });
      await expectTensor(e.sum(), [0], { shape: [] });
      await expectTensor(e.prod(), [1], { shape: [] });
      await expectTensor(e.mean(), [Number.NaN], { shape: [] });
      await expectTensor(e.all(), [1], { shape: [] });
      await expectTensor(e.any(), [0], { shape: [] });
      await expectTensor(e.norm(), [0], { shape: [] });
      await expectTensor(e.cumsum(0), [], { shape: [0] });
      const e2 = tensor(new Float32Array(0), { shape: [2, 0] });
      await expectTensor(e2.sum(1), [0, 0], { shape: [2] });
      await expectTensor(e2.sum(0), [], { shape: [0] });
      await expectTensor(e2.sum(1, true), [[0], [0]]);
      await expectTensor(e2.max(0), [], { shape: [0] });
      for (const f of [() => e.max(), () => e2.min(1), () => e.argmax(), () => e2.argmin(1)]) expect(f).toThrow(S.ShapeError);
    });

    it('NaN propagates through sum, mean, max, min and the norms', async () => {
      const x = tensor([
        [1, Number.NaN, 3],
        [4, 5, 6],
      ]);
      await expectTensor(x.max(1), [Number.NaN, 6]);
      await expectTensor(x.min(1), [Number.NaN, 4]);
      await expectTensor(x.max(), [Number.NaN], { shape: [] });
      await expectTensor(x.sum(0), [5, Number.NaN, 9]);
      await expectTensor(x.mean(1), [Number.NaN, 5], { tol: h.arith });
      await expectTensor(x.norm('inf', 1), [Number.NaN, 6]);
      await expectTensor(x.logSumExp(1), [Number.NaN, 6 + Math.log(1 + Math.exp(-1) + Math.exp(-2))], { tol: h.math });
      await expectTensor(tensor([Number.NaN, Number.POSITIVE_INFINITY]).max(), [Number.NaN], { shape: [] });
    });

    it('a 1e6-element sum and mean', async () => {
      const n = 1_000_000;
      // Integer values: every partial sum is exact in float32, so any summation order must be exact.
      const ints = Float32Array.from(integers(n, -8, 9, 98));
      let exactSum = 0;
      for (const v of ints) exactSum += v;
      await expectTensor(tensor(ints).sum(), [exactSum], { shape: [], label: 'sum of 1e6 integer-valued floats' });
      await expectTensor(S.ones([1000, 1000]).sum(), [n], { shape: [] });
      await expectTensor(S.ones([1000, 1000]).sum(0), new Array<number>(1000).fill(1000), { shape: [1000] });
      const data = uniform(n, -1, 1, 99);
      let s = 0;
      let sumAbs = 0;
      for (const v of data) {
        s += v;
        sumAbs += Math.abs(v);
      }
      const x = tensor(data);
      await expectTensor(x.sum(), [s], { tol: h.reduction(n, sumAbs), shape: [] });
      await expectTensor(x.mean(), [s / n], { tol: h.reduction(n, sumAbs / n), shape: [] });
    });
  });
}
