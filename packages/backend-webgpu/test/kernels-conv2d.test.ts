/**
 * The fused conv2d plan (conv2d.ts) against core's composite on the CPU, for
 * explicit blocks the automatic choice would not pick on this adapter (the
 * conformance suite runs only the automatic one), on strided inputs, weights
 * and biases with offsets.
 */
import { conv2dComposite, type FusedParams, tensor } from '@strata/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConv2d } from '../src/kernels/conv2d';
import type { DirectBlock } from '../src/kernels/matmul-direct';
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

const values = (n: number, seed: number) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => r() * 2 - 1);
};

interface Case {
  x: [number, number, number, number];
  w: [number, number, number, number];
  bias?: boolean;
  params: FusedParams['conv2d'];
  /** Storage order of x's dims (NHWC = [0, 2, 3, 1]); contiguous when omitted. */
  xOrder?: number[];
  /** Storage order of w's dims; contiguous when omitted. */
  wOrder?: number[];
}

/** Runs the plan with `block` and returns it with the composite's values. */
async function run(c: Case, block?: DirectBlock, lim: KernelLimits = limits) {
  const [n, , h, wd] = c.x;
  const [cout, , kH, kW] = c.w;
  const { stride, padding, dilation } = c.params;
  const outH = Math.floor((h + 2 * padding[0] - dilation[0] * (kH - 1) - 1) / stride[0]) + 1;
  const outW = Math.floor((wd + 2 * padding[1] - dilation[1] * (kW - 1) - 1) / stride[1]) + 1;
  const xv = values(
    c.x.reduce((a, b) => a * b),
    1,
  );
  const wv = values(
    c.w.reduce((a, b) => a * b),
    2,
  );
  const bv = values(cout, 3);
  const xs = layout(xv, c.x, c.xOrder ?? [0, 1, 2, 3], 7);
  const ws = layout(wv, c.w, c.wOrder ?? [0, 1, 2, 3], 3);
  // The bias is every other element of a longer buffer, after an offset.
  const bs = layout(
    bv.flatMap((v) => [v, 99]),
    [cout, 2],
    [0, 1],
    2,
  );
  const info = (shape: number[], s: { strides: number[]; offset: number }): ViewInfo => ({ shape, dtype: 'float32', ...s });
  const biasInfo: ViewInfo = { shape: [cout], strides: [2], offset: 2, dtype: 'float32' };
  const out = { shape: [n, cout, outH, outW], dtype: 'float32' as const };
  const plan = buildConv2d(info(c.x, xs), info(c.w, ws), c.bias ? biasInfo : undefined, c.params, out, lim, block);
  const inputs = [xs.storage, ws.storage, ...(c.bias ? [bs.storage] : [])].map((s) => flatOf('float32', s));
  const got = Array.from(
    await runPlan(
      device,
      plan,
      inputs,
      'float32',
      out.shape.reduce((a, b) => a * b),
    ),
  );
  const opts = { stride: [...stride] as [number, number], padding: [...padding] as [number, number], groups: c.params.groups };
  const args = [tensor(xv, { shape: c.x }), tensor(wv, { shape: c.w }), c.bias ? tensor(bv) : null] as const;
  const ref = conv2dComposite(...args, { ...opts, dilation: [...dilation] as [number, number] });
  expect([...ref.shape]).toEqual(out.shape);
  return { got, ref: Array.from(ref.dataSync()), plan };
}

function expectClose(got: number[], ref: number[], tol = 1e-5): void {
  expect(got.length).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    if (Math.abs((got[i] as number) - (ref[i] as number)) > tol * (1 + Math.abs(ref[i] as number))) {
      expect.fail(`element ${i}: got ${got[i]}, expected ${ref[i]}`);
    }
  }
}

const p = (
  stride: [number, number],
  padding: [number, number],
  dilation: [number, number],
  groups = 1,
): FusedParams['conv2d'] => ({
  stride,
  padding,
  dilation,
  groups,
});

const CASES: [string, Case][] = [
  ['LeNet conv1 (padding 2, bias)', { x: [2, 1, 12, 12], w: [6, 1, 5, 5], bias: true, params: p([1, 1], [2, 2], [1, 1]) }],
  [
    'stride 2 x 1, padding, dilation 2, NHWC input',
    { x: [2, 3, 9, 8], w: [4, 3, 3, 2], params: p([2, 1], [1, 2], [2, 1]), xOrder: [0, 2, 3, 1] },
  ],
  [
    'groups 2 with bias and a permuted weight',
    { x: [1, 4, 7, 6], w: [6, 2, 3, 3], bias: true, params: p([1, 2], [1, 0], [1, 1], 2), wOrder: [2, 3, 1, 0] },
  ],
  ['depthwise (groups = channels, multiplier 2)', { x: [2, 3, 6, 6], w: [6, 1, 3, 3], params: p([1, 1], [1, 1], [1, 1], 3) }],
  ['1x1 kernel, stride 3', { x: [1, 5, 7, 7], w: [3, 5, 1, 1], bias: true, params: p([3, 3], [0, 0], [1, 1]) }],
  ['padding wider than the kernel', { x: [1, 2, 3, 4], w: [2, 2, 2, 2], params: p([1, 1], [3, 3], [1, 1]) }],
];

const BLOCKS: DirectBlock[] = [
  { rm: 1, rn: 1 },
  { rm: 2, rn: 8 },
  { rm: 8, rn: 32 },
  { rm: 3, rn: 5 },
];

describe('buildConv2d (WGSL on Dawn/llvmpipe) against the CPU composite', () => {
  it.each(CASES)('%s, every block', async (_, c) => {
    for (const block of [undefined, ...BLOCKS]) {
      const r = await run(c, block);
      expectClose(r.got, r.ref);
      if (block) expect(r.plan.name).toContain(`${block.rm}x${block.rn}`);
    }
  });

  it('the automatic block differs between a GPU and a software adapter, with the same values', async () => {
    const c = CASES[0]?.[1] as Case;
    const hw = await run(c, undefined, { ...limits, software: false });
    const sw = await run(c, undefined, { ...limits, software: true });
    expect(hw.plan.name).not.toBe(sw.plan.name);
    expectClose(hw.got, hw.ref);
    expectClose(sw.got, sw.ref);
  });

  it('an empty batch dispatches nothing', () => {
    const v = (shape: number[]): ViewInfo => ({ shape, strides: [0, 0, 0, 0], offset: 0, dtype: 'float32' });
    const plan = buildConv2d(
      v([0, 2, 5, 5]),
      v([3, 2, 3, 3]),
      undefined,
      p([1, 1], [0, 0], [1, 1]),
      { shape: [0, 3, 3, 3], dtype: 'float32' },
      limits,
    );
    expect(plan.workgroups).toEqual([0, 1, 1]);
  });

  it('rejects non-float32 operands and weights that do not fit the groups', () => {
    const v = (shape: number[], dtype: ViewInfo['dtype'] = 'float32'): ViewInfo => ({
      shape,
      strides: [1, 1, 1, 1],
      offset: 0,
      dtype,
    });
    const out = { shape: [1, 4, 3, 3], dtype: 'float32' as const };
    const params = p([1, 1], [0, 0], [1, 1]);
    expect(() => buildConv2d(v([1, 2, 5, 5], 'int32'), v([4, 2, 3, 3]), undefined, params, out, limits)).toThrow(
      /conv2d: expects float32/,
    );
    expect(() => buildConv2d(v([1, 2, 5, 5]), v([4, 3, 3, 3]), undefined, params, out, limits)).toThrow(/do not fit/);
  });
});
