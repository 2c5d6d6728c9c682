/**
 * scatterAdd's CSR path (scatter.ts), taken when every row shares one index
 * row, against the CPU: the cases col2im and pooling gradients do not reach
 * (int32 and float16 data, a size-1 index dim, offsets, index out of range),
 * and when the path is not taken.
 */
import type { DType } from '@strata/core';
import { describe, expect, it } from 'vitest';
import type { ViewInfo } from '../src/kernels/plan';
import type { KernelLimits } from '../src/kernels/reduce-common';
import { sharedIndexRow } from '../src/kernels/scatter';
import { differences, gpuBackend, runBoth } from './helpers';

const seq = (n: number, f: (i: number) => number = (i) => i) => Array.from({ length: n }, (_, i) => f(i));
const limits: KernelLimits = { maxWorkgroupSize: 256, maxWorkgroupStorage: 16384, maxWorkgroupsPerDim: 65535 };
const index = (shape: number[], strides: number[]): ViewInfo => ({ shape, strides, offset: 0, dtype: 'int32' });

describe('sharedIndexRow: when scatterAdd takes the CSR path', () => {
  const out = { shape: [3, 4, 7], dtype: 'float32' as const };

  it('takes it for an index that varies along the axis only', () => {
    expect(sharedIndexRow(index([3, 4, 9], [0, 0, 1]), 2, out, limits)).toBe(true);
    expect(sharedIndexRow(index([3, 9, 7], [0, 1, 0]), 1, { shape: [3, 5, 7], dtype: 'int32' }, limits)).toBe(true);
  });

  it('not for a per-row index, a float16 or bool output, a single row, or a device with 4 storage buffers', () => {
    expect(sharedIndexRow(index([3, 4, 9], [36, 9, 1]), 2, out, limits)).toBe(false);
    expect(sharedIndexRow(index([3, 4, 9], [0, 0, 1]), 2, { ...out, dtype: 'float16' }, limits)).toBe(false);
    expect(sharedIndexRow(index([1, 1, 9], [0, 0, 1]), 2, { shape: [1, 1, 7], dtype: 'float32' }, limits)).toBe(false);
    // An index smaller than the output in another dim leaves rows untouched: the atomic kernel's job.
    expect(sharedIndexRow(index([3, 2, 9], [0, 0, 1]), 2, out, limits)).toBe(false);
    expect(sharedIndexRow(index([3, 4, 9], [0, 0, 1]), 2, out, { ...limits, maxStorageBuffers: 4 })).toBe(false);
  });
});

describe('scatterAdd through the CSR path against the CPU', () => {
  it('float32, int32 and float16, repeated and unused targets, offset views', async () => {
    for (const dtype of ['float32', 'int32', 'float16'] as DType[]) {
      // base (3, 6) along axis 1; index (3, 10) is one row of 10 targets (stride 0 over rows), after 2 junk elements.
      const base = { dtype, data: seq(19, (i) => i - 4), shape: [3, 6], offset: 1 };
      const idx = {
        dtype: 'int32' as DType,
        data: [99, 99, ...seq(10, (j) => (j * 7) % 5)],
        shape: [3, 10],
        strides: [0, 1],
        offset: 2,
      };
      const src = { dtype, data: seq(30, (i) => (dtype === 'int32' ? i * 3 - 20 : i * 0.375 - 2)), shape: [3, 10] };
      const r = await runBoth('scatterAdd', [base, idx, src], { axis: 1 }, { shape: [3, 6], dtype }, true);
      expect(differences(r.gpu, r.cpu, dtype === 'float16' ? 2 ** -10 : 2 ** -20), dtype).toEqual([]);
    }
  });

  it('along a middle axis with size-1 index dims (the col2im layout), many contributions per target', async () => {
    const J = 300;
    const base = { dtype: 'float32' as DType, data: seq(2 * 11 * 3, (i) => i * 0.5), shape: [2, 11, 3] };
    const idx = { dtype: 'int32' as DType, data: seq(J, (j) => (j * 13) % 11), shape: [2, J, 3], strides: [0, 1, 0] };
    const src = { dtype: 'float32' as DType, data: seq(2 * J * 3, (i) => Math.sin(i)), shape: [2, J, 3] };
    const r = await runBoth('scatterAdd', [base, idx, src], { axis: 1 }, { shape: [2, 11, 3], dtype: 'float32' });
    expect(differences(r.gpu, r.cpu, 1e-5, 1e-5)).toEqual([]);
  });

  it('an index out of range makes the next read reject, naming scatterAdd', async () => {
    const gpu = await gpuBackend();
    const base = gpu.upload(new Float32Array(8), 'float32');
    const idx = gpu.upload(Int32Array.from([0, 4, 1]), 'int32');
    const src = gpu.upload(Float32Array.from([1, 2, 3, 4, 5, 6]), 'float32');
    const out = gpu.kernels.scatterAdd(
      [
        { storage: base, dtype: 'float32', shape: [2, 4], strides: [4, 1], offset: 0 },
        { storage: idx, dtype: 'int32', shape: [2, 3], strides: [0, 1], offset: 0 },
        { storage: src, dtype: 'float32', shape: [2, 3], strides: [3, 1], offset: 0 },
      ],
      { axis: 1 },
      { shape: [2, 4], dtype: 'float32' },
    );
    await expect(gpu.read(out, 'float32', 8)).rejects.toThrow(/scatterAdd: an index was out of bounds/);
    for (const s of [base, idx, src, out]) gpu.free(s);
  });
});
