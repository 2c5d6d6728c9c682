/**
 * The IDX format (MNIST, Fashion-MNIST, EMNIST): a 4-byte magic — two zero
 * bytes, a type byte, the number of dims — then one big-endian uint32 per dim,
 * then the values, big-endian, row-major. MNIST images are type 0x08 (uint8)
 * with 3 dims [count, rows, cols] (magic 2051 = 0x00000803); labels are uint8
 * with 1 dim [count] (magic 2049 = 0x00000801).
 *
 * Every header is checked before anything is allocated: the values the dims
 * promise must be exactly the bytes that follow (a multiplied-out product is
 * compared against the bytes actually present, never trusted).
 */
import { DataFormatError } from '../errors';
import { gunzip, isGzip } from './source';

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export interface IdxArrays {
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

export interface IdxArray<D extends IdxDType = IdxDType> {
  dtype: D;
  shape: number[];
  /** Row-major values in native byte order (uint8 data is a view into the input bytes). */
  data: IdxArrays[D];
}

const TYPES: Readonly<Record<number, { dtype: IdxDType; size: number }>> = {
  8: { dtype: 'uint8', size: 1 },
  9: { dtype: 'int8', size: 1 },
  11: { dtype: 'int16', size: 2 },
  12: { dtype: 'int32', size: 4 },
  13: { dtype: 'float32', size: 4 },
  14: { dtype: 'float64', size: 8 },
};

/** The IDX layout, for error messages. */
export const IDX_LAYOUT =
  'an IDX file: bytes 0-1 zero, byte 2 the type (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), byte 3 the number of dims, one big-endian uint32 per dim, then the values';

export interface ParseIdxOptions {
  /** The file's name or path, for error messages. */
  file?: string;
  /** Synchronous gzip decompression (the node entry passes node:zlib's); without it, gzip bytes are an error here — use `parseIdxAsync`. */
  gunzip?: (bytes: Uint8Array) => Uint8Array;
}

function fail(file: string, message: string, expected = IDX_LAYOUT): never {
  throw new DataFormatError(`${file}: ${message}; expected ${expected}`, { file });
}

/**
 * Parses IDX bytes (see the file header). Throws a DataFormatError naming the
 * file for a bad magic, an unknown type, a truncated or oversized body, or
 * gzip data without a `gunzip`.
 *
 * @example
 * const { dtype, shape, data } = parseIdx(bytes, { file: 'train-images-idx3-ubyte' });
 * // 'uint8', [60000, 28, 28], Uint8Array(47040000)
 */
export function parseIdx(input: Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  const file = options.file ?? '<IDX bytes>';
  let bytes = input;
  if (isGzip(bytes)) {
    if (!options.gunzip)
      fail(
        file,
        'is gzip-compressed; decompress it first (parseIdxAsync, or readIdxFile from @strata/data/node)',
        'raw IDX bytes',
      );
    try {
      bytes = options.gunzip(bytes);
    } catch (error) {
      if (error instanceof DataFormatError) throw error;
      throw new DataFormatError(`${file}: corrupt gzip data (${error instanceof Error ? error.message : String(error)})`, {
        file,
        cause: error,
      });
    }
  }
  if (bytes.length < 4) fail(file, `is ${bytes.length} bytes long, shorter than the 4-byte magic`);
  if (bytes[0] !== 0 || bytes[1] !== 0)
    fail(
      file,
      `bad magic 0x${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('')} (the first two bytes must be zero)`,
    );
  const type = TYPES[bytes[2] as number];
  if (!type) fail(file, `unknown IDX type byte 0x${(bytes[2] as number).toString(16).padStart(2, '0')}`);
  const ndim = bytes[3] as number;
  if (ndim === 0) fail(file, 'declares 0 dims');
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes)
    fail(file, `is truncated: its header needs ${headerBytes} bytes for ${ndim} dims, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const available = bytes.length - headerBytes;
  // Multiply out the dims but stop as soon as they exceed what the file holds.
  let count = shape.includes(0) ? 0 : 1;
  for (const d of shape) {
    if (count === 0) break;
    count *= d;
    if (count * type.size > available) break;
  }
  const needed = count * type.size;
  if (needed > available)
    fail(
      file,
      `is truncated: dims [${shape.join(', ')}] of ${type.dtype} need ${shape.some((d) => d === 0) ? 0 : `${shape.join(' * ')} * ${type.size}`} bytes after the ${headerBytes}-byte header, but only ${available} follow`,
    );
  if (needed < available)
    fail(
      file,
      `has ${available - needed} unexpected trailing bytes: dims [${shape.join(', ')}] of ${type.dtype} take ${needed} bytes after the header, ${available} follow`,
    );
  const body = bytes.subarray(headerBytes);
  return { dtype: type.dtype, shape, data: decode(type.dtype, body, count, view, headerBytes) };
}

function decode(dtype: IdxDType, body: Uint8Array, count: number, view: DataView, offset: number): IdxArrays[IdxDType] {
  switch (dtype) {
    case 'uint8':
      return body;
    case 'int8':
      return new Int8Array(body.buffer, body.byteOffset, count);
    case 'int16':
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(offset + 2 * i, false));
    case 'int32':
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(offset + 4 * i, false));
    case 'float32':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(offset + 4 * i, false));
    case 'float64':
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(offset + 8 * i, false));
  }
}

/**
 * `parseIdx` that also accepts gzip bytes, decompressing them with the
 * platform's DecompressionStream (browsers, Node 18+).
 *
 * @example
 * const labels = await parseIdxAsync(new Uint8Array(await res.arrayBuffer()), { file: res.url });
 */
export async function parseIdxAsync(input: Uint8Array, options: { file?: string; maxBytes?: number } = {}): Promise<IdxArray> {
  const bytes = isGzip(input) ? await gunzip(input, options) : input;
  return parseIdx(bytes, { file: options.file });
}

const IMAGES_LAYOUT =
  'MNIST-style IDX images: magic 0x00000803 (2051: uint8, 3 dims), then [count, rows, cols], then count*rows*cols pixel bytes';
const LABELS_LAYOUT = 'MNIST-style IDX labels: magic 0x00000801 (2049: uint8, 1 dim), then [count], then count label bytes';

function expectMagic(bytes: Uint8Array, magic: number, layout: string, file: string): void {
  if (bytes.length < 4) fail(file, `is ${bytes.length} bytes long, shorter than the 4-byte magic`, layout);
  const found = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
  if (found !== magic)
    fail(
      file,
      `has magic ${found} (0x${found.toString(16).padStart(8, '0')}), not ${magic} (0x${magic.toString(16).padStart(8, '0')})`,
      layout,
    );
}

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count * rows * cols bytes, image after image, row-major (a view into the input). */
  pixels: Uint8Array;
}

/**
 * Parses an MNIST-style image file (magic 2051), already decompressed.
 *
 * @example
 * const { count, rows, cols, pixels } = parseIdxImages(bytes, { file }); // 60000, 28, 28
 */
export function parseIdxImages(bytes: Uint8Array, options: { file?: string } = {}): IdxImages {
  const file = options.file ?? '<IDX images>';
  expectMagic(bytes, 2051, IMAGES_LAYOUT, file);
  const { shape, data } = parseIdx(bytes, { file });
  const [count, rows, cols] = shape as [number, number, number];
  if (rows === 0 || cols === 0) fail(file, `declares empty ${rows}x${cols} images`, IMAGES_LAYOUT);
  return { count, rows, cols, pixels: data as Uint8Array };
}

/**
 * Parses an MNIST-style label file (magic 2049), already decompressed, and
 * checks every label is below `numClasses` (default 10).
 *
 * @example
 * const labels = parseIdxLabels(bytes, { file }); // Uint8Array [5, 0, 4, 1, 9, ...]
 */
export function parseIdxLabels(bytes: Uint8Array, options: { file?: string; numClasses?: number } = {}): Uint8Array {
  const file = options.file ?? '<IDX labels>';
  const numClasses = options.numClasses ?? 10;
  expectMagic(bytes, 2049, LABELS_LAYOUT, file);
  const labels = parseIdx(bytes, { file }).data as Uint8Array;
  const bad = labels.findIndex((l) => l >= numClasses);
  if (bad >= 0)
    fail(
      file,
      `the label at index ${bad} is ${labels[bad]}, outside 0..${numClasses - 1}`,
      `${LABELS_LAYOUT}, labels in 0..${numClasses - 1}`,
    );
  return labels;
}
