/**
 * Every scalar op of core's Expr, rendered to WGSL, compiled on Dawn and
 * compared with the CPU reference on ordinary and special values (±0, ±inf,
 * NaN, int32 extremes, halfway cases). Integer and boolean results must match
 * exactly; float results within a few float32 ulps (the CPU computes in
 * float64 and rounds once).
 */
import { type BinaryScalarOp, binaryScalarOps, type DType, E, type Expr, type UnaryScalarOp, unaryScalarOps } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { buildElementwise } from '../src/kernels/elementwise';
import { differences, gpuBackend, runBoth } from './helpers';

const limits = { maxWorkgroupSize: 256, maxWorkgroupStorage: 16384, maxWorkgroupsPerDim: 65535 };

const floats = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  3,
  1e-3,
  -1e-3,
  1e-7,
  0.3,
  0.7,
  -0.7,
  10,
  -10,
  100,
  -100,
  88,
  -88,
  1e30,
  -1e30,
  Infinity,
  -Infinity,
  NaN,
  Math.PI,
  2 ** 31,
  -(2 ** 31),
  3e9,
  -3e9,
  2 ** 40,
  0.45,
  -0.45,
  4.5,
  -4.5,
];
const ints = [0, 1, -1, 2, -2, 3, -3, 7, -7, 100, 46341, -46341, 65536, 2 ** 31 - 1, -(2 ** 31), 12345678];
const bools = [0, 1];
const values: Record<DType, number[]> = {
  float32: floats,
  float16: floats.filter((v) => Math.abs(v) < 6e4 || !Number.isFinite(v)),
  int32: ints,
  bool: bools,
};

/** Ops whose float result is exact or correctly rounded on both sides. */
const exactFloat = new Set<string>([
  'neg',
  'abs',
  'sign',
  'floor',
  'ceil',
  'round',
  'trunc',
  'sqrt',
  'reciprocal',
  'add',
  'sub',
  'mul',
  'div',
  'max',
  'min',
]);
const integerUnary = new Set<UnaryScalarOp>([
  'neg',
  'abs',
  'sign',
  'floor',
  'ceil',
  'round',
  'trunc',
  'not',
  'isnan',
  'isfinite',
]);

async function check(expr: Expr, inputs: { dtype: DType; data: number[] }[], label: string): Promise<void> {
  const n = inputs[0]?.data.length ?? 1;
  const out = { shape: [n], dtype: expr.dtype };
  const { cpu, gpu } = await runBoth(
    'elementwise',
    inputs.map((x) => ({ dtype: x.dtype, data: x.data, shape: [n] })),
    { expr },
    out,
  );
  const float = expr.dtype === 'float32' || expr.dtype === 'float16';
  const op = expr.kind === 'unary' || expr.kind === 'binary' ? expr.op : '';
  const rtol = !float ? 0 : expr.dtype === 'float16' ? 2 ** -10 : exactFloat.has(op) ? 2 ** -23 : 2 ** -17;
  const atol = float ? (expr.dtype === 'float16' ? 2 ** -24 : 2 ** -30) : 0;
  const bad = differences(gpu, cpu, rtol, atol);
  const detail = bad.slice(0, 6).map((i) => `${inputs.map((x) => x.data[i]).join(', ')} → gpu ${gpu[i]}, cpu ${cpu[i]}`);
  expect(detail, label).toEqual([]);
}

describe('WGSL rendering of unary ops matches the CPU', () => {
  for (const op of unaryScalarOps) {
    it(op, async () => {
      for (const dtype of ['float32', 'float16', 'int32', 'bool'] as DType[]) {
        if ((dtype === 'int32' || dtype === 'bool') && !integerUnary.has(op)) continue;
        if (dtype === 'bool' && ['neg', 'abs', 'sign'].includes(op)) continue;
        // Our sin/cos reduce arguments exactly up to |x| = 8192; beyond, the driver's builtins (WGSL bounds them only on [-π, π]).
        const trig = op === 'sin' || op === 'cos' || op === 'tan';
        const data = trig ? values[dtype].filter((v) => !(Math.abs(v) > 1e4)) : values[dtype];
        await check(E.unary(op, E.input(0, dtype)), [{ dtype, data }], `${op}(${dtype})`);
      }
    });
  }
});

