import { type DType, type ReduceOp, runPrimitive, tensor } from '@strata/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViewInfo } from '../src/kernels/plan';
import { buildReduce } from '../src/kernels/reduce';
import type { KernelLimits } from '../src/kernels/reduce-common';
import { dawnDevice } from './dawn-device';
import { flatOf, layout, limitsOf, rng, runPlan } from './kernels-runner';

let device: GPUDevice;
let limits: KernelLimits;

beforeAll(async () => {
  device = await dawnDevice();
  limits = limitsOf(device);
});
afterAll(() => device?.destroy());

const outDType = (op: ReduceOp, x: DType): DType => {
  if (op === 'argmax' || op === 'argmin') return 'int32';
  if (op === 'any' || op === 'all') return 'bool';
  if (op === 'sum' || op === 'prod') return x === 'bool' ? 'int32' : x;
  return x;
};

interface Case {
  shape: number[];
  values: number[];
  dtype: DType;
  order?: number[];
  pad?: number;
  /** Overrides the view (e.g. stride-0 dims); storage is then `values` as given. */
  view?: { shape: number[]; strides: number[]; offset: number; logical: number[] };
}

/** GPU result and core's CPU reference for one reduce, plus per-output sum of |x| (float tolerance). */
async function both(c: Case, op: ReduceOp, axes: number[], lim: KernelLimits = limits) {
  let info: ViewInfo;
  let storage: number[];
  let logical = c.values;
  let shape = c.shape;
  if (c.view) {
    info = { shape: c.view.shape, strides: c.view.strides, offset: c.view.offset, dtype: c.dtype };
    storage = c.values;
    logical = c.view.logical;
    shape = c.view.shape;
  } else {
    const s = layout(c.values, c.shape, c.order ?? c.shape.map((_, i) => i), c.pad ?? 0);
    info = { shape: c.shape, strides: s.strides, offset: s.offset, dtype: c.dtype };
    storage = s.storage;
  }
  const od = outDType(op, c.dtype);
  const outShape = shape.filter((_, i) => !axes.includes(i));
  const n = outShape.reduce((a, b) => a * b, 1);
  const plan = buildReduce(info, axes, op, { shape: outShape, dtype: od }, lim);
  const got = Array.from(await runPlan(device, plan, [flatOf(c.dtype, storage)], od, n));
  const t = tensor(logical, { shape, dtype: c.dtype });
  const ref = Array.from(runPrimitive('reduce', [t], { op, axes }, { shape: outShape, dtype: od }).dataSync());
  const absT = tensor(logical.map(Math.abs), { shape, dtype: 'float32' });
  const scale = Array.from(runPrimitive('reduce', [absT], { op: 'sum', axes }, { shape: outShape, dtype: 'float32' }).dataSync());
  return { got, ref, scale, plan };
}

function expectMatch(op: ReduceOp, dtype: DType, got: number[], ref: number[], scale: number[]): void {
  expect(got.length).toBe(ref.length);
  if (dtype !== 'float32' || !(op === 'sum' || op === 'prod')) {
    expect(got).toEqual(ref);
    return;
  }
  ref.forEach((r, i) => {
    const g = got[i] as number;
    if (Number.isNaN(r)) {
      expect(g).toBeNaN();
      return;
    }
    const tol = op === 'sum' ? 1e-5 * (scale[i] as number) : 1e-5 * Math.abs(r);
    if (!(Math.abs(g - r) <= tol + 1e-30)) expect.fail(`${op} output ${i}: got ${g}, expected ${r}`);
  });
}

function gen(n: number, dtype: DType, seed: number, kind: 'wide' | 'ties' | 'nearOne' = 'wide'): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    if (dtype === 'bool') return r() < 0.85 ? 1 : 0;
    if (kind === 'ties') return Math.floor(r() * 5) - 2;
    if (kind === 'nearOne') return dtype === 'int32' ? [-1, 1, 1, 2][Math.floor(r() * 4)] : 0.9 + r() * 0.2;
    return dtype === 'int32' ? Math.floor(r() * 2001) - 1000 : r() * 2 - 1;
  });
}

const ops: ReduceOp[] = ['sum', 'prod', 'max', 'min', 'argmax', 'argmin', 'any', 'all'];
const axisSets = [[], [0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]];
const layouts = [
  { order: [0, 1, 2], pad: 0 },
  { order: [2, 0, 1], pad: 3 },
  { order: [1, 2, 0], pad: 1 },
];

