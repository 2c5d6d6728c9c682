/**
 * Unary elementwise ops and activations, one `describe` per op: hand cases,
 * random inputs against tfjs and float64, strided/sliced/broadcast inputs,
 * empty and 0-d tensors, int32 and float16 inputs, and a 1e6-element case.
 */
import { tensor } from '@strata/core';
import { describe, it } from 'vitest';
import { expectTensor, expectValues } from '../compare';
import type { Harness, Tolerance } from '../harness';
import { roundF16, tfCompute, tfTensor, uniform } from '../oracle';
import { type UnarySpec, unarySpecs } from './unary-specs';

const N_RANDOM = 515;

function tolFor(h: Harness, spec: UnarySpec): Tolerance {
  return spec.kind === 'arith' ? h.arith : h.math;
}

/** Transposes row-major [r, c] data to [c, r]. */
function transposed(data: ArrayLike<number>, r: number, c: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) out.push(data[i * c + j] as number);
  return out;
}

function registerSpec(h: Harness, spec: UnarySpec, seed: number): void {
  const [lo, hi] = spec.domain;

  it('hand-computed cases', async () => {
    await expectTensor(spec.run(tensor(spec.input, { dtype: 'float32' })), spec.expected, {
      tol: tolFor(h, spec),
      dtype: 'float32',
      label: spec.name,
    });
  });

  it('random inputs match tfjs and float64', async () => {
    const x = uniform(N_RANDOM, lo, hi, seed);
    const out = spec.run(tensor(x, { shape: [5, 103] }));
    const got = await out.data();
    expectValues(got, Array.from(x, spec.ref), tolFor(h, spec), `${spec.name} vs float64`);
    const oracle = spec.tf;
    if (oracle) expectValues(got, tfCompute(() => oracle(tfTensor(x, [5, 103]))).values, tolFor(h, spec), `${spec.name} vs tfjs`);
  });

  it('strided, sliced and broadcast inputs', async () => {
    const base = uniform(6 * 8, lo, hi, seed + 1);
    const x = tensor(base, { shape: [6, 8] });
    await expectTensor(spec.run(x.T), transposed(base, 6, 8).map(spec.ref), {
      tol: tolFor(h, spec),
      shape: [8, 6],
      label: `${spec.name}(x.T)`,
    });
    const sliced: number[] = [];
    for (let i = 0; i < 6; i += 2) for (let j = 1; j < 7; j++) sliced.push(base[i * 8 + j] as number);
    await expectTensor(spec.run(x.slice([{ step: 2 }, { start: 1, end: -1 }])), sliced.map(spec.ref), {
      tol: tolFor(h, spec),
      shape: [3, 6],
      label: `${spec.name}(x[::2, 1:-1])`,
    });
    const row = tensor(base.subarray(0, 8), { shape: [1, 8] });
    const rowValues = Array.from(base.subarray(0, 8), spec.ref);
    await expectTensor(spec.run(row.expand(3, 8)), [...rowValues, ...rowValues, ...rowValues], {
      tol: tolFor(h, spec),
      shape: [3, 8],
      label: `${spec.name}(expanded)`,
    });
  });

  it('empty and 0-d tensors', async () => {
    await expectTensor(spec.run(tensor([], { dtype: 'float32' })), [], { shape: [0] });
    await expectTensor(spec.run(tensor(new Float32Array(0), { shape: [2, 0] })), [], { shape: [2, 0] });
    const v = Math.fround((lo + hi) / 3);
    await expectTensor(spec.run(tensor(v)), [spec.ref(v)], { tol: tolFor(h, spec), shape: [], label: `${spec.name}(0-d)` });
  });

  it('int32 input', async (ctx) => {
    h.requireDTypes(ctx, 'int32');
    const ints = [-3, -1, 0, 1, 2, 5].filter((v) => v >= lo && v <= hi);
    const out = spec.run(tensor(ints, { dtype: 'int32' }));
    await expectTensor(out, ints.map(spec.ref), {
      tol: tolFor(h, spec),
      dtype: spec.keepsInt ? 'int32' : 'float32',
      label: `${spec.name}(int32)`,
    });
  });

  it('float16 input computes and stores float16', async (ctx) => {
    h.requireDTypes(ctx, 'float16');
    const x = Array.from(uniform(64, Math.max(lo, -4), Math.min(hi, 4), seed + 2), roundF16);
    const out = spec.run(tensor(x, { dtype: 'float16' }));
    await expectTensor(
      out,
      x.map((v) => roundF16(spec.ref(v))),
      { tol: h.half, dtype: 'float16', label: `${spec.name}(float16)` },
    );
  });
}

export function elementwiseSection(h: Harness): void {
  describe('unary elementwise and activations', () => {
    unarySpecs.forEach((spec, i) => {
      describe(spec.name, () => registerSpec(h, spec, 1000 + 17 * i));
    });

    it('a 1e6-element unary op (exp) matches float64', async () => {
      const n = 1_000_000;
      const x = uniform(n, -5, 5, 7);
      const t = tensor(x);
      const out = t.exp();
      expectValues(await out.data(), Array.from(x, Math.exp), h.math, 'exp over 1e6 elements');
      t.dispose();
      out.dispose();
    });

    it('NaN propagates through math and activations', async () => {
      const nan = tensor([Number.NaN]);
      for (const spec of unarySpecs) await expectTensor(spec.run(nan), [spec.ref(Number.NaN)], { label: `${spec.name}(NaN)` });
    });
  });
}
