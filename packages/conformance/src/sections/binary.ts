/**
 * Binary elementwise ops (arithmetic, minimum/maximum, comparisons) with
 * broadcasting, scalars, strided inputs and empty tensors, plus logic ops,
 * isNaN/isFinite, where and clamp.
 */
import * as S from '@strata/core';
import { type Tensor, tensor } from '@strata/core';
import { describe, it } from 'vitest';
import { expectTensor, expectValues } from '../compare';
import type { Harness, Tolerance } from '../harness';
import { type Computed, integers, sizeOf, stridesOf, tf, tfCompute, tfTensor, uniform, unravel } from '../oracle';

interface BinarySpec {
  readonly name: string;
  readonly run: (a: Tensor, b: Tensor | number) => Tensor;
  readonly tf: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  readonly ref: (a: number, b: number) => number;
  /** Random-input ranges of a and b. */
  readonly domains: readonly [readonly [number, number], readonly [number, number]];
  /** 'bool' ops compare: exact, bool result; draw inputs from a few integers so ties occur. */
  readonly kind: 'arith' | 'math' | 'bool';
  /** Hand-computed operands and results. */
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly expected: readonly number[];
}

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;
const b01 = (v: boolean) => (v ? 1 : 0);
const WIDE: BinarySpec['domains'] = [
  [-100, 100],
  [-100, 100],
];
const NARROW: BinarySpec['domains'] = [
  [-10, 10],
  [-10, 10],
];
const SMALL_INTS: BinarySpec['domains'] = [
  [-3, 3],
  [-3, 3],
];

/** One row: name, op, tfjs op, float64 definition, domains, tolerance class, then hand operands and results. */
function bin(
  name: string,
  run: BinarySpec['run'],
  tfOp: BinarySpec['tf'],
  ref: BinarySpec['ref'],
  domains: BinarySpec['domains'],
  kind: BinarySpec['kind'],
  a: readonly number[],
  b: readonly number[],
  expected: readonly number[],
): BinarySpec {
  return { name, run, tf: tfOp, ref, domains, kind, a, b, expected };
}

const specs: readonly BinarySpec[] = [
  bin('add', S.add, tf.add, (a, b) => a + b, WIDE, 'arith', [1, 2.5, -1, INF], [2, -0.5, 1, -INF], [3, 2, 0, NAN]),
  bin('sub', S.sub, tf.sub, (a, b) => a - b, WIDE, 'arith', [1, 2.5, INF], [2, -0.5, INF], [-1, 3, NAN]),
  bin('mul', S.mul, tf.mul, (a, b) => a * b, WIDE, 'arith', [3, -2.5, 0, INF], [2, 4, INF, -2], [6, -10, NAN, -INF]),
  bin(
    'div',
    S.div,
    tf.div,
    (a, b) => a / b,
    [
      [-100, 100],
      [0.5, 50],
    ],
    'arith',
    [1, -3, 1, 0, -1],
    [4, 2, 0, 0, 0],
    [0.25, -1.5, INF, NAN, -INF],
  ),
  bin(
    'pow',
    S.pow,
    tf.pow,
    Math.pow,
    [
      [0.1, 5],
      [-3, 3],
    ],
    'math',
    [2, 4, 9, 0, -2],
    [3, 0.5, -0.5, 0, 2],
    [8, 2, 1 / 3, 1, 4],
  ),
  bin('minimum', S.minimum, tf.minimum, Math.min, NARROW, 'arith', [1, 5, NAN, 2], [3, -1, 0, NAN], [1, -1, NAN, NAN]),
  bin('maximum', S.maximum, tf.maximum, Math.max, NARROW, 'arith', [1, 5, NAN, 2], [3, -1, 0, NAN], [3, 5, NAN, NAN]),
  bin('eq', S.eq, tf.equal, (a, b) => b01(a === b), SMALL_INTS, 'bool', [1, 2, NAN, 0], [1, 3, NAN, -0], [1, 0, 0, 1]),
  bin('ne', S.ne, tf.notEqual, (a, b) => b01(a !== b), SMALL_INTS, 'bool', [1, 2, NAN], [1, 3, NAN], [0, 1, 1]),
  bin('lt', S.lt, tf.less, (a, b) => b01(a < b), SMALL_INTS, 'bool', [1, 2, 3, NAN], [2, 2, 2, 1], [1, 0, 0, 0]),
  bin('le', S.le, tf.lessEqual, (a, b) => b01(a <= b), SMALL_INTS, 'bool', [1, 2, 3, NAN], [2, 2, 2, 1], [1, 1, 0, 0]),
  bin('gt', S.gt, tf.greater, (a, b) => b01(a > b), SMALL_INTS, 'bool', [1, 2, 3, -INF], [2, 2, 2, 1], [0, 0, 1, 0]),
  bin('ge', S.ge, tf.greaterEqual, (a, b) => b01(a >= b), SMALL_INTS, 'bool', [1, 2, 3, INF], [2, 2, 2, INF], [0, 1, 1, 1]),
];

