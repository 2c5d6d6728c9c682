/**
 * The backend in a real browser: Chromium's WebGPU (SwiftShader in CI) through
 * navigator.gpu, no options needed.
 */
import * as S from '@strata/core';
import { afterAll, expect, it } from 'vitest';
import { createWebGpuBackend, type WebGpuBackend } from '../src/index';

let backend: WebGpuBackend | undefined;
afterAll(() => backend?.destroy());

it('creates the backend from navigator.gpu and runs add and matmul', async () => {
  backend = await createWebGpuBackend();
  S.useBackend(backend);
  const a = S.tensor([
    [1, 2],
    [3, 4],
  ]);
  const b = S.tensor([
    [5, 6],
    [7, 8],
  ]);
  expect(Array.from(await S.add(a, b).data())).toEqual([6, 8, 10, 12]);
  expect(Array.from(await S.matmul(a, b).data())).toEqual([19, 22, 43, 50]);
  // rand is bit-identical across backends (Philox), so only the summation order differs.
  const x = S.rand([64, 32], { generator: new S.Generator(3) });
  const y = S.rand([32, 16], { generator: new S.Generator(4) });
  const gpu = await S.matmul(x, y).data();
  S.useBackend(S.createCpuBackend());
  const xc = S.rand([64, 32], { generator: new S.Generator(3) });
  const yc = S.rand([32, 16], { generator: new S.Generator(4) });
  const cpu = await S.matmul(xc, yc).data();
  for (let i = 0; i < cpu.length; i++) expect(Math.abs((gpu[i] as number) - (cpu[i] as number))).toBeLessThan(1e-5);
});
