/**
 * Loading LeNet-5 with the weights shipped in this package
 * (weights/lenet5.safetensors, written by `strata train lenet`; its metadata
 * records the test accuracy it reached) and running it on images.
 */

import { noGrad } from '@strata/autograd';
import { interpolate, loadSafetensors, softmax, type Tensor, tensor, tidy } from '@strata/core';
import { decodeImage } from './image';
import { LeNet5, type LeNet5Config } from './lenet5';
import { MNIST_MEAN, MNIST_STD } from './mnist-norm';

export const LENET5_WEIGHTS_URL = new URL('../weights/lenet5.safetensors', import.meta.url);

async function readWeights(url: URL): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    const fs = 'node:fs/promises';
    const { readFile } = (await import(/* @vite-ignore */ fs)) as typeof import('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`lenet5: cannot fetch pretrained weights from ${url} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

export interface LeNet5Options extends LeNet5Config {
  /** Load the shipped MNIST weights (modern variant). */
  pretrained?: boolean;
  /** Where to read weights from instead of the shipped file. */
  weightsUrl?: URL;
}

/** `await lenet5({ pretrained: true })`: a LeNet-5 in eval mode, ready for inference. */
export async function lenet5(options: LeNet5Options = {}): Promise<LeNet5 & { metadata: Record<string, string> }> {
  const model = new LeNet5(options) as LeNet5 & { metadata: Record<string, string> };
  model.metadata = {};
  if (options.pretrained || options.weightsUrl) {
    if ((options.variant ?? 'modern') !== 'modern') throw new Error("lenet5: pretrained weights exist for variant 'modern' only");
    const { tensors, metadata } = loadSafetensors(await readWeights(options.weightsUrl ?? LENET5_WEIGHTS_URL));
    try {
      model.loadStateDict(tensors);
    } finally {
      for (const t of Object.values(tensors)) t.dispose();
    }
    model.metadata = metadata;
  }
  return model.eval();
}

export type DigitImage = Uint8Array | Uint8ClampedArray | readonly (readonly number[])[] | Float32Array;

export interface PredictOptions {
  /**
   * Invert intensities (MNIST digits are light on dark). 'auto' (default)
   * inverts when the image is mostly light.
   */
  invert?: boolean | 'auto';
}

export interface Prediction {
  label: number;
  probabilities: number[];
}

/** A (1, 1, 28, 28) normalised input from encoded bytes, a 28×28 array (0..255), or 784 intensities. */
export function toInput(image: DigitImage, options: PredictOptions = {}): Tensor {
  let width: number;
  let height: number;
  let pixels: Float32Array;
  if (image instanceof Uint8Array && (image[0] === 0x89 || image[0] === 0x50) && image.length !== 784) {
    ({ width, height, pixels } = decodeImage(image));
  } else if (ArrayBuffer.isView(image)) {
    if (image.length !== 784) throw new RangeError(`predict: raw pixel arrays must hold 28*28 = 784 values, got ${image.length}`);
    width = 28;
    height = 28;
    pixels = image instanceof Float32Array ? Float32Array.from(image) : Float32Array.from(image, (v) => v / 255);
  } else {
    height = image.length;
    width = image[0]?.length ?? 0;
    if (image.some((row) => row.length !== width)) throw new RangeError('predict: image rows must all have the same length');
    pixels = Float32Array.from(image.flat(), (v) => v / 255);
  }
  const mean = pixels.reduce((a, b) => a + b, 0) / Math.max(1, pixels.length);
  const invert = options.invert === 'auto' || options.invert === undefined ? mean > 0.5 : options.invert;
  if (invert) for (let i = 0; i < pixels.length; i++) pixels[i] = 1 - (pixels[i] as number);
  return tidy(() => {
    let x = tensor(pixels, { shape: [1, 1, height, width], dtype: 'float32' });
    if (height !== 28 || width !== 28) x = interpolate(x, { size: [28, 28], mode: 'bilinear' });
    return x.sub(MNIST_MEAN).div(MNIST_STD);
  });
}

/** Classifies one digit image. */
export async function predict(model: LeNet5, image: DigitImage, options: PredictOptions = {}): Promise<Prediction> {
  const probs = noGrad(() =>
    tidy(() => {
      const x = toInput(image, options);
      return softmax(model.forward(x), 1);
    }),
  );
  const probabilities = Array.from(await probs.data());
  probs.dispose();
  let label = 0;
  for (let k = 1; k < probabilities.length; k++) if ((probabilities[k] as number) > (probabilities[label] as number)) label = k;
  return { label, probabilities };
}
