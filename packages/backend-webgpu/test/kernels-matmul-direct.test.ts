/**
 * The register-blocked direct matmul (matmul-direct.ts) against the CPU, for
 * explicit blocks the automatic choice would not pick on this adapter, and the
 * choice itself: software adapters (llvmpipe, SwiftShader) take the direct
 * kernel with big blocks at every size, GPUs the tiled kernel for products
 * that fill a 64-wide tile and direct 4 x 4 blocks or smaller otherwise.
 */
import { type DType, matmul, tensor } from '@strata/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMatmulDirect, chooseDirectBlock, type DirectBlock, planMatmul, useTiled } from '../src/kernels/matmul-direct';
import type { OutputSpec, ViewInfo } from '../src/kernels/plan';
import type { KernelLimits } from '../src/kernels/reduce-common';
import { isSoftwareDevice } from '../src/runtime/runtime';
import { dawnDevice } from './dawn-device';
import { flatOf, layout, limitsOf, rng, runPlan } from './kernels-runner';

let device: GPUDevice;
let limits: KernelLimits;

beforeAll(async () => {
  device = await dawnDevice();
  limits = limitsOf(device);
});
afterAll(() => device?.destroy());

interface Operand {
  shape: number[];
  values: number[];
  /** Storage order of the dims, outermost first (identity when omitted). */
  order?: number[];
  pad?: number;
  /** Dims stored with size 1 and viewed with stride 0 at this size. */
  broadcast?: Record<number, number>;
}

function values(n: number, seed: number, int = false): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => (int ? Math.floor(r() * 201) - 100 : r() * 2 - 1));
}

function view(op: Operand, dtype: DType): { info: ViewInfo; storage: number[] } {
  const s = layout(op.values, op.shape, op.order ?? op.shape.map((_, i) => i), op.pad ?? 0);
  const shape = [...op.shape];
  const strides = [...s.strides];
  for (const [d, size] of Object.entries(op.broadcast ?? {})) {
    shape[Number(d)] = size;
    strides[Number(d)] = 0;
  }
  return { info: { shape, strides, offset: s.offset, dtype }, storage: s.storage };
}

/** The direct kernel with `block` and the CPU matmul on the same operands, with |a|@|b| for the tolerance. */
async function direct(a: Operand, b: Operand, dtype: DType, block?: DirectBlock, lim: KernelLimits = limits) {
  const va = view(a, dtype);
  const vb = view(b, dtype);
  const nd = va.info.shape.length;
  const out: OutputSpec = {
    shape: [...va.info.shape.slice(0, nd - 2), va.info.shape[nd - 2] as number, vb.info.shape[nd - 1] as number],
    dtype,
  };
  const plan = buildMatmulDirect(va.info, vb.info, out, lim, block);
  const size = out.shape.reduce((x, y) => x * y, 1);
  const got = Array.from(await runPlan(device, plan, [flatOf(dtype, va.storage), flatOf(dtype, vb.storage)], dtype, size));
  const ta = tensor(a.values, { shape: a.shape, dtype });
  const tb = tensor(b.values, { shape: b.shape, dtype });
  const ref = Array.from(matmul(ta, tb).dataSync());
  const scale = Array.from(matmul(ta.abs(), tb.abs()).dataSync());
  return { got, ref, scale, plan };
}

function expectClose(got: number[], ref: number[], scale: number[]): void {
  expect(got.length).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    if (Math.abs((got[i] as number) - (ref[i] as number)) > 1e-5 * (scale[i] as number) + 1e-30) {
      expect.fail(`element ${i}: got ${got[i]}, expected ${ref[i]}`);
    }
  }
}

const BLOCKS: DirectBlock[] = [
  { rm: 1, rn: 1 },
  { rm: 4, rn: 4 },
  { rm: 8, rn: 2 },
  { rm: 3, rn: 5 },
  { rm: 32, rn: 32 },
];

describe('buildMatmulDirect (WGSL on Dawn/llvmpipe) against the CPU reference', () => {
  it.each(BLOCKS)('block $rm x $rn: ragged edges, transposed operands with offsets', async (block) => {
    const a: Operand = { shape: [37, 29], values: values(37 * 29, 1), order: [1, 0], pad: 5 };
    const b: Operand = { shape: [29, 45], values: values(29 * 45, 2), pad: 3 };
    const r = await direct(a, b, 'float32', block);
    expect(r.plan.name).toContain(`${block.rm}x${block.rn}`);
    expectClose(r.got, r.ref, r.scale);
  });

  it('batched with stride-0 broadcast batch dims in each operand (the conv weight case)', async () => {
    // (6, 25) weights broadcast over a batch of 2 x 3 column tables, like a grouped conv's im2col matmul.
    const a: Operand = { shape: [1, 3, 6, 25], values: values(3 * 6 * 25, 3), broadcast: { 0: 2 } };
    const b: Operand = { shape: [2, 3, 25, 70], values: values(2 * 3 * 25 * 70, 4), order: [1, 0, 3, 2], pad: 1 };
    for (const block of [undefined, { rm: 8, rn: 16 }]) {
      const r = await direct(a, b, 'float32', block);
      expectClose(r.got, r.ref, r.scale);
    }
  });

  it('int32 is exact for every block', async () => {
    for (const block of BLOCKS) {
      const r = await direct(
        { shape: [19, 40], values: values(19 * 40, 5, true) },
        { shape: [40, 23], values: values(40 * 23, 6, true), order: [1, 0] },
        'int32',
        block,
      );
      expect(r.got, `${block.rm}x${block.rn}`).toEqual(r.ref);
    }
  });

  it('K = 0 stores zeros; an empty output dispatches nothing', async () => {
    const r = await direct({ shape: [4, 0], values: [] }, { shape: [0, 6], values: [] }, 'float32', { rm: 2, rn: 4 });
    expect(r.got).toEqual(new Array(24).fill(0));
    const empty = buildMatmulDirect(
      { shape: [0, 5], strides: [5, 1], offset: 0, dtype: 'float32' },
      { shape: [5, 3], strides: [3, 1], offset: 0, dtype: 'float32' },
      { shape: [0, 3], dtype: 'float32' },
      limits,
    );
    expect(empty.workgroups).toEqual([0, 1, 1]);
  });

  it('folds workgroups into y and z when a dimension limit is small', async () => {
    const small = { ...limits, maxWorkgroupsPerDim: 4 };
    const r = await direct(
      { shape: [3, 40, 9], values: values(3 * 40 * 9, 7) },
      { shape: [3, 9, 50], values: values(3 * 9 * 50, 8) },
      'float32',
      { rm: 1, rn: 2 },
      small,
    );
    expect(r.plan.workgroups[2]).toBeGreaterThan(1);
    expectClose(r.got, r.ref, r.scale);
  });
});

