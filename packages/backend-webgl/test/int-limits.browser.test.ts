/**
 * int32 and bool are exact. A float32 texel holds integers exactly only up to
 * 2^24, so the backend stores an int32 as two 16-bit halves (RG32F) and does
 * integer math in GLSL ints: the whole int32 range round-trips and arithmetic
 * wraps like int32. Where a value becomes float32 (casts, true division,
 * float32 tensors) float32's own 2^24 limit applies, exactly as on the CPU.
 */
import * as S from '@strata/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebGlBackend, type WebGlBackend } from '../src/index';

let backend: WebGlBackend;
beforeAll(() => {
  backend = createWebGlBackend();
  S.useBackend(backend);
});
afterAll(() => backend.destroy());

const int = (values: number[]) => S.tensor(values, { dtype: 'int32' });
const read = (t: S.Tensor) => Array.from(t.dataSync());

describe('int32 beyond 2^24', () => {
  const edges = [2147483647, -2147483648, 16777216, 16777217, -16777217, 16777219, 2 ** 30 + 1, -1, 0, 65535, 65536, -65536];

  it('round-trips every int32 exactly (upload, copy kernels, sync and async reads)', async () => {
    const t = int(edges);
    expect(read(t)).toEqual(edges);
    expect(Array.from(await t.data())).toEqual(edges);
    expect(read(t.reshape(3, 4).T.contiguous().T.contiguous().reshape(-1))).toEqual(edges);
    expect(read(S.cat([t, t]).slice([{ start: 12 }]))).toEqual(edges);
    expect(read(S.pad(t, [1, 1], { value: 7 }))).toEqual([7, ...edges, 7]);
  });

  it('arithmetic is exact past 2^24 and wraps modulo 2^32', () => {
    expect(read(S.add(int([16777217, 2 ** 30 + 1]), 2))).toEqual([16777219, 2 ** 30 + 3]); // float32 would give 16777220
    expect(read(S.sub(int([-16777217]), int([2])))).toEqual([-16777219]);
    expect(read(S.mul(int([46341, 65536, 123456789]), int([46341, 65536, 3])))).toEqual([-2147479015, 0, 370370367]);
    expect(read(S.add(int([2147483647]), 1))).toEqual([-2147483648]);
    expect(read(S.neg(int([-2147483648])))).toEqual([-2147483648]);
    expect(read(S.pow(int([3, -2, 7]), int([20, 31, 2])))).toEqual([-808182895, -2147483648, 49]);
    expect(read(S.abs(int([-2147483647, 5])))).toEqual([2147483647, 5]);
  });

  it('reductions, scans, matmul and indices stay exact past 2^24', () => {
    const big = int([16777217, 16777217, 1, -3]);
    expect(read(S.sum(big))).toEqual([33554432]);
    expect(read(S.cumsum(big, 0))).toEqual([16777217, 33554434, 33554435, 33554432]);
    expect(read(S.max(big))).toEqual([16777217]);
    expect(read(S.argmax(int([1, 2147483647, -5])))).toEqual([1]);
    expect(read(S.matmul(S.tensor([[16777217, 1]], { dtype: 'int32' }), S.tensor([[3], [5]], { dtype: 'int32' })))).toEqual([
      50331656,
    ]);
    const x = S.arange(40, undefined, 1, { dtype: 'int32' }).mul(100000000);
    expect(read(S.gather(x, 0, int([39, 0, 21])))).toEqual([-394967296, 0, 2100000000]);
  });

  it('conversions to float32 round like float32 (the CPU does the same)', () => {
    expect(read(int([16777217, -16777219]).to('float32'))).toEqual([16777216, -16777220]);
    expect(read(S.tensor([16777217], { dtype: 'float32' }))).toEqual([16777216]);
    expect(read(S.tensor([3e9, -3e9, 2.5e9], { dtype: 'float32' }).to('int32'))).toEqual([-1294967296, 1294967296, -1794967296]);
    expect(read(S.div(int([16777217]), int([1])))).toEqual([16777216]); // true division is float32
  });
});

describe('bool', () => {
  it('stores 0/1 exactly, from any non-zero input', () => {
    expect(read(S.tensor([true, false, true]))).toEqual([1, 0, 1]);
    expect(read(S.tensor([0, -0, 0.5, Number.NaN, -3]).to('bool'))).toEqual([0, 0, 1, 1, 1]);
    expect(read(S.logicalXor(S.tensor([true, true, false]), S.tensor([true, false, false])))).toEqual([0, 1, 0]);
    expect(read(S.sum(S.ones([5000], { dtype: 'bool' })))).toEqual([5000]);
  });
});
