import type { Suite } from '../types';

const n = 1 << 20;

function randomFloats(seed: number): Float32Array {
  // A tiny LCG: the inputs only need to be the same for every implementation.
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

const suite: Suite = {
  name: 'elementwise',
  description: 'elementwise add of 1M float32 values',
  async cases() {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const a = randomFloats(1);
    const b = randomFloats(2);
    let tfA: import('@tensorflow/tfjs-core').Tensor | undefined;
    let tfB: import('@tensorflow/tfjs-core').Tensor | undefined;
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
            name: 'plain JS loop',
            peer: false,
            note: 'stand-in for Strata CPU until @strata/core exists',
            run() {
              const c = new Float32Array(n);
              for (let i = 0; i < n; i++) c[i] = (a[i] as number) + (b[i] as number);
              return c;
            },
          },
        ],
      },
    ];
  },
};

export default suite;