function pairs(a: number[], b: number[]): [number[], number[]] {
  const x: number[] = [];
  const y: number[] = [];
  for (const p of a) {
    for (const q of b) {
      x.push(p);
      y.push(q);
    }
  }
  return [x, y];
}

describe('WGSL rendering of binary ops matches the CPU', () => {
  const combos: [DType, DType][] = [
    ['float32', 'float32'],
    ['int32', 'int32'],
    ['int32', 'float32'],
    ['float16', 'float16'],
    ['bool', 'bool'],
  ];
  for (const op of binaryScalarOps) {
    it(op, async () => {
      for (const [da, db] of combos) {
        const arithmetic = !['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'xor'].includes(op);
        if (da === 'bool' && arithmetic) continue;
        const small = (d: DType) => values[d].filter((_, i) => i % 2 === 0 || d === 'bool');
        const [x, y] = pairs(small(da), small(db));
        const expr = E.binary(op as BinaryScalarOp, E.input(0, da), E.input(1, db));
        // int32 pow wraps exactly where the CPU's float64 Math.pow has already rounded: compare small results only.
        if (op === 'pow' && da === 'int32' && db === 'int32') {
          const keep = x.map((v, i) => Math.abs(v ** (y[i] as number)) < 2 ** 53);
          await check(
            expr,
            [
              { dtype: da, data: x.filter((_, i) => keep[i]) },
              { dtype: db, data: y.filter((_, i) => keep[i]) },
            ],
            `${op}(${da}, ${db})`,
          );
          continue;
        }
        await check(
          expr,
          [
            { dtype: da, data: x },
            { dtype: db, data: y },
          ],
          `${op}(${da}, ${db})`,
        );
      }
    });
  }
});

describe('casts, select and the flat index', () => {
  it('casts between every pair of dtypes like the CPU (float → int is ToInt32: truncate, wrap, NaN → 0)', async () => {
    for (const from of ['float32', 'float16', 'int32', 'bool'] as DType[]) {
      for (const to of ['float32', 'float16', 'int32', 'bool'] as DType[]) {
        await check(E.cast(E.input(0, from), to), [{ dtype: from, data: values[from] }], `cast ${from} → ${to}`);
      }
    }
  });

  it('select uses JavaScript truthiness for its condition (NaN is false)', async () => {
    const cond = [0, -0, 1, NaN, Infinity, -2];
    const expr = E.select(E.input(0, 'float32'), E.const(1), E.const(-1));
    await check(expr, [{ dtype: 'float32', data: cond }], 'select');
  });

  it('index and constants (NaN, -inf, -0) come through uniforms', async () => {
    const expr = E.binary('add', E.cast(E.index(), 'float32'), E.binary('max', E.const(-0), E.const(Number.NEGATIVE_INFINITY)));
    await check(expr, [{ dtype: 'float32', data: [0, 0, 0, 0, 0] }], 'index + max(-0, -inf)');
    await check(E.binary('mul', E.input(0, 'float32'), E.const(Number.NaN)), [{ dtype: 'float32', data: [1, 2] }], 'x * NaN');
  });

  it('a shared subexpression renders once (a 40-deep DAG compiles and evaluates)', async () => {
    // (e + e) * 0.5 forty times: 2^40 nodes as a tree, 80 as a DAG. The CPU renderer inlines trees, so
    // the GPU result is checked against the known value, and the WGSL size against the DAG size.
    let e: Expr = E.input(0, 'float32');
    for (let i = 0; i < 40; i++) e = E.binary('mul', E.binary('add', e, e), E.const(0.5));
    const plan = buildElementwise(
      [{ shape: [3], strides: [1], offset: 0, dtype: 'float32' }],
      e,
      { shape: [3], dtype: 'float32' },
      limits,
    );
    expect(plan.code.length).toBeLessThan(20_000);
    const gpu = await gpuBackend();
    const x = gpu.upload(Float32Array.from([1, 2, 3]), 'float32');
    const y = gpu.kernels.elementwise(
      [{ storage: x, dtype: 'float32', shape: [3], strides: [1], offset: 0 }],
      { expr: e },
      { shape: [3], dtype: 'float32' },
    );
    expect(Array.from(await gpu.read(y, 'float32', 3))).toEqual([1, 2, 3]);
    gpu.free(x);
    gpu.free(y);
  });
});
