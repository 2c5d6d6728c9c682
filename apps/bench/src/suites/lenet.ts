import { noGrad } from '@strata/autograd';
import { crossEntropy, Generator, randint, randn, setBackend, type Tensor, tidy } from '@strata/core';
import { Adam } from '@strata/optim';
import { LeNet5 } from '@strata/zoo';
import type { BenchCase, Implementation, Suite } from '../types';

type Tf = typeof import('@tensorflow/tfjs-core');
type Tfl = typeof import('@tensorflow/tfjs-layers');

const BATCH = 64;

/** The same LeNet-5 in tfjs-layers (NHWC): conv 6@5x5 same → pool → conv 16@5x5 → pool → 120 → 84 → 10. */
function tfLenet(tfl: Tfl) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'relu' }),
      tfl.layers.dense({ units: 84, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
  return model;
}

function tfjsImpls(tf: Tf, tfl: Tfl): { train: Implementation; infer: Implementation } {
  let model: ReturnType<typeof tfLenet> | undefined;
  let x: import('@tensorflow/tfjs-core').Tensor | undefined;
  let y: import('@tensorflow/tfjs-core').Tensor | undefined;
  let one: import('@tensorflow/tfjs-core').Tensor | undefined;
  const setup = async () => {
    await tf.setBackend('cpu');
    if (model) return;
    model = tfLenet(tfl);
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    x ??= tf.randomNormal([BATCH, 28, 28, 1]);
    y ??= tf.cast(tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32'), 10), 'float32');
    one ??= tf.randomNormal([1, 28, 28, 1]);
  };
  return {
    train: {
      name: 'tfjs-layers (cpu)',
      peer: true,
      setup,
      async run() {
        await (model as ReturnType<typeof tfLenet>).trainOnBatch(x as never, y as never);
      },
    },
    infer: {
      name: 'tfjs-layers (cpu)',
      peer: true,
      setup,
      run() {
        const out = (model as ReturnType<typeof tfLenet>).predict(one as never) as import('@tensorflow/tfjs-core').Tensor;
        out.dataSync();
        out.dispose();
      },
    },
  };
}

function strataImpls(): { train: Implementation; infer: Implementation } {
  let model: LeNet5 | undefined;
  let optimizer: Adam | undefined;
  let x: Tensor | undefined;
  let y: Tensor | undefined;
  let one: Tensor | undefined;
  const setup = async () => {
    await setBackend('cpu');
    const g = new Generator(0);
    model ??= new LeNet5({ generator: g });
    optimizer ??= new Adam(model.parameters(), { lr: 1e-3 });
    x ??= randn([BATCH, 1, 28, 28], { generator: g });
    y ??= randint(0, 10, [BATCH], { generator: g });
    one ??= randn([1, 1, 28, 28], { generator: g });
  };
  return {
    train: {
      name: 'Strata CPU',
      peer: false,
      setup,
      run() {
        tidy(() => crossEntropy((model as LeNet5).forward(x as Tensor), y as Tensor).backward());
        (optimizer as Adam).step();
        (optimizer as Adam).zeroGrad();
      },
    },
    infer: {
      name: 'Strata CPU',
      peer: false,
      setup,
      run() {
        const out = noGrad(() => (model as LeNet5).forward(one as Tensor));
        out.dataSync();
        out.dispose();
      },
    },
  };
}

const suite: Suite = {
  name: 'lenet',
  description:
    'LeNet-5 on 28x28 inputs: training step (batch 64, Adam) and batch-1 inference, Strata CPU vs tfjs-layers on tfjs-cpu',
  async cases(): Promise<BenchCase[]> {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const tfl = await import('@tensorflow/tfjs-layers');
    tf.enableProdMode();
    const ours = strataImpls();
    const theirs = tfjsImpls(tf, tfl);
    return [
      {
        name: `training step, batch ${BATCH} (forward, backward, Adam)`,
        work: { amount: BATCH, unit: 'images' },
        limits: { warmup: 1, repetitions: 5 },
        implementations: [theirs.train, ours.train],
      },
      {
        name: 'inference, batch 1 (latency)',
        work: { amount: 1, unit: 'images' },
        implementations: [theirs.infer, ours.infer],
      },
    ];
  },
};

export default suite;