describe('buildReduce (WGSL on Dawn/llvmpipe) against the CPU reference', () => {
  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    it.each(ops)(`${dtype} %s over every axis set and several layouts`, async (op) => {
      const shape = [4, 5, 6];
      const kind = op === 'prod' ? 'nearOne' : op.startsWith('arg') ? 'ties' : 'wide';
      const values = gen(120, dtype, 17, kind);
      for (const l of layouts) {
        for (const axes of axisSets) {
          const r = await both({ shape, values, dtype, ...l }, op, axes);
          expectMatch(op, dtype, r.got, r.ref, r.scale);
        }
      }
    });
  }

  it.each(ops)('float32 %s over long blocks (strided stripes, then the tree)', async (op) => {
    const kind = op === 'prod' ? 'nearOne' : op.startsWith('arg') ? 'ties' : 'wide';
    const values = gen(3 * 5000, 'float32', 5, kind);
    for (const axes of [[1], [0, 1]]) {
      const r = await both({ shape: [3, 5000], values, dtype: 'float32', order: [1, 0], pad: 2 }, op, axes);
      expectMatch(op, 'float32', r.got, r.ref, r.scale);
    }
  });

  it('sums 200k elements in one workgroup within tolerance', async () => {
    const values = gen(200_000, 'float32', 9);
    const r = await both({ shape: [200_000], values, dtype: 'float32' }, 'sum', [0]);
    expectMatch('sum', 'float32', r.got, r.ref, r.scale);
  });

  it('reads stride-0 (broadcast) dims', async () => {
    const row = gen(300, 'float32', 2);
    const logical = Array.from({ length: 4 * 300 }, (_, i) => row[i % 300] as number);
    const c: Case = {
      shape: [],
      values: [7, 7, ...row],
      dtype: 'float32',
      view: { shape: [4, 300], strides: [0, 1], offset: 2, logical },
    };
    for (const op of ['sum', 'max', 'argmin'] as const) {
      for (const axes of [[0], [1], [0, 1]]) {
        const r = await both(c, op, axes);
        expectMatch(op, 'float32', r.got, r.ref, r.scale);
      }
    }
  });

  it('NaN: max/min propagate, argmax/argmin give the first NaN, sum is NaN, any is true', async () => {
    const values = gen(6 * 40, 'float32', 4, 'ties');
    for (const i of [5, 17, 50, 51, 130, 239]) values[i] = Number.NaN;
    for (const op of ops) {
      for (const [order, pad] of [
        [[0, 1], 0],
        [[1, 0], 3],
      ] as const) {
        for (const axes of [[0], [1], [0, 1]]) {
          const r = await both({ shape: [6, 40], values, dtype: 'float32', order: [...order], pad }, op, axes);
          expectMatch(op, 'float32', r.got, r.ref, r.scale);
        }
      }
    }
  });

  it('argmax/argmin: first index among ties; max keeps the first of -0 / +0', async () => {
    const cases: [number[], ReduceOp, number][] = [
      [[1, 3, 3, 2, 3], 'argmax', 1],
      [[2, 0, 5, 0, 0], 'argmin', 1],
      [[-0, 0, -1], 'max', -0],
      [[0, -0, -1], 'max', 0],
      [[0, -0, 1], 'min', 0],
      [[-0, 0, 1], 'min', -0],
    ];
    for (const [values, op, want] of cases) {
      const r = await both({ shape: [values.length], values, dtype: 'float32' }, op, [0]);
      expect(r.ref).toEqual([want]);
      expect(r.got).toEqual([want]);
    }
    // Ties spread over a long block: the first maximum is at 4097 (beyond one stripe pass).
    const long = new Array<number>(9000).fill(1);
    long[4097] = 5;
    long[5000] = 5;
    long[8999] = 5;
    const r = await both({ shape: [9000], values: long, dtype: 'float32' }, 'argmax', [0]);
    expect(r.got).toEqual([4097]);
  });

  it('int32 sums wrap like the CPU', async () => {
    const values = Array.from({ length: 64 }, (_, i) => (i % 2 ? 2 ** 30 + i : 2 ** 30 - 3 * i));
    const r = await both({ shape: [4, 16], values, dtype: 'int32', order: [1, 0] }, 'sum', [1]);
    expect(r.got).toEqual(r.ref);
    const all = await both({ shape: [64], values, dtype: 'int32' }, 'sum', [0]);
    expect(all.got).toEqual(all.ref);
  });

  it('an empty reduced block gives the identity; no outputs dispatch nothing', async () => {
    for (const [op, want] of [
      ['sum', 0],
      ['prod', 1],
      ['any', 0],
      ['all', 1],
    ] as const) {
      const r = await both({ shape: [3, 0], values: [], dtype: 'float32' }, op, [1]);
      expect(r.got).toEqual([want, want, want]);
      expect(r.ref).toEqual([want, want, want]);
    }
    const plan = buildReduce(
      { shape: [0, 4], strides: [4, 1], offset: 0, dtype: 'float32' },
      [1],
      'max',
      { shape: [0], dtype: 'float32' },
      limits,
    );
    expect(plan.workgroups).toEqual([0, 1, 1]);
  });

  it('folds many outputs into a 3-d grid and works with small workgroups', async () => {
    const values = gen(300 * 7, 'float32', 8, 'ties');
    const small = { maxWorkgroupSize: 32, maxWorkgroupStorage: 16384, maxWorkgroupsPerDim: 5 };
    for (const op of ['sum', 'argmax'] as const) {
      for (const axes of [[0], [1]]) {
        const r = await both({ shape: [300, 7], values, dtype: 'float32', order: [1, 0] }, op, axes, small);
        expectMatch(op, 'float32', r.got, r.ref, r.scale);
      }
    }
  });

  it('rejects bad axes and dtypes', () => {
    const x: ViewInfo = { shape: [2, 3], strides: [3, 1], offset: 0, dtype: 'float32' };
    expect(() => buildReduce(x, [1, 0], 'sum', { shape: [], dtype: 'float32' }, limits)).toThrow();
    expect(() => buildReduce(x, [1], 'argmax', { shape: [2], dtype: 'float32' }, limits)).toThrow();
    expect(() => buildReduce(x, [0, 1], 'max', { shape: [], dtype: 'float32' }, limits)).not.toThrow();
  });
});
