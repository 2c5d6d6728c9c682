/**
 * The shared shape of MNIST, Fashion-MNIST and CIFAR-10: `count` 8-bit images
 * of (C, H, W) stored planar on the host, with integer labels. Items are made
 * on demand; `toTensors()` converts everything at once for training loops.
 */
import { type Backend, fromStorageArray, type Tensor } from '@strata/core';
import type { Collated } from '../collate';
import { checkIndex, type Dataset } from '../dataset';
import { applyTransform, type TransformLike } from '../transforms/transform';

/** One labelled image: `image` float32 (C, H, W) in [0, 1] (then `transform`ed), `label` in 0..numClasses-1. */
export interface LabelledImage {
  image: Tensor;
  label: number;
}

export interface LabelledImagesOptions {
  /** Applied to each item's image tensor (float32 CHW in [0, 1]) by `get`; not by `toTensors`. */
  transform?: TransformLike<Tensor, Tensor>;
}

/** Host arrays of a labelled image set. */
export interface LabelledImagesData {
  /** count * C * H * W bytes, image after image, each planar (C, H, W). */
  pixels: Uint8Array;
  labels: Uint8Array;
  /** [C, H, W] */
  imageShape: readonly [number, number, number];
  numClasses: number;
}

/** Base class of the image dataset readers. */
export class LabelledImages implements Dataset<LabelledImage> {
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  readonly imageShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly transform: TransformLike<Tensor, Tensor> | undefined;

  constructor(data: LabelledImagesData, options: LabelledImagesOptions = {}) {
    const [c, h, w] = data.imageShape;
    if (data.pixels.length !== data.labels.length * c * h * w)
      throw new RangeError(
        `LabelledImages: ${data.pixels.length} pixel bytes do not hold ${data.labels.length} images of ${c}x${h}x${w}`,
      );
    this.pixels = data.pixels;
    this.labels = data.labels;
    this.imageShape = data.imageShape;
    this.numClasses = data.numClasses;
    this.transform = options.transform;
  }

  get length(): number {
    return this.labels.length;
  }

  get #imageSize(): number {
    const [c, h, w] = this.imageShape;
    return c * h * w;
  }

  #floats(indices: readonly number[], where: string): Float32Array {
    const size = this.#imageSize;
    const out = new Float32Array(indices.length * size);
    indices.forEach((index, k) => {
      checkIndex(index, this.length, where);
      const src = this.pixels.subarray(index * size, (index + 1) * size);
      for (let p = 0; p < size; p++) out[k * size + p] = (src[p] as number) / 255;
    });
    return out;
  }

  /** Image `index` as float32 (C, H, W) in [0, 1] with `transform` applied, and its label. */
  get(index: number): LabelledImage {
    const raw = fromStorageArray(this.#floats([index], `${this.constructor.name}.get`), [...this.imageShape], 'float32');
    if (!this.transform) return { image: raw, label: this.labels[index] as number };
    let image: Tensor | undefined;
    try {
      image = applyTransform(this.transform, raw);
    } finally {
      // Transforms return a new handle; a function that hands back its input keeps it.
      if (image !== raw) raw.dispose();
    }
    return { image, label: this.labels[index] as number };
  }

  /** Without a transform, a whole batch in one upload: image (B, C, H, W) float32, label (B) int32. */
  getBatch(indices: readonly number[]): Collated<LabelledImage> | undefined {
    if (this.transform) return undefined;
    const image = fromStorageArray(
      this.#floats(indices, `${this.constructor.name}.getBatch`),
      [indices.length, ...this.imageShape],
      'float32',
    );
    const label = fromStorageArray(
      Int32Array.from(indices, (i) => this.labels[i] as number),
      [indices.length],
      'int32',
    );
    return { image, label };
  }

  /**
   * Everything as two tensors, the fast path for training loops: images
   * (N, C, H, W) float32 in [0, 1] and labels (N) int32. `transform` is not
   * applied. The caller owns (and disposes) both.
   *
   * @example
   * const { images, labels } = mnist.toTensors(); // (60000, 1, 28, 28), (60000)
   */
  toTensors(options: { backend?: Backend } = {}): { images: Tensor; labels: Tensor } {
    const n = this.length;
    const images = new Float32Array(this.pixels.length);
    for (let i = 0; i < images.length; i++) images[i] = (this.pixels[i] as number) / 255;
    return {
      images: fromStorageArray(images, [n, ...this.imageShape], 'float32', options.backend),
      labels: fromStorageArray(Int32Array.from(this.labels), [n], 'int32', options.backend),
    };
  }
}
