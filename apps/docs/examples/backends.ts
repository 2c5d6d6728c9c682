import { createWasmBackend } from '@strata/backend-wasm';
import { Generator, initBackend, matmul, randn, registerBackend, setBackend, type Tensor } from '@strata/core';
import type { Print } from './types';

export const title = 'Choosing a backend';

/** Registers the WebAssembly SIMD backend, lets initBackend pick, and checks it against the CPU reference. */
export async function run(print: Print): Promise<void> {
  // One line per backend package; initBackend takes the first of the list that starts here.
  registerBackend('wasm', () => createWasmBackend({ log: () => {} }));
  const { backend, skipped } = await initBackend(['wasm', 'cpu']);
  print(`backend: ${backend}${skipped.length > 0 ? ` (skipped: ${skipped.map((s) => s.name).join(', ')})` : ''}`);

  // Tensors live on one backend; .to(name) copies them to another.
  const g = new Generator(0);
  const a = randn([128, 256], { generator: g });
  const b = randn([256, 64], { generator: g });
  const fast = matmul(a, b);
  const [a0, b0] = (await Promise.all([a.to('cpu'), b.to('cpu')])) as [Tensor, Tensor];
  await setBackend('cpu');
  const reference = matmul(a0, b0);
  const [x, y] = [Array.from(await fast.data()), Array.from(await reference.data())];
  const worst = Math.max(...x.map((v, i) => Math.abs(v - (y[i] as number))));
  print(`${backend} matmul ${fast.shape.join('×')} matches the CPU reference: ${worst < 1e-4}`);
  for (const t of [a, b, fast, a0, b0, reference]) t.dispose();
}
