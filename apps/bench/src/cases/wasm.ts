/**
 * Strata on the WebAssembly backend as rows of the CPU cases: one backend per
 * thread count, made on first use and kept for the process (its workers are
 * unref'd, so they never hold the process open).
 */
import { createWasmBackend, type WasmBackend } from '@strata/backend-wasm';
import { conv2d, type Tensor, tensor, useBackend } from '@strata/core';
import type { Implementation } from '../types';
import { type ConvSpec, convData } from './conv';

const backends = new Map<number, Promise<WasmBackend>>();

/** The wasm backend with `threads` threads, made current. */
export async function activateWasm(threads: number): Promise<WasmBackend> {
  let made = backends.get(threads);
  if (!made) {
    made = createWasmBackend({ threads });
    backends.set(threads, made);
  }
  const backend = await made;
  useBackend(backend);
  return backend;
}

/** Row name: 'Strata wasm' or 'Strata wasm (2 threads)'. */
export const wasmRowName = (threads: number): string => (threads === 1 ? 'Strata wasm' : `Strata wasm (${threads} threads)`);

/**
 * One Strata-on-wasm row of a case: inputs uploaded in setup (untimed), `op`
 * run and its output freed in each timed run (kernels are synchronous).
 */
export function wasmRow(
  threads: number,
  inputs: () => { data: Float32Array; shape: readonly number[] }[],
  op: (xs: readonly Tensor[]) => Tensor,
): Implementation {
  let xs: Tensor[] = [];
  return {
    name: wasmRowName(threads),
    peer: false,
    note: threads === 1 ? 'SIMD, 1 thread' : `SIMD, ${threads} worker threads`,
    async setup() {
      await activateWasm(threads);
      xs = inputs().map((x) => tensor(x.data, { shape: x.shape }));
    },
    run() {
      op(xs).dispose();
    },
    teardown() {
      for (const x of xs) x.dispose();
      xs = [];
    },
  };
}

/** The wasm rows of the conv2d case (NCHW / OIHW, 'same', no bias). */
export function wasmConvRows(threadCounts: readonly number[], s: ConvSpec): Implementation[] {
  let data: { x: Float32Array; w: Float32Array } | undefined;
  return threadCounts.map((threads) =>
    wasmRow(
      threads,
      () => {
        data ??= convData(s);
        return [
          { data: data.x, shape: [s.batch, s.cin, s.size, s.size] },
          { data: data.w, shape: [s.cout, s.cin, 3, 3] },
        ];
      },
      ([x, w]) => conv2d(x as Tensor, w as Tensor, null, { padding: 'same' }),
    ),
  );
}
