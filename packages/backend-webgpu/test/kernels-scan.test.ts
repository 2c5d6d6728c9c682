import { type DType, runPrimitive, type ScanOp, tensor } from '@strata/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViewInfo } from '../src/kernels/plan';
import type { KernelLimits } from '../src/kernels/reduce-common';
import { buildScan, PARALLEL_MIN } from '../src/kernels/scan';
import { dawnDevice } from './dawn-device';
import { flatOf, layout, limitsOf, rng, runPlan } from './kernels-runner';

let device: GPUDevice;
let limits: KernelLimits;

beforeAll(async () => {
  device = await dawnDevice();
  limits = limitsOf(device);
});
afterAll(() => device?.destroy());

interface Case {
  shape: number[];
  values: number[];
  dtype: DType;
  order?: number[];
  pad?: number;
}

/** GPU result, core's CPU reference, and the running sum of |x| along the axis (float tolerance). */
async function both(c: Case, axis: number, op: ScanOp, lim: KernelLimits = limits) {
  const s = layout(c.values, c.shape, c.order ?? c.shape.map((_, i) => i), c.pad ?? 0);
  const info: ViewInfo = { shape: c.shape, strides: s.strides, offset: s.offset, dtype: c.dtype };
  const plan = buildScan(info, axis, op, { shape: c.shape, dtype: c.dtype }, lim);
  const got = Array.from(await runPlan(device, plan, [flatOf(c.dtype, s.storage)], c.dtype, c.values.length));
  const t = tensor(c.values, { shape: c.shape, dtype: c.dtype });
  const ref = Array.from(runPrimitive('scan', [t], { op, axis }, { shape: c.shape, dtype: c.dtype }).dataSync());
  const absT = tensor(c.values.map(Math.abs), { shape: c.shape, dtype: 'float32' });
  const scale = Array.from(runPrimitive('scan', [absT], { op: 'sum', axis }, { shape: c.shape, dtype: 'float32' }).dataSync());
  return { got, ref, scale, plan };
}

function expectMatch(c: Case, op: ScanOp, got: number[], ref: number[], scale: number[]): void {
  expect(got.length).toBe(ref.length);
  if (c.dtype !== 'float32') {
    expect(got).toEqual(ref);
    return;
  }
  ref.forEach((r, i) => {
    const g = got[i] as number;
    if (Number.isNaN(r)) {
      expect(g).toBeNaN();
      return;
    }
    // f32 accumulation along the axis: error grows with the number of terms folded.
    const tol = op === 'sum' ? 2e-6 * (scale[i] as number) : 1e-5 * Math.abs(r);
    if (!(Math.abs(g - r) <= tol + 1e-30)) expect.fail(`${op} element ${i}: got ${g}, expected ${r}`);
  });
}

function gen(n: number, dtype: DType, seed: number, op: ScanOp): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    if (op === 'prod') return dtype === 'int32' ? [-1, 1, 1, 2, 1][Math.floor(r() * 5)] : 0.995 + r() * 0.01;
    return dtype === 'int32' ? Math.floor(r() * 2001) - 1000 : r() * 2 - 1;
  });
}

describe('buildScan (WGSL on Dawn/llvmpipe) against the CPU reference', () => {
  for (const dtype of ['float32', 'int32'] as const) {
    for (const op of ['sum', 'prod'] as const) {
      it(`${dtype} ${op} along each axis of a 3-d tensor, several layouts (sequential lanes)`, async () => {
        const shape = [4, 5, 7];
        const c = { shape, values: gen(140, dtype, 3, op), dtype };
        for (const [order, pad] of [
          [[0, 1, 2], 0],
          [[2, 0, 1], 3],
          [[1, 2, 0], 1],
        ] as const) {
          for (let axis = 0; axis < 3; axis++) {
            const r = await both({ ...c, order: [...order], pad }, axis, op);
            expect(r.plan.name).toContain('_seq_');
            expectMatch(c, op, r.got, r.ref, r.scale);
          }
        }
      });

      it(`${dtype} ${op} along long axes (workgroup-parallel)`, async () => {
        for (const len of [PARALLEL_MIN, 1000, 5003]) {
          const c = { shape: [3, len], values: gen(3 * len, dtype, len, op), dtype };
          for (const [order, axis] of [
            [[0, 1], 1],
            [[1, 0], 1],
          ] as const) {
            const r = await both({ ...c, order: [...order], pad: 2 }, axis, op);
            expect(r.plan.name).toContain('_wg_');
            expectMatch(c, op, r.got, r.ref, r.scale);
          }
          // The same data scanned along the short axis (many lanes).
          const r0 = await both(c, 0, op);
          expectMatch(c, op, r0.got, r0.ref, r0.scale);
        }
      });
    }
  }

  it('1-d, length 1, and empty inputs', async () => {
    for (const n of [1, 7, 255]) {
      const c: Case = { shape: [n], values: gen(n, 'float32', n, 'sum'), dtype: 'float32' };
      const r = await both(c, 0, 'sum');
      expectMatch(c, 'sum', r.got, r.ref, r.scale);
    }
    for (const [shape, axis] of [
      [[0, 5], 1],
      [[3, 0], 1],
      [[3, 0], 0],
    ] as const) {
      const plan = buildScan(
        { shape, strides: [shape[1], 1], offset: 0, dtype: 'float32' },
        axis,
        'sum',
        { shape, dtype: 'float32' },
        limits,
      );
      expect(plan.workgroups[0]).toBe(0);
    }
  });

  it('int32 cumsum wraps like the CPU; NaN propagates from its position on', async () => {
    const big: Case = { shape: [2, 300], values: Array.from({ length: 600 }, (_, i) => 2 ** 30 + i), dtype: 'int32' };
    const r = await both(big, 1, 'sum');
    expect(r.got).toEqual(r.ref);
    const values = gen(400, 'float32', 1, 'sum');
    values[10] = Number.NaN;
    values[390] = Number.NaN;
    const n: Case = { shape: [400], values, dtype: 'float32' };
    const rn = await both(n, 0, 'sum');
    expect(rn.got.slice(0, 10).every(Number.isFinite)).toBe(true);
    expect(rn.got.slice(10).every(Number.isNaN)).toBe(true);
  });

  it('folds lanes into a 3-d grid and works with small workgroups', async () => {
    const small = { maxWorkgroupSize: 16, maxWorkgroupStorage: 16384, maxWorkgroupsPerDim: 4 };
    const c: Case = { shape: [30, 300], values: gen(9000, 'float32', 2, 'sum'), dtype: 'float32', order: [1, 0] };
    for (const axis of [0, 1]) {
      const r = await both(c, axis, 'sum', small);
      expectMatch(c, 'sum', r.got, r.ref, r.scale);
    }
  });
});
