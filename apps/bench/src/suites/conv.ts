import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { convCase } from '../cases/conv';
import type { BenchCase, Suite } from '../types';

const suite: Suite = {
  name: 'cpu-conv',
  description: 'conv2d 3x3 same, batch 32, 28x28x32 -> 32 (float32): Strata CPU vs TensorFlow.js cpu and wasm',
  async cases(): Promise<BenchCase[]> {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm binaries sit beside the package's main file; Node reads them from disk.
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    tf.enableProdMode();
    return [convCase(tf)];
  },
};

export default suite;
