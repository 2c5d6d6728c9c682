/**
 * The wasm fast paths of gather, scatterAdd, reduce and pad against the CPU
 * kernels, at sizes above their thresholds (the conformance suite's cases are
 * mostly below them), with broadcast and strided operands and a bad index.
 */
import { createCpuBackend, type StorageArray, type View } from '@strata/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from '../src/index';

const cpu = createCpuBackend();
let wasm: WasmBackend | undefined;
let threaded: WasmBackend | undefined;
afterAll(() => {
  wasm?.destroy();
  threaded?.destroy();
});
const backend = async () => {
  wasm ??= await createWasmBackend({ threads: 1 });
  return wasm;
};

function contiguous<S extends StorageArray>(storage: S, shape: number[], dtype: 'float32' | 'int32'): View<StorageArray> {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d] as number;
  }
  return { storage, dtype, shape, strides, offset: 0 };
}

function floats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

function indices(n: number, size: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s % size;
  }
  return out;
}

describe('wasm fast paths match the CPU kernels', () => {
  it('gather along the last axis, with an index broadcast over the leading dims', async () => {
    const { kernels } = await backend();
    const x = contiguous(floats(8 * 3 * 97, 1), [8, 3, 97], 'float32');
    // One (3, 400) index table shared by all 8 rows of the batch: stride 0 in dim 0.
    const index: View<StorageArray> = {
      storage: indices(3 * 400, 97, 2),
      dtype: 'int32',
      shape: [8, 3, 400],
      strides: [0, 400, 1],
      offset: 0,
    };
    const out = { shape: [8, 3, 400], dtype: 'float32' } as const;
    expect(kernels.gather([x, index], { axis: 2 }, out)).toEqual(cpu.kernels.gather([x, index], { axis: 2 }, out));
  });

  it('gather with an index out of range throws the CPU kernel error', async () => {
    const { kernels } = await backend();
    const x = contiguous(floats(10 * 500, 3), [10, 500], 'float32');
    const bad = indices(10 * 500, 500, 4);
    bad[4321] = 500;
    const out = { shape: [10, 500], dtype: 'float32' } as const;
    expect(() => kernels.gather([x, contiguous(bad, [10, 500], 'int32')], { axis: 1 }, out)).toThrow(
      /index 500 is out of bounds/,
    );
  });

  it('scatterAdd along the last axis, with repeated indices and a strided source', async () => {
    const { kernels } = await backend();
    const base = contiguous(floats(6 * 50, 5), [6, 50], 'float32');
    const index = contiguous(indices(6 * 1000, 50, 6), [6, 1000], 'int32');
    // src: every other column of a (6, 2000) block.
    const src: View<StorageArray> = {
      storage: floats(6 * 2000, 7),
      dtype: 'float32',
      shape: [6, 1000],
      strides: [2000, 1],
      offset: 500,
    };
    const out = { shape: [6, 50], dtype: 'float32' } as const;
    const got = kernels.scatterAdd([base, index, src], { axis: 1 }, out) as Float32Array;
    const want = cpu.kernels.scatterAdd([base, index, src], { axis: 1 }, out) as Float32Array;
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i] as number, 4);
  });

  it('reduce sum / max / min over runs of axes, NaN propagating', async () => {
    const { kernels } = await backend();
    const data = floats(16 * 3 * 4 * 50, 8);
    data[77] = Number.NaN;
    const x = contiguous(data, [16, 3, 4, 50], 'float32');
    for (const op of ['sum', 'max', 'min'] as const) {
      for (const axes of [[2], [1, 2], [0], [0, 2, 3], [0, 3]]) {
        const shape = [16, 3, 4, 50].map((d, i) => (axes.includes(i) ? 1 : d)).filter((_, i) => !axes.includes(i));
        const out = { shape, dtype: 'float32' } as const;
        const got = kernels.reduce([x], { op, axes }, out) as Float32Array;
        const want = cpu.kernels.reduce([x], { op, axes }, out) as Float32Array;
        expect(got.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) {
          if (Number.isNaN(want[i])) expect(got[i]).toBeNaN();
          else expect(Math.abs((got[i] as number) - (want[i] as number))).toBeLessThan(1e-5);
        }
      }
    }
  });

  it('matmul with transposed operands (strided packing of full and ragged panels)', async () => {
    const { kernels } = await backend();
    // a: (3, 37, 50) read as its transpose (3, 50, 37) would be; b: (20, 37) read as (37, 20).
    const a: View<StorageArray> = {
      storage: floats(3 * 37 * 50, 10),
      dtype: 'float32',
      shape: [3, 50, 37],
      strides: [1850, 1, 50],
      offset: 0,
    };
    const b: View<StorageArray> = {
      storage: floats(20 * 37, 11),
      dtype: 'float32',
      shape: [3, 37, 20],
      strides: [0, 1, 37],
      offset: 0,
    };
    const out = { shape: [3, 50, 20], dtype: 'float32' } as const;
    const got = kernels.matmul([a, b], {}, out) as Float32Array;
    const want = cpu.kernels.matmul([a, b], {}, out) as Float32Array;
    for (let i = 0; i < want.length; i++) expect(Math.abs((got[i] as number) - (want[i] as number))).toBeLessThan(1e-5);
  });

  it('constant pad of every dim, and a non-zero fill', async () => {
    const { kernels } = await backend();
    const x = contiguous(floats(4 * 5 * 6, 9), [4, 5, 6], 'float32');
    const params = {
      pads: [
        [1, 0],
        [0, 2],
        [3, 1],
      ] as [number, number][],
      mode: 'constant' as const,
      value: 0.25,
    };
    const out = { shape: [5, 7, 10], dtype: 'float32' } as const;
    expect(kernels.pad([x], params, out)).toEqual(cpu.kernels.pad([x], params, out));
  });
});
