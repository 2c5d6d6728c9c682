/**
 * scatterAdd with one index row shared by every lane (col2im in conv and pool
 * gradients) takes the sorted path (kernels/indexing.ts): the row is sorted
 * once and each output binary-searches it. It must add in index order, like the
 * CPU, and skip out-of-range entries before reporting them.
 */
import * as S from '@strata/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWebGlBackend, type WebGlBackend } from '../src/index';

let backend: WebGlBackend;
let cpu: S.Backend;
beforeAll(async () => {
  cpu = await S.backendByName('cpu');
  backend = createWebGlBackend();
});
afterAll(() => backend.destroy());

/**
 * A shared row of `len` indices in [0, size) with many duplicates, expanded over (2, 3), with src
 * and base values: made on the CPU, then uploaded to `on` (random numbers are not bit-identical
 * across backends; the inputs must be).
 */
function inputs(dtype: 'float32' | 'int32', len: number, size: number, on: S.Backend) {
  S.useBackend(cpu);
  const g = new S.Generator(5);
  const made = S.tidy(() => {
    const random = (shape: number[]) =>
      dtype === 'float32' ? S.randn(shape, { generator: g }) : S.randint(-1000, 1000, shape, { generator: g });
    return [S.randint(0, size, [1, 1, len], { generator: g }), random([2, 3, len]), random([2, 3, size])];
  });
  const [row, src, base] = made.map((t) => {
    const moved = S.fromStorageArray(t.dataSync() as S.StorageArray, t.shape, t.dtype, on);
    t.dispose();
    return moved;
  }) as [S.Tensor, S.Tensor, S.Tensor];
  S.useBackend(on);
  return { index: S.expand(row, [2, 3, len]), src, base };
}

for (const dtype of ['float32', 'int32'] as const) {
  it(`a long shared index row gives the CPU's ${dtype} sums bit for bit (the same adds in the same order)`, () => {
    const run = (on: S.Backend) => {
      // 100 > 64 entries and 240 outputs > 100: the sorted path (table.ts, SORTED_SCATTER_MIN).
      const { index, src, base } = inputs(dtype, 100, 40, on);
      return Array.from(S.scatterAdd(base, 2, index, src).dataSync());
    };
    const expected = run(cpu);
    expect(run(backend as unknown as S.Backend)).toEqual(expected);
  });
}

it('an out-of-range entry in a long shared row is skipped, then reported at the next read', () => {
  S.useBackend(backend);
  const row = S.tensor(
    Array.from({ length: 100 }, (_, i) => (i === 77 ? 10 : i % 10)),
    { dtype: 'int32' },
  ).reshape(1, 100);
  const out = S.scatterAdd(S.zeros([30, 10]), 1, S.expand(row, [30, 100]), S.ones([30, 100]));
  expect(() => out.dataSync()).toThrow(/scatterAdd.*out of bounds for dimension 1 with size 10/);
  expect(Array.from(out.dataSync()).slice(0, 10)).toEqual([10, 10, 10, 10, 10, 10, 10, 9, 10, 10]);
});