function tolOf(h: Harness, spec: BinarySpec): Tolerance {
  return spec.kind === 'math' ? h.math : spec.kind === 'arith' ? h.arith : h.exact;
}

function inputs(spec: BinarySpec, n: number, which: 0 | 1, seed: number): Float32Array {
  const [lo, hi] = spec.domains[which];
  return spec.kind === 'bool' ? Float32Array.from(integers(n, lo, hi + 1, seed)) : uniform(n, lo, hi, seed);
}

/** Reference broadcasting of two row-major operands. */
export function broadcastRef(
  a: ArrayLike<number>,
  aShape: readonly number[],
  b: ArrayLike<number>,
  bShape: readonly number[],
  f: (x: number, y: number) => number,
): Computed {
  const nd = Math.max(aShape.length, bShape.length);
  const pad = (s: readonly number[]) => [...new Array<number>(nd - s.length).fill(1), ...s];
  const [pa, pb] = [pad(aShape), pad(bShape)];
  const shape = pa.map((d, i) => (d === 1 ? (pb[i] as number) : d));
  const [sa, sb] = [stridesOf(pa), stridesOf(pb)];
  const values: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape);
    let oa = 0;
    let ob = 0;
    idx.forEach((v, d) => {
      if (pa[d] !== 1) oa += v * (sa[d] as number);
      if (pb[d] !== 1) ob += v * (sb[d] as number);
    });
    values.push(f(a[oa] as number, b[ob] as number));
  }
  return { values, shape };
}

