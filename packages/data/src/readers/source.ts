/**
 * Where dataset files come from. Readers ask a `DataSource` for files by their
 * standard names; the main entry provides `urlSource` (fetch, for browsers and
 * servers), the node entry a directory source (node:fs). Files may be stored
 * gzip-compressed as `<name>.gz`; they are decompressed here, with a size cap
 * so a corrupt or hostile file cannot make us allocate without bound.
 */
import { DataFormatError } from '../errors';

/** Decompressed-size cap (bytes) by default: more than any standard dataset file (CIFAR batches are 30 MB). */
export const DEFAULT_MAX_BYTES = 1 << 30;

export interface DataSource {
  /** The directory or URL the files are read from (for messages). */
  readonly location: string;
  /** The full path or URL of `name` (for messages). */
  describe(name: string): string;
  /** The bytes of `name`, or undefined when it does not exist. */
  read(name: string): Promise<Uint8Array | undefined>;
  /** Throws a DataFormatError (mentioning `layout`) when the location itself is missing. */
  ensure?(layout: string): Promise<void>;
  /** Decompresses gzip bytes (default: `gunzip`, i.e. DecompressionStream). */
  gunzip?(bytes: Uint8Array, file: string): Promise<Uint8Array>;
}

/** True when `bytes` start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip bytes with the platform's `DecompressionStream` (browsers,
 * Node 18+, Deno). Corrupt data or output over `maxBytes` is a DataFormatError.
 *
 * @example
 * const raw = await gunzip(new Uint8Array(await (await fetch(url)).arrayBuffer()), { file: url });
 */
export async function gunzip(bytes: Uint8Array, options: { file?: string; maxBytes?: number } = {}): Promise<Uint8Array> {
  const file = options.file ?? '<bytes>';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof DecompressionStream === 'undefined')
    throw new DataFormatError(`${file}: is gzip-compressed and this platform has no DecompressionStream; decompress it first`, {
      file,
    });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new DataFormatError(`${file}: decompresses to more than ${maxBytes} bytes (the limit); is it the right file?`, {
          file,
        });
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof DataFormatError) throw error;
    throw new DataFormatError(`${file}: corrupt gzip data (${error instanceof Error ? error.message : String(error)})`, {
      file,
      cause: error,
    });
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/**
 * Reads `name`, or else `name.gz` (decompressed), from a source. A file that
 * is missing under both names is a DataFormatError naming the location and
 * the expected `layout`.
 */
export async function readDataFile(
  source: DataSource,
  name: string,
  layout: string,
): Promise<{ bytes: Uint8Array; file: string }> {
  for (const candidate of [name, `${name}.gz`]) {
    const bytes = await source.read(candidate);
    if (!bytes) continue;
    const file = source.describe(candidate);
    if (!isGzip(bytes)) return { bytes, file };
    return { bytes: await (source.gunzip ? source.gunzip(bytes, file) : gunzip(bytes, { file })), file };
  }
  throw new DataFormatError(`${source.describe(name)}: not found (nor ${name}.gz) in ${source.location}; expected ${layout}`, {
    file: source.describe(name),
  });
}

export interface UrlSourceOptions {
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  init?: RequestInit;
}

/**
 * Files under a base URL (a trailing slash is added). A 404 counts as missing;
 * other failures are DataFormatErrors naming the URL.
 *
 * @example
 * const mnist = await MNIST.load({ root: 'https://example.com/datasets/mnist/' });
 */
export function urlSource(root: string | URL, options: UrlSourceOptions = {}): DataSource {
  const base = String(root).endsWith('/') ? String(root) : `${String(root)}/`;
  const doFetch = options.fetch ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init));
  const describe = (name: string) => new URL(name, base).href;
  return {
    location: base,
    describe,
    async read(name) {
      const url = describe(name);
      let response: Response;
      try {
        response = await doFetch(url, options.init);
      } catch (error) {
        throw new DataFormatError(`${url}: could not be fetched (${error instanceof Error ? error.message : String(error)})`, {
          file: url,
          cause: error,
        });
      }
      if (response.status === 404) return undefined;
      if (!response.ok) throw new DataFormatError(`${url}: HTTP ${response.status} ${response.statusText}`, { file: url });
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
