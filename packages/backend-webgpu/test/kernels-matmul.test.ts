import { type DType, matmul, tensor } from '@strata/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMatmul, chooseTiling } from '../src/kernels/matmul';
import type { ViewInfo } from '../src/kernels/plan';
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

/** An operand: logical values (row-major over `shape`) and how they are stored. */
interface Operand {
  shape: number[];
  values: number[];
  /** Storage order of the dims (outermost first); identity when omitted. */
  order?: number[];
  pad?: number;
  /** Dims to broadcast: stored with size 1, viewed with stride 0 at this size. */
  broadcast?: Record<number, number>;
}

function view(op: Operand, dtype: DType): { info: ViewInfo; storage: number[] } {
  const order = op.order ?? op.shape.map((_, i) => i);
  const s = layout(op.values, op.shape, order, op.pad ?? 0);
  const shape = [...op.shape];
  const strides = [...s.strides];
  for (const [d, size] of Object.entries(op.broadcast ?? {})) {
    shape[Number(d)] = size;
    strides[Number(d)] = 0;
  }
  return { info: { shape, strides, offset: s.offset, dtype }, storage: s.storage };
}

function values(n: number, seed: number, int = false): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => (int ? Math.floor(r() * 2001) - 1000 : r() * 2 - 1));
}

/** Runs the GPU plan and core's CPU matmul on the same operands; returns both plus |a|@|b| for tolerances. */
async function both(a: Operand, b: Operand, dtype: DType, lim: KernelLimits = limits) {
  const va = view(a, dtype);
  const vb = view(b, dtype);
  const nd = va.info.shape.length;
  const batch = va.info.shape.slice(0, nd - 2);
  const M = va.info.shape[nd - 2] as number;
  const N = vb.info.shape[nd - 1] as number;
  const outShape = [...batch, M, N];
  const plan = buildMatmul(va.info, vb.info, { shape: outShape, dtype }, lim);
  const size = outShape.reduce((x, y) => x * y, 1);
  const got = await runPlan(device, plan, [flatOf(dtype, va.storage), flatOf(dtype, vb.storage)], dtype, size);
  const ta = tensor(a.values, { shape: a.shape, dtype });
  const tb = tensor(b.values, { shape: b.shape, dtype });
  const ref = matmul(ta, tb).dataSync();
  const scale = matmul(ta.abs(), tb.abs()).dataSync();
  return { got: Array.from(got), ref: Array.from(ref), scale: Array.from(scale), plan };
}

function expectClose(got: number[], ref: number[], scale: number[], rel = 1e-5): void {
  expect(got.length).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i] as number;
    const g = got[i] as number;
    if (Number.isNaN(r)) expect(g).toBeNaN();
    else if (Math.abs(g - r) > rel * (scale[i] as number) + 1e-30) expect.fail(`element ${i}: got ${g}, expected ${r}`);
  }
}

const mk = (m: number, k: number, n: number, seed: number, int = false): [Operand, Operand] => [
  { shape: [m, k], values: values(m * k, seed, int) },
  { shape: [k, n], values: values(k * n, seed + 1, int) },
];

