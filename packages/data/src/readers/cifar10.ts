/**
 * CIFAR-10, "binary version" (cifar-10-binary.tar.gz): five training batches
 * `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`, 10 000 records
 * each. A record is 3073 bytes: the label (0..9), then 1024 red, 1024 green
 * and 1024 blue bytes of a 32 x 32 image, row-major — already CHW.
 */
import { DataFormatError } from '../errors';
import { LabelledImages, type LabelledImagesData, type LabelledImagesOptions } from './image-dataset';
import { type DataSource, readDataFile, type UrlSourceOptions, urlSource } from './source';

const RECORD = 3073;
const IMAGE = 3072;

export const CIFAR10_TRAIN_FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
];
export const CIFAR10_TEST_FILES = ['test_batch.bin'];

/** The directory layout, for error messages. */
export const CIFAR10_LAYOUT =
  'the CIFAR-10 binary version (cifar-10-binary.tar.gz, extracted): a directory (or its cifar-10-batches-bin/ subdirectory) with data_batch_1.bin … data_batch_5.bin and test_batch.bin, each a sequence of 3073-byte records (1 label byte 0..9, then 3072 pixel bytes: 1024 R, 1024 G, 1024 B, row-major 32x32)';

export interface Cifar10Batch {
  count: number;
  labels: Uint8Array;
  /** count * 3072 bytes, each image planar (3, 32, 32). */
  pixels: Uint8Array;
}

/**
 * Parses one CIFAR-10 binary batch file. Its size must be a positive multiple
 * of 3073 and every label below 10; otherwise a DataFormatError names the file.
 *
 * @example
 * const { count, labels, pixels } = parseCifar10Batch(bytes, { file: 'test_batch.bin' }); // 10000, ...
 */
export function parseCifar10Batch(bytes: Uint8Array, options: { file?: string } = {}): Cifar10Batch {
  const file = options.file ?? '<CIFAR-10 batch>';
  const fail = (message: string): never => {
    throw new DataFormatError(`${file}: ${message}; expected ${CIFAR10_LAYOUT}`, { file });
  };
  if (bytes.length === 0) fail('is empty');
  if (bytes.length % RECORD !== 0)
    fail(
      `is ${bytes.length} bytes, not a multiple of the ${RECORD}-byte record (${Math.floor(bytes.length / RECORD)} records and ${bytes.length % RECORD} bytes left over: truncated, or not a CIFAR-10 binary batch — CIFAR-100 records are 3074 bytes)`,
    );
  const count = bytes.length / RECORD;
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * IMAGE);
  for (let i = 0; i < count; i++) {
    const label = bytes[i * RECORD] as number;
    if (label >= 10) fail(`record ${i} (byte offset ${i * RECORD}) has label ${label}, outside 0..9`);
    labels[i] = label;
    pixels.set(bytes.subarray(i * RECORD + 1, (i + 1) * RECORD), i * IMAGE);
  }
  return { count, labels, pixels };
}

/** Joins parsed batches into one labelled image set. */
export function joinCifar10Batches(batches: readonly Cifar10Batch[]): LabelledImagesData {
  const count = batches.reduce((n, b) => n + b.count, 0);
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * IMAGE);
  let offset = 0;
  for (const b of batches) {
    labels.set(b.labels, offset);
    pixels.set(b.pixels, offset * IMAGE);
    offset += b.count;
  }
  return { pixels, labels, imageShape: [3, 32, 32], numClasses: 10 };
}

/** Reads one split's batch files from a source. */
export async function readCifar10Split(source: DataSource, train: boolean): Promise<LabelledImagesData> {
  await source.ensure?.(CIFAR10_LAYOUT);
  const batches: Cifar10Batch[] = [];
  for (const name of train ? CIFAR10_TRAIN_FILES : CIFAR10_TEST_FILES) {
    const { bytes, file } = await readDataFile(source, name, CIFAR10_LAYOUT);
    batches.push(parseCifar10Batch(bytes, { file }));
  }
  return joinCifar10Batches(batches);
}

export interface Cifar10LoadOptions extends LabelledImagesOptions, UrlSourceOptions {
  /** The five training batches (default true) or the test batch. */
  train?: boolean;
  /** Base URL of the batch files. */
  root: string | URL;
}

/**
 * CIFAR-10: 32 x 32 colour images in 10 classes (50 000 train, 10 000 test).
 * Items are `{ image, label }` with `image` float32 (3, 32, 32) in [0, 1]
 * (then `transform`ed); `toTensors()` gives (N, 3, 32, 32) and (N) int32.
 *
 * @example
 * import { CIFAR10 } from '@strata/data/node';
 * const train = await CIFAR10.load({ root: './data/cifar-10-batches-bin', train: true });
 * const test = CIFAR10.fromBytes([testBatchBytes]);
 */
export class CIFAR10 extends LabelledImages {
  static readonly classes: readonly string[] = [
    'airplane',
    'automobile',
    'bird',
    'cat',
    'deer',
    'dog',
    'frog',
    'horse',
    'ship',
    'truck',
  ];

  /** From the bytes of one or more batch files (names for messages optional). */
  static fromBytes(batches: readonly Uint8Array[], options: LabelledImagesOptions & { files?: readonly string[] } = {}): CIFAR10 {
    if (batches.length === 0) throw new RangeError('CIFAR10.fromBytes: needs at least one batch');
    const parsed = batches.map((b, i) => parseCifar10Batch(b, { file: options.files?.[i] ?? `<batch ${i}>` }));
    return new this(joinCifar10Batches(parsed), options);
  }

  /** One split from any `DataSource`. */
  static async fromSource(source: DataSource, options: { train?: boolean } & LabelledImagesOptions = {}): Promise<CIFAR10> {
    return new this(await readCifar10Split(source, options.train ?? true), options);
  }

  /** One split fetched from a base URL (in Node, `@strata/data/node`'s CIFAR10 reads a local directory). */
  static async load(options: Cifar10LoadOptions): Promise<CIFAR10> {
    return new this(await readCifar10Split(urlSource(options.root, options), options.train ?? true), options);
  }
}
