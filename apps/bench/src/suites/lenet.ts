import { setBackend } from '@strata/core';
import { LENET_BATCH, strataLenet, tfjsLenet } from '../cases/lenet';
import { activateWasm, wasmRowName } from '../cases/wasm';
import type { BenchCase, Suite } from '../types';

const suite: Suite = {
  name: 'lenet',
  description:
    'LeNet-5 on 28x28 inputs: training step (batch 64, Adam) and batch-1 inference, Strata CPU and wasm vs tfjs-layers on tfjs-cpu',
  async cases(): Promise<BenchCase[]> {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const tfl = await import('@tensorflow/tfjs-layers');
    tf.enableProdMode();
    const ours = strataLenet({
      name: 'Strata CPU',
      async activate() {
        await setBackend('cpu');
      },
    });
    // Each Strata row builds its own model on its backend (wasm: one and two threads).
    const wasm = [1, 2].map((threads) =>
      strataLenet({
        name: wasmRowName(threads),
        note: threads === 1 ? 'SIMD, 1 thread' : `SIMD, ${threads} worker threads`,
        async activate() {
          await activateWasm(threads);
        },
      }),
    );
    const theirs = tfjsLenet(tf, tfl, { name: 'tfjs-layers (cpu)', backend: 'cpu' });
    return [
      {
        name: `training step, batch ${LENET_BATCH} (forward, backward, Adam)`,
        work: { amount: LENET_BATCH, unit: 'images' },
        limits: { warmup: 1, repetitions: 5 },
        implementations: [theirs.train, ours.train, ...wasm.map((w) => w.train)],
      },
      {
        name: 'inference, batch 1 (latency)',
        work: { amount: 1, unit: 'images' },
        implementations: [theirs.infer, ours.infer, ...wasm.map((w) => w.infer)],
      },
    ];
  },
};

export default suite;