describe('buildMatmul (WGSL on Dawn/llvmpipe) against the CPU reference', () => {
  it.each([
    [1, 1, 1],
    [3, 5, 7],
    [17, 33, 65],
    [64, 64, 64],
    [130, 70, 129],
    [1, 300, 1],
    [200, 3, 1],
    [1, 40, 150],
  ])('float32 %i x %i x %i', async (m, k, n) => {
    const [a, b] = mk(m, k, n, m * 1000 + k * 10 + n);
    const r = await both(a, b, 'float32');
    expectClose(r.got, r.ref, r.scale);
  });

  it('K = 0 gives zeros; empty M or N dispatches nothing', async () => {
    const r = await both({ shape: [4, 0], values: [] }, { shape: [0, 6], values: [] }, 'float32');
    expect(r.got).toEqual(new Array(24).fill(0));
    const empty = buildMatmul(
      { shape: [0, 5], strides: [5, 1], offset: 0, dtype: 'float32' },
      { shape: [5, 3], strides: [3, 1], offset: 0, dtype: 'float32' },
      { shape: [0, 3], dtype: 'float32' },
      limits,
    );
    expect(empty.workgroups).toEqual([0, 1, 1]);
  });

  it('reads transposed operands and nonzero offsets through strides', async () => {
    for (const [ao, bo] of [
      [
        [1, 0],
        [0, 1],
      ],
      [
        [0, 1],
        [1, 0],
      ],
      [
        [1, 0],
        [1, 0],
      ],
    ] as const) {
      const [a, b] = mk(37, 29, 45, 7);
      const r = await both({ ...a, order: [...ao], pad: 5 }, { ...b, order: [...bo], pad: 11 }, 'float32');
      expectClose(r.got, r.ref, r.scale);
    }
  });

  it('batched, with stride-0 broadcast batch dims and mixed layouts', async () => {
    const aVals = values(3 * 19 * 23, 3);
    const bVals = values(23 * 21, 4);
    // a: [3, 19, 23] stored batch-innermost; b: [1, 23, 21] broadcast to 3 along dim 0.
    const va = view({ shape: [3, 19, 23], values: aVals, order: [1, 2, 0], pad: 2 }, 'float32');
    const vb = view({ shape: [1, 23, 21], values: bVals, order: [0, 2, 1], pad: 1, broadcast: { 0: 3 } }, 'float32');
    const plan = buildMatmul(va.info, vb.info, { shape: [3, 19, 21], dtype: 'float32' }, limits);
    const got = await runPlan(
      device,
      plan,
      [flatOf('float32', va.storage), flatOf('float32', vb.storage)],
      'float32',
      3 * 19 * 21,
    );
    const ta = tensor(aVals, { shape: [3, 19, 23] });
    const tb = tensor(bVals, { shape: [23, 21] });
    expectClose(Array.from(got), Array.from(matmul(ta, tb).dataSync()), Array.from(matmul(ta.abs(), tb.abs()).dataSync()));
  });

  it('two batch dims, each operand broadcast in a different one', async () => {
    const a: Operand = { shape: [2, 1, 9, 13], values: values(2 * 9 * 13, 5), broadcast: { 1: 3 } };
    const b: Operand = { shape: [1, 3, 13, 70], values: values(3 * 13 * 70, 6), broadcast: { 0: 2 } };
    const va = view(a, 'float32');
    const vb = view(b, 'float32');
    const plan = buildMatmul(va.info, vb.info, { shape: [2, 3, 9, 70], dtype: 'float32' }, limits);
    const got = await runPlan(
      device,
      plan,
      [flatOf('float32', va.storage), flatOf('float32', vb.storage)],
      'float32',
      2 * 3 * 9 * 70,
    );
    const ta = tensor(a.values, { shape: a.shape });
    const tb = tensor(b.values, { shape: b.shape });
    expectClose(Array.from(got), Array.from(matmul(ta, tb).dataSync()), Array.from(matmul(ta.abs(), tb.abs()).dataSync()));
  });

  it('folds workgroups into y and z when a dimension limit is small', async () => {
    const small = { ...limits, maxWorkgroupsPerDim: 3 };
    const a: Operand = { shape: [5, 70, 8], values: values(5 * 70 * 8, 8) };
    const b: Operand = { shape: [5, 8, 130], values: values(5 * 8 * 130, 9) };
    const r = await both(a, b, 'float32', small);
    expect(r.plan.workgroups[2]).toBeGreaterThan(1);
    expectClose(r.got, r.ref, r.scale);
  });

  it.each([
    [256, 45, 37, 71],
    [128, 45, 37, 71],
    [64, 45, 37, 71],
    [128, 150, 20, 130],
    [64, 150, 20, 130],
  ])('tilings for %i invocations per workgroup (%i x %i x %i)', async (inv, m, k, n) => {
    const lim = { ...limits, maxWorkgroupSize: inv };
    const t = chooseTiling(lim, m, n);
    expect(t.tx * t.ty).toBeLessThanOrEqual(inv);
    const [a, b] = mk(m, k, n, inv + m);
    const r = await both({ ...a, order: [1, 0] }, { ...b, pad: 3 }, 'float32', lim);
    expectClose(r.got, r.ref, r.scale);
  });

  it('big (128 x 128) tiles: ragged edges, transposes, batch', async () => {
    for (const [ao, bo] of [
      [
        [0, 1, 2],
        [0, 1, 2],
      ],
      [
        [0, 2, 1],
        [0, 2, 1],
      ],
    ] as const) {
      const a: Operand = { shape: [2, 130, 70], values: values(2 * 130 * 70, 21), order: [...ao], pad: 1 };
      const b: Operand = { shape: [2, 70, 129], values: values(2 * 70 * 129, 22), order: [...bo] };
      const r = await both(a, b, 'float32');
      expect(r.plan.name).toContain('128x128');
      expectClose(r.got, r.ref, r.scale);
    }
    const [a, b] = mk(200, 50, 260, 23, true);
    const r = await both(a, b, 'int32');
    expect(r.plan.name).toContain('128x128');
    expect(r.got).toEqual(r.ref);
  });

  it('propagates NaN and Inf like the CPU', async () => {
    const [a, b] = mk(6, 5, 4, 10);
    a.values[2 * 5 + 1] = Number.NaN; // row 2 → all NaN
    b.values[3 * 4 + 2] = Number.POSITIVE_INFINITY; // column 2 → ±Inf (or NaN where a is 0)
    const r = await both(a, b, 'float32');
    r.ref.forEach((v, i) => {
      if (!Number.isFinite(v)) expect(r.got[i]).toBe(v);
    });
    expectClose(r.got, r.ref, r.scale);
  });

  it('int32 is exact, and wraps like the CPU on overflow', async () => {
    const [a, b] = mk(33, 300, 17, 11, true);
    const r = await both(a, b, 'int32');
    expect(r.got).toEqual(r.ref);
    // Products up to 2^40 stay exact in the CPU's float64 sums, which overflow int32 and wrap on store.
    const big = (n: number, seed: number) => values(n, seed, true).map((v) => v * 1000);
    const a2: Operand = { shape: [5, 9], values: big(45, 12), order: [1, 0], pad: 3 };
    const b2: Operand = { shape: [9, 7], values: big(63, 13) };
    const w = await both(a2, b2, 'int32');
    expect(w.got).toEqual(w.ref);
    let unwrapped = 0;
    for (let k = 0; k < 9; k++) unwrapped += (a2.values[k] as number) * (b2.values[k * 7] as number);
    expect(w.ref[0]).toBe(unwrapped | 0);
    expect(Math.abs(unwrapped)).toBeGreaterThan(2 ** 31);
  });

  it('rejects mismatched shapes and unsupported dtypes', () => {
    const v = (shape: number[], dtype: DType = 'float32'): ViewInfo => ({ shape, strides: shape.map(() => 1), offset: 0, dtype });
    expect(() => buildMatmul(v([2, 3]), v([4, 5]), { shape: [2, 5], dtype: 'float32' }, limits)).toThrow();
    expect(() => buildMatmul(v([2, 3], 'bool'), v([3, 5], 'bool'), { shape: [2, 5], dtype: 'bool' }, limits)).toThrow();
  });
});
