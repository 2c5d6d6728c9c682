import { noGrad } from '@strata/autograd';
import { crossEntropy, Generator, randint, randn, type Tensor, tidy } from '@strata/core';
import { Adam } from '@strata/optim';
import { LeNet5 } from '@strata/zoo';
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Implementation } from '../types';

type Tf = typeof import('@tensorflow/tfjs-core');
type Tfl = typeof import('@tensorflow/tfjs-layers');

/** The training batch of the LeNet-5 cases (the `lenet` and `webgpu` suites). */
export const LENET_BATCH = 64;

/** The training step and the batch-1 forward pass of one library on one backend. */
export interface LenetImplementations {
  readonly train: Implementation;
  readonly infer: Implementation;
}

/** Strata's LeNet-5 in tfjs-layers (NHWC): conv 6@5x5 same → pool → conv 16@5x5 → pool → 120 → 84 → 10. */
export function tfLenet(tfl: Tfl): LayersModel {
  return tfl.sequential({
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
}

export interface TfjsLenetOptions {
  readonly name: string;
  /** The tfjs backend to train on ('cpu', 'webgpu', ...); set in setup, before the model is built. */
  readonly backend: string;
  readonly note?: string;
  /** Called after each run, e.g. to turn an error the GPU reported into `Unavailable`. */
  readonly check?: () => void;
}

/**
 * tfjs-layers LeNet-5 with Adam, as a peer. The model and inputs are made once,
 * on `backend`. `trainOnBatch` resolves after reading the loss back, which
 * comes after the optimizer's update in the queue, so a run includes the GPU
 * work on GPU backends; inference reads its logits.
 */
export function tfjsLenet(tf: Tf, tfl: Tfl, options: TfjsLenetOptions): LenetImplementations {
  let model: LayersModel | undefined;
  let x: TfTensor | undefined;
  let y: TfTensor | undefined;
  let one: TfTensor | undefined;
  const setup = async () => {
    if (!(await tf.setBackend(options.backend))) throw new Error(`tfjs backend '${options.backend}' failed to initialise`);
    if (model) return;
    model = tfLenet(tfl);
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    x = tf.randomNormal([LENET_BATCH, 28, 28, 1]);
    y = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniform([LENET_BATCH], 0, 10, 'int32'), 10), 'float32'));
    one = tf.randomNormal([1, 28, 28, 1]);
  };
  const base = { name: options.name, peer: true, ...(options.note ? { note: options.note } : {}), setup };
  return {
    train: {
      ...base,
      async run() {
        await (model as LayersModel).trainOnBatch(x as TfTensor, y as TfTensor);
        options.check?.();
      },
    },
    infer: {
      ...base,
      async run() {
        const out = (model as LayersModel).predict(one as TfTensor) as TfTensor;
        await out.data();
        out.dispose();
        options.check?.();
      },
    },
  };
}

export interface StrataLenetOptions {
  readonly name: string;
  /** Makes the backend current (`setBackend('cpu')`, `useBackend(gpu)`); the model is built on it. */
  readonly activate: () => void | Promise<void>;
  readonly note?: string;
}

/**
 * Strata's LeNet-5 (@strata/zoo) with Adam. The model, optimizer and inputs
 * are made once, on the backend `activate` selects. A training run reads the
 * loss back after the optimizer step, so on a GPU backend it waits for the
 * whole step (forward, backward, Adam); inference reads its logits.
 */
export function strataLenet(options: StrataLenetOptions): LenetImplementations {
  let model: LeNet5 | undefined;
  let optimizer: Adam | undefined;
  let x: Tensor | undefined;
  let y: Tensor | undefined;
  let one: Tensor | undefined;
  const setup = async () => {
    await options.activate();
    if (model) return;
    const g = new Generator(0);
    model = new LeNet5({ generator: g });
    optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    x = randn([LENET_BATCH, 1, 28, 28], { generator: g });
    y = randint(0, 10, [LENET_BATCH], { generator: g });
    one = randn([1, 1, 28, 28], { generator: g });
  };
  const base = { name: options.name, peer: false, ...(options.note ? { note: options.note } : {}), setup };
  return {
    train: {
      ...base,
      async run() {
        const loss = tidy(() => {
          const l = crossEntropy((model as LeNet5).forward(x as Tensor), y as Tensor);
          l.backward();
          return l;
        });
        (optimizer as Adam).step();
        (optimizer as Adam).zeroGrad();
        await loss.data();
        loss.dispose();
      },
    },
    infer: {
      ...base,
      async run() {
        const out = noGrad(() => (model as LeNet5).forward(one as Tensor));
        await out.data();
        out.dispose();
      },
    },
  };
}
