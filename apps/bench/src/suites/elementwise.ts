import { add, type Tensor, tensor } from '@strata/core';
import { randomFloats } from '../inputs';
import type { Suite } from '../types';

const n = 1 << 20;

const suite: Suite = {
  name: 'elementwise',
  description: 'elementwise add of 1M float32 values',
  async cases() {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const a = randomFloats(n, 1);
    const b = randomFloats(n, 2);
    let tfA: import('@tensorflow/tfjs-core').Tensor | undefined;
    let tfB: import('@tensorflow/tfjs-core').Tensor | undefined;
    let x: Tensor | undefined;
    let y: Tensor | undefined;
    return [
      {
        name: 'add 1M f32',
        work: { amount: n, unit: 'elements' },
        implementations: [
          {
            name: 'tfjs-cpu',
            peer: true,
            async setup() {
              await tf.setBackend('cpu');
              tfA = tf.tensor1d(a);
              tfB = tf.tensor1d(b);
            },
            run() {
              const c = tf.add(tfA as import('@tensorflow/tfjs-core').Tensor, tfB as import('@tensorflow/tfjs-core').Tensor);
              c.dataSync();
              c.dispose();
            },
            teardown() {
              tfA?.dispose();
              tfB?.dispose();
            },
          },
          {
            name: 'Strata CPU',
            peer: false,
            setup() {
              x = tensor(a);
              y = tensor(b);
            },
            run() {
              // The CPU backend runs the kernel inside add(): the sum is in c's storage when it returns.
              const c = add(x as Tensor, y as Tensor);
              c.dispose();
            },
            teardown() {
              x?.dispose();
              y?.dispose();
            },
          },
        ],
      },
    ];
  },
};

export default suite;