function registerSpec(h: Harness, spec: BinarySpec, seed: number): void {
  const outDType = spec.kind === 'bool' ? 'bool' : 'float32';

  it('hand-computed cases', async () => {
    const out = spec.run(tensor(spec.a, { dtype: 'float32' }), tensor(spec.b, { dtype: 'float32' }));
    await expectTensor(out, spec.expected, { tol: tolOf(h, spec), dtype: outDType, label: spec.name });
  });

  it('random inputs match tfjs and float64', async () => {
    const a = inputs(spec, 300, 0, seed);
    const b = inputs(spec, 300, 1, seed + 1);
    const got = await spec.run(tensor(a, { shape: [12, 25] }), tensor(b, { shape: [12, 25] })).data();
    expectValues(
      got,
      Array.from(a, (x, i) => spec.ref(x, b[i] as number)),
      tolOf(h, spec),
      `${spec.name} vs float64`,
    );
    expectValues(
      got,
      tfCompute(() => spec.tf(tfTensor(a, [12, 25]), tfTensor(b, [12, 25]))).values,
      tolOf(h, spec),
      `${spec.name} vs tfjs`,
    );
  });

  it('broadcasting, JS scalars and 0-d tensors', async () => {
    const cases: [number[], number[]][] = [
      [
        [3, 1, 4],
        [5, 1],
      ],
      [[4], [2, 3, 4]],
      [
        [2, 1],
        [1, 3],
      ],
      [[], [2, 3]],
      [[2, 3], []],
    ];
    for (const [as, bs] of cases) {
      const a = inputs(spec, sizeOf(as), 0, seed + as.length);
      const b = inputs(spec, sizeOf(bs), 1, seed + 7 * bs.length);
      const expected = broadcastRef(a, as, b, bs, spec.ref);
      const label = `${spec.name} [${as}] with [${bs}]`;
      const out = spec.run(tensor(a, { shape: as }), tensor(b, { shape: bs }));
      await expectTensor(out, expected.values, { tol: tolOf(h, spec), shape: expected.shape, dtype: outDType, label });
      const oracle = tfCompute(() => spec.tf(tfTensor(a, as), tfTensor(b, bs)));
      expectValues(await out.data(), oracle.values, tolOf(h, spec), `${label} vs tfjs`);
    }
    const a = inputs(spec, 6, 0, seed + 3);
    const s = Math.fround(spec.domains[1][1] / 2);
    await expectTensor(
      spec.run(tensor(a, { shape: [2, 3] }), s),
      Array.from(a, (x) => spec.ref(x, s)),
      {
        tol: tolOf(h, spec),
        shape: [2, 3],
        label: `${spec.name} with a JS scalar`,
      },
    );
  });

  it('strided inputs and empty tensors', async () => {
    const a = inputs(spec, 20, 0, seed + 5);
    const b = inputs(spec, 20, 1, seed + 6);
    const at = tensor(a, { shape: [4, 5] }).T;
    const bs = tensor(b, { shape: [5, 4] }).slice([null, { step: 2 }]);
    const expected: number[] = [];
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 2; j++) expected.push(spec.ref(a[j * 2 * 5 + i] as number, b[i * 4 + j * 2] as number));
    const colsOfA = at.slice([null, { step: 2 }]);
    await expectTensor(spec.run(colsOfA, bs), expected, { tol: tolOf(h, spec), shape: [5, 2], label: `${spec.name} on views` });
    await expectTensor(spec.run(tensor([], { dtype: 'float32' }), tensor([], { dtype: 'float32' })), [], { shape: [0] });
    await expectTensor(spec.run(tensor(new Float32Array(0), { shape: [2, 0] }), tensor([1.5])), [], { shape: [2, 0] });
    await expectTensor(spec.run(tensor(new Float32Array(0), { shape: [2, 0] }), tensor([[1], [2]], { dtype: 'float32' })), [], {
      shape: [2, 0],
    });
  });
}

