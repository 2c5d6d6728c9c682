/**
 * gather, scatterAdd, concat, pad and argsort against the CPU reference on
 * strided, broadcast and offset views, every dtype, and awkward sizes.
 */
import type { DType, PadMode } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { differences, gpuBackend, runBoth } from './helpers';

const seq = (n: number, f: (i: number) => number = (i) => i) => Array.from({ length: n }, (_, i) => f(i));
let seed = 1;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('gather and scatterAdd', () => {
  it('gather along each axis of a transposed view, every dtype', async () => {
    for (const dtype of ['float32', 'int32', 'bool', 'float16'] as DType[]) {
      for (const axis of [0, 1]) {
        // x: a (4, 5) transposed view of a (5, 4) buffer, offset 0; index (3, 5) along axis 0 or (4, 3) along axis 1.
        const x = {
          dtype,
          data: seq(20, (i) => (dtype === 'bool' ? (i % 3 === 0 ? 1 : 0) : i - 7)),
          shape: [4, 5],
          strides: [1, 4],
        };
        const ishape = axis === 0 ? [3, 5] : [4, 3];
        const index = {
          dtype: 'int32' as DType,
          data: seq(ishape[0]! * ishape[1]!, (i) => (i * 7) % (axis === 0 ? 4 : 5)),
          shape: ishape,
        };
        const r = await runBoth('gather', [x, index], { axis }, { shape: ishape, dtype });
        expect(r.gpu, `${dtype} axis ${axis}`).toEqual(r.cpu);
      }
    }
  });

  it('scatterAdd: float32 sums within rounding, int32 exactly, with repeated indices', async () => {
    for (const dtype of ['float32', 'int32', 'float16'] as DType[]) {
      const base = { dtype, data: seq(12, (i) => i * 0.5), shape: [3, 4] };
      const index = { dtype: 'int32' as DType, data: seq(40, (i) => (i * 5) % 3), shape: [10, 4] };
      const src = { dtype, data: seq(40, (i) => (dtype === 'int32' ? i : i * 0.25 + 0.1)), shape: [10, 4] };
      const r = await runBoth('scatterAdd', [base, index, src], { axis: 0 }, { shape: [3, 4], dtype }, true);
      expect(differences(r.gpu, r.cpu, dtype === 'float16' ? 2 ** -10 : 2 ** -20), dtype).toEqual([]);
    }
  });

  it('an index out of range makes the next read reject with a RangeError naming the op', async () => {
    const gpu = await gpuBackend();
    const x = gpu.upload(Float32Array.from([1, 2, 3]), 'float32');
    const index = gpu.upload(Int32Array.from([0, 5]), 'int32');
    const out = gpu.kernels.gather(
      [
        { storage: x, dtype: 'float32', shape: [3], strides: [1], offset: 0 },
        { storage: index, dtype: 'int32', shape: [2], strides: [1], offset: 0 },
      ],
      { axis: 0 },
      { shape: [2], dtype: 'float32' },
    );
    await expect(gpu.read(out, 'float32', 2)).rejects.toThrow(/gather: an index was out of bounds/);
    // Reported once: the next read is clean.
    expect(Array.from(await gpu.read(x, 'float32', 3))).toEqual([1, 2, 3]);
    for (const s of [x, index, out]) gpu.free(s);
  });
});

describe('concat and pad', () => {
  it('concat of views along each axis, every dtype', async () => {
    for (const dtype of ['float32', 'int32', 'bool', 'float16'] as DType[]) {
      for (const axis of [0, 1, 2]) {
        const shapes = [0, 1, 2].map((k) => [2, 3, 4].map((d, i) => (i === axis ? k + 1 : d)));
        const inputs = shapes.map((shape, k) => ({
          dtype,
          data: seq(shape.reduce((a, b) => a * b, 1) + 1, (i) => (dtype === 'bool' ? (i + k) % 2 : i * (k + 1) - 3)),
          shape,
          offset: 1,
        }));
        const outShape = [2, 3, 4].map((d, i) => (i === axis ? 6 : d));
        const r = await runBoth('concat', inputs, { axis }, { shape: outShape, dtype });
        expect(r.gpu, `${dtype} axis ${axis}`).toEqual(r.cpu);
      }
    }
  });

  it('pad in every mode, with -inf as the constant, on a broadcast view', async () => {
    for (const mode of ['constant', 'reflect', 'replicate'] as PadMode[]) {
      for (const dtype of ['float32', 'int32', 'float16'] as DType[]) {
        const x = { dtype, data: seq(12, (i) => i - 4), shape: [2, 3, 4], strides: [0, 4, 1] };
        const pads: [number, number][] = [
          [1, 0],
          [2, 1],
          [0, 3],
        ];
        const value = dtype === 'int32' ? 7 : Number.NEGATIVE_INFINITY;
        const r = await runBoth('pad', [x], { pads, mode, value }, { shape: [3, 6, 7], dtype }, true);
        expect(r.gpu, `${mode} ${dtype}`).toEqual(r.cpu);
      }
    }
  });
});

describe('argsort', () => {
  it('is stable, puts NaN last ascending and first descending, treats -0 as 0', async () => {
    const data = [3, NaN, 1, -0, 0, 1, -Infinity, NaN, 3, 2, Infinity, -1, 0, 1];
    for (const descending of [false, true]) {
      const r = await runBoth(
        'argsort',
        [{ dtype: 'float32', data, shape: [14] }],
        { axis: 0, descending },
        { shape: [14], dtype: 'int32' },
      );
      expect(r.gpu, descending ? 'descending' : 'ascending').toEqual(r.cpu);
    }
  });

  it('matches along every axis of a permuted view, int32 and bool, with many ties', async () => {
    for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
      for (const axis of [0, 1, 2]) {
        const x = { dtype, data: seq(60, () => Math.floor(rnd() * 5) - 2), shape: [3, 4, 5], strides: [1, 15, 3] };
        const r = await runBoth('argsort', [x], { axis, descending: axis === 1 }, { shape: [3, 4, 5], dtype: 'int32' });
        expect(r.gpu, `${dtype} axis ${axis}`).toEqual(r.cpu);
      }
    }
  });

  it('sorts long lanes (3000 elements, padded to 4096)', async () => {
    const data = seq(6000, () => Math.round(rnd() * 1000) / 10);
    const r = await runBoth(
      'argsort',
      [{ dtype: 'float32', data, shape: [2, 3000] }],
      { axis: 1, descending: false },
      { shape: [2, 3000], dtype: 'int32' },
    );
    expect(r.gpu).toEqual(r.cpu);
  });
});

describe('large sizes', () => {
  it('an elementwise op over more than 65535 workgroups folds its grid into 2-d', async () => {
    const n = 65536 * 256 + 1000;
    const data = new Float32Array(n).map((_, i) => i % 1000);
    const gpu = await gpuBackend();
    const x = gpu.upload(data, 'float32');
    const { E } = await import('@strata/core');
    const y = gpu.kernels.elementwise(
      [{ storage: x, dtype: 'float32', shape: [n], strides: [1], offset: 0 }],
      { expr: E.binary('add', E.input(0, 'float32'), E.const(1)) },
      { shape: [n], dtype: 'float32' },
    );
    const out = (await gpu.read(y, 'float32', n)) as Float32Array;
    expect(out[0]).toBe(1);
    expect(out[n - 1]).toBe(((n - 1) % 1000) + 1);
    expect(out[65535 * 256 + 7]).toBe(((65535 * 256 + 7) % 1000) + 1);
    gpu.free(x);
    gpu.free(y);
  });
});