describe('tiled or direct, and the block size', () => {
  const gpu = (): KernelLimits => ({ ...limits, software: false });
  const cpuRasteriser = (): KernelLimits => ({ ...limits, software: true });
  const square = (n: number): [ViewInfo, ViewInfo, OutputSpec] => {
    const v: ViewInfo = { shape: [n, n], strides: [n, 1], offset: 0, dtype: 'float32' };
    return [v, v, { shape: [n, n], dtype: 'float32' }];
  };

  it('llvmpipe counts as a software adapter; SwiftShader, GPUs and hidden adapter info do not', () => {
    const fake = (info?: Partial<GPUAdapterInfo>) =>
      ({ adapterInfo: info && { vendor: '', architecture: '', device: '', description: '', ...info } }) as unknown as GPUDevice;
    expect(isSoftwareDevice(device)).toBe(true); // this Dawn device: llvmpipe
    expect(isSoftwareDevice(fake({ device: 'llvmpipe (LLVM 15.0.6, 256 bits)' }))).toBe(true);
    expect(isSoftwareDevice(fake({ vendor: 'google', architecture: 'swiftshader' }))).toBe(false);
    expect(isSoftwareDevice(fake({ vendor: 'nvidia', architecture: 'hopper' }))).toBe(false);
    expect(isSoftwareDevice(fake())).toBe(false);
  });

  it('a GPU tiles products that fill a 64-wide tile and runs small ones direct', () => {
    expect(useTiled(64, 64, gpu())).toBe(true);
    expect(useTiled(6, 784, gpu())).toBe(false);
    expect(useTiled(784, 63, gpu())).toBe(false);
    expect(planMatmul(...square(128), gpu()).name).toMatch(/^matmul_float32_/);
    expect(planMatmul(...square(32), gpu()).name).toMatch(/^matmul_direct_/);
  });

  it('a software adapter runs every size direct', () => {
    expect(useTiled(4096, 4096, cpuRasteriser())).toBe(false);
    expect(planMatmul(...square(128), cpuRasteriser()).name).toMatch(/^matmul_direct_/);
  });

  it('software blocks grow to 32 x 32 on big products; GPU blocks stay within 4 x 4', () => {
    expect(chooseDirectBlock(512, 512, 512, true)).toEqual({ rm: 32, rn: 32 });
    for (const [m, n, k] of [
      [512, 512, 512],
      [6, 784, 25],
      [1, 1000, 10],
    ] as const) {
      const hw = chooseDirectBlock(m, n, k, false);
      expect(hw.rm).toBeLessThanOrEqual(4);
      expect(hw.rn).toBeLessThanOrEqual(4);
    }
    // A block never outgrows its product by more than needed: one row means rm = 1.
    expect(chooseDirectBlock(1, 1000, 10, true).rm).toBe(1);
    expect(chooseDirectBlock(1000, 1, 10, false).rn).toBe(1);
    // LeNet's first conv (6 channels x 784 positions) takes a block that covers all 6 rows in one or two steps.
    expect(chooseDirectBlock(6, 784, 25, true).rm).toBeGreaterThanOrEqual(4);
  });

  it('both choices compute the same product', async () => {
    const a: Operand = { shape: [70, 33], values: values(70 * 33, 9), order: [1, 0] };
    const b: Operand = { shape: [33, 66], values: values(33 * 66, 10) };
    const va = view(a, 'float32');
    const vb = view(b, 'float32');
    const ref = await direct(a, b, 'float32');
    const names: string[] = [];
    for (const lim of [gpu(), cpuRasteriser()]) {
      const plan = planMatmul(va.info, vb.info, { shape: [70, 66], dtype: 'float32' }, lim);
      names.push(plan.name);
      const got = await runPlan(device, plan, [flatOf('float32', va.storage), flatOf('float32', vb.storage)], 'float32', 70 * 66);
      expectClose(Array.from(got), ref.ref, ref.scale);
    }
    expect(names[0]).toMatch(/^matmul_float32_/);
    expect(names[1]).toMatch(/^matmul_direct_/);
  });
});