export function binarySection(h: Harness): void {
  describe('binary elementwise', () => {
    specs.forEach((spec, i) => {
      describe(spec.name, () => registerSpec(h, spec, 5000 + 31 * i));
    });

    it('add and sub take alpha (b scaled first)', async () => {
      await expectTensor(S.add(tensor([1, 2], { dtype: 'float32' }), tensor([10, 20], { dtype: 'float32' }), 0.5), [6, 12], {
        tol: h.arith,
      });
      await expectTensor(S.sub(tensor([1, 2], { dtype: 'float32' }), tensor([10, 20], { dtype: 'float32' }), 2), [-19, -38], {
        tol: h.arith,
      });
    });

    it('a 1e6-element broadcast add matches float64', async () => {
      const a = uniform(1000 * 1000, -1, 1, 11);
      const b = uniform(1000, -1, 1, 12);
      const got = await S.add(tensor(a, { shape: [1000, 1000] }), tensor(b, { shape: [1000] })).data();
      expectValues(
        got,
        Array.from(a, (x, i) => x + (b[i % 1000] as number)),
        h.arith,
        'add over 1e6 elements',
      );
    });
  });

  describe('logic, isNaN/isFinite, where, clamp', () => {
    const bools = [true, true, false, false];
    const others = [true, false, true, false];
    it('logicalAnd/Or/Xor/Not on bool match tfjs', async () => {
      const [a, b] = [tensor(bools), tensor(others)];
      const tfa = () => tfTensor(bools.map(Number), [4], 'bool');
      const tfb = () => tfTensor(others.map(Number), [4], 'bool');
      await expectTensor(S.logicalAnd(a, b), tfCompute(() => tf.logicalAnd(tfa(), tfb())).values, { dtype: 'bool', shape: [4] });
      await expectTensor(S.logicalOr(a, b), tfCompute(() => tf.logicalOr(tfa(), tfb())).values, { dtype: 'bool', shape: [4] });
      await expectTensor(S.logicalXor(a, b), tfCompute(() => tf.logicalXor(tfa(), tfb())).values, { dtype: 'bool', shape: [4] });
      await expectTensor(S.logicalNot(a), [0, 0, 1, 1], { dtype: 'bool', shape: [4] });
    });

    it('logic ops read any dtype as != 0 and broadcast', async () => {
      const x = tensor([0, 0.5, -2, Number.NaN]);
      await expectTensor(S.logicalNot(x), [true, false, false, false], { dtype: 'bool' });
      await expectTensor(
        S.logicalAnd(x, tensor([[1], [0]], { dtype: 'int32' })),
        [
          [0, 1, 1, 1],
          [0, 0, 0, 0],
        ],
        { dtype: 'bool' },
      );
      await expectTensor(S.logicalOr(x, tensor(0)), [false, true, true, true], { dtype: 'bool' });
      await expectTensor(S.logicalXor(x, tensor([true])), [true, false, false, false], { dtype: 'bool' });
    });

    it('isNaN and isFinite', async () => {
      const x = tensor([0, Number.NaN, INF, -INF, -1.5]);
      await expectTensor(S.isNaN(x), [0, 1, 0, 0, 0], { dtype: 'bool', shape: [5] });
      await expectTensor(S.isFinite(x), [1, 0, 0, 0, 1], { dtype: 'bool', shape: [5] });
      await expectTensor(S.isNaN(tensor([1, 2], { dtype: 'int32' })), [false, false], { dtype: 'bool' });
      await expectTensor(S.isFinite(tensor([1, 2], { dtype: 'int32' })), [true, true], { dtype: 'bool' });
    });

    it('where broadcasts condition and branches and promotes their dtype', async () => {
      const cond = tensor([[true], [false], [true]]);
      const a = tensor([[1, 2, 3, 4]], { dtype: 'float32' });
      await expectTensor(
        S.where(cond, a, -1),
        [
          [1, 2, 3, 4],
          [-1, -1, -1, -1],
          [1, 2, 3, 4],
        ],
        { dtype: 'float32' },
      );
      await expectTensor(
        S.where(tensor([1, 0, 2], { dtype: 'int32' }), tensor([1, 2, 3], { dtype: 'int32' }), tensor([0.5])),
        [1, 0.5, 3],
        {
          dtype: 'float32',
        },
      );
      const c = uniform(60, -1, 1, 21);
      const x = uniform(60, -5, 5, 22);
      const y = uniform(60, -5, 5, 23);
      const oracle = tfCompute(() => tf.where(tf.greater(tfTensor(c, [6, 10]), 0), tfTensor(x, [6, 10]), tfTensor(y, [6, 10])));
      await expectTensor(
        S.where(S.gt(tensor(c, { shape: [6, 10] }), 0), tensor(x, { shape: [6, 10] }), tensor(y, { shape: [6, 10] })),
        oracle.values,
        {
          shape: [6, 10],
        },
      );
    });

    it('clamp: both, one or tensor bounds; NaN stays NaN; matches tfjs clipByValue', async () => {
      const x = tensor([-3, -0.5, 0.5, 3, Number.NaN]);
      await expectTensor(S.clamp(x, -1, 1), [-1, -0.5, 0.5, 1, NAN]);
      await expectTensor(S.clamp(x, 0), [0, 0, 0.5, 3, NAN]);
      await expectTensor(S.clamp(x, null, 0), [-3, -0.5, 0, 0, NAN]);
      await expectTensor(
        S.clamp(tensor([[-3, 3]], { dtype: 'float32' }), tensor([[-1], [-2]], { dtype: 'float32' }), tensor(2.5)),
        [
          [-1, 2.5],
          [-2, 2.5],
        ],
      );
      await expectTensor(S.clamp(tensor([-7, 0, 9], { dtype: 'int32' }), -2, 5), [-2, 0, 5], { dtype: 'int32' });
      const r = uniform(200, -10, 10, 31);
      await expectTensor(S.clamp(tensor(r), -2.5, 4), tfCompute(() => tf.clipByValue(tfTensor(r, [200]), -2.5, 4)).values, {
        shape: [200],
      });
    });
  });
}
