/** Reading safetensors: every header entry is validated before any tensor is allocated (see safetensors.ts). */
import type { StorageArray } from '../dtype';
import { fromStorageArray, getBackend } from '../engine';
import { DTypeError, fmtShape } from '../errors';
import type { Tensor } from '../tensor/tensor';
import {
  hostIsLittleEndian,
  itemSize,
  knownUnsupported,
  type LoadedSafetensors,
  type LoadSafetensorsOptions,
  METADATA_KEY,
  SAFETENSORS_MAX_HEADER_BYTES,
  type SafetensorsDType,
  SafetensorsError,
  safetensorsReadDTypes,
} from './safetensors-format';

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function truncate(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

function quoted(name: string): string {
  return truncate(JSON.stringify(name));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseEntry(name: string, value: unknown): Entry {
  const where = `safetensors: tensor ${quoted(name)}`;
  if (!isPlainObject(value)) throw new SafetensorsError(`${where}: header entry must be an object, got ${show(value)}`);
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!Object.hasOwn(value, field)) throw new SafetensorsError(`${where}: header entry is missing "${field}"`);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') throw new SafetensorsError(`${where}: "dtype" must be a string, got ${show(dtype)}`);
  if (!Object.hasOwn(itemSize, dtype)) {
    const supported = Object.keys(itemSize).join(', ');
    throw new SafetensorsError(
      knownUnsupported.has(dtype)
        ? `${where}: dtype "${dtype}" is not supported (supported: ${supported})`
        : `${where}: unknown dtype ${quoted(dtype)} (supported: ${supported})`,
    );
  }
  if (!Array.isArray(shape)) throw new SafetensorsError(`${where}: "shape" must be an array, got ${show(shape)}`);
  shape.forEach((d: unknown, i) => {
    if (!isNonNegativeSafeInteger(d)) {
      throw new SafetensorsError(`${where}: shape dimension ${i} must be a non-negative integer, got ${show(d)}`);
    }
  });
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw new SafetensorsError(`${where}: "data_offsets" must be an array [begin, end], got ${show(offsets)}`);
  }
  const [begin, end] = offsets as unknown[];
  if (!isNonNegativeSafeInteger(begin) || !isNonNegativeSafeInteger(end)) {
    throw new SafetensorsError(
      `${where}: "data_offsets" must hold two non-negative integers, got [${show(begin)}, ${show(end)}]`,
    );
  }
  if (begin > end) throw new SafetensorsError(`${where}: data_offsets [${begin}, ${end}] begin after they end`);
  const dims = (shape as number[]).map((d) => d + 0); // normalises -0
  // Element count with overflow checks (a zero dimension makes it 0 whatever the rest).
  let elements = dims.includes(0) ? 0 : 1;
  if (elements !== 0) {
    for (const d of dims) {
      if (elements > Number.MAX_SAFE_INTEGER / d) {
        throw new SafetensorsError(`${where}: shape ${fmtShape(dims)} has more elements than can be addressed`);
      }
      elements *= d;
    }
  }
  const typed = dtype as SafetensorsDType;
  const size = itemSize[typed];
  if (elements > Number.MAX_SAFE_INTEGER / size) {
    throw new SafetensorsError(`${where}: shape ${fmtShape(dims)} of ${dtype} has more bytes than can be addressed`);
  }
  const nbytes = elements * size;
  if (end - begin !== nbytes) {
    throw new SafetensorsError(
      `${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but shape ${fmtShape(dims)} of ${dtype} needs ${nbytes}`,
    );
  }
  return { name, dtype: typed, shape: dims, begin: begin + 0, end: end + 0 };
}

function parseMetadata(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new SafetensorsError(`safetensors: "${METADATA_KEY}" must be an object of strings, got ${show(value)}`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError(`safetensors: "${METADATA_KEY}" value for key ${quoted(key)} must be a string, got ${show(v)}`);
    }
  }
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}

/** Header length, JSON and the data section, with every bound checked. */
function parseLayout(file: Uint8Array): { entries: Entry[]; metadata: Record<string, string>; data: Uint8Array } {
  if (file.length < 8) {
    throw new SafetensorsError(`safetensors: file is ${file.length} bytes, shorter than the 8-byte header length prefix`);
  }
  const headerLength = new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      `safetensors: header length ${headerLength} (bytes 0..8) exceeds the ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit; the file is corrupt or not safetensors`,
    );
  }
  const n = Number(headerLength);
  if (n > file.length - 8) {
    throw new SafetensorsError(
      `safetensors: header length ${n} (bytes 0..8) runs past the end of the file (${file.length} bytes, so at most ${file.length - 8} header bytes)`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(file.slice(8, 8 + n));
  } catch {
    throw new SafetensorsError(`safetensors: header (bytes 8..${8 + n}) is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new SafetensorsError(`safetensors: header (bytes 8..${8 + n}) is not valid JSON: ${truncate(reason, 200)}`);
  }
  if (!isPlainObject(header)) throw new SafetensorsError(`safetensors: header must be a JSON object, got ${show(header)}`);

  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value);
    else entries.push(parseEntry(name, value));
  }

  // The tensors must tile the data section exactly: sorted by offsets, each
  // begins where the previous ended, the first at 0 and the last at its end.
  const data = file.subarray(8 + n);
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: Entry | undefined;
  for (const e of sorted) {
    if (e.end > data.length) {
      throw new SafetensorsError(
        `safetensors: tensor ${quoted(e.name)}: data_offsets [${e.begin}, ${e.end}] run past the end of the data section (${data.length} bytes)`,
      );
    }
    if (e.begin < cursor) {
      throw new SafetensorsError(
        `safetensors: tensor ${quoted(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap tensor ${quoted((previous as Entry).name)}, which ends at ${cursor}`,
      );
    }
    if (e.begin > cursor) {
      const after = previous ? `after tensor ${quoted(previous.name)}` : 'at the start of the data section';
      throw new SafetensorsError(
        `safetensors: gap in the data section: bytes ${cursor}..${e.begin} ${after} belong to no tensor (next is ${quoted(e.name)})`,
      );
    }
    cursor = e.end;
    previous = e;
  }
  if (cursor !== data.length) {
    throw new SafetensorsError(
      `safetensors: the data section is ${data.length} bytes but the tensors cover only ${cursor}; bytes ${cursor}..${data.length} belong to no tensor`,
    );
  }
  return { entries, metadata, data };
}

/** A copy of `bytes[begin, end)` in host byte order, for a `width`-byte element type. */
function hostOrder(data: Uint8Array, begin: number, end: number, width: number): ArrayBuffer {
  const copy = data.slice(begin, end);
  if (!hostIsLittleEndian && width > 1) {
    for (let i = 0; i < copy.length; i += width) copy.subarray(i, i + width).reverse();
  }
  return copy.buffer;
}

/** Converts one validated entry to the storage of its Strata dtype. */
function decode(e: Entry, data: Uint8Array): StorageArray {
  const { begin, end } = e;
  switch (e.dtype) {
    case 'F32':
      return new Float32Array(hostOrder(data, begin, end, 4));
    case 'F16':
      return new Uint16Array(hostOrder(data, begin, end, 2));
    case 'BF16': {
      const bits = new Uint16Array(hostOrder(data, begin, end, 2));
      const out = new Uint32Array(bits.length);
      for (let i = 0; i < bits.length; i++) out[i] = (bits[i] as number) << 16;
      return new Float32Array(out.buffer);
    }
    case 'F64':
      return new Float32Array(new Float64Array(hostOrder(data, begin, end, 8)));
    case 'I32':
      return new Int32Array(hostOrder(data, begin, end, 4));
    case 'I64': {
      const words = new Int32Array(hostOrder(data, begin, end, 8));
      const out = new Int32Array(words.length / 2);
      const [loWord, hiWord] = hostIsLittleEndian ? [0, 1] : [1, 0];
      for (let i = 0; i < out.length; i++) {
        const lo = words[2 * i + loWord] as number;
        const hi = words[2 * i + hiWord] as number;
        if (hi !== lo >> 31) {
          const value = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
          throw new SafetensorsError(
            `safetensors: tensor ${quoted(e.name)} (I64): element ${i} is ${value}, outside int32 range [-2147483648, 2147483647]; Strata stores I64 as int32`,
          );
        }
        out[i] = lo;
      }
      return out;
    }
    case 'U8':
      return new Int32Array(data.subarray(begin, end));
    case 'BOOL': {
      const out = data.slice(begin, end);
      for (let i = 0; i < out.length; i++) out[i] = out[i] !== 0 ? 1 : 0;
      return out;
    }
  }
}

/**
 * Reads safetensors bytes into tensors (on `options.backend`, default the
 * current one). F32, F16 (bits exact), I32 and BOOL keep their type; BF16 and
 * F64 become float32, U8 int32, and I64 int32 (a value outside int32's range
 * throws). The whole header is validated — dtypes, shapes, offsets, sizes, and
 * that the tensors tile the data section exactly — before any tensor is made;
 * any problem throws a {@link SafetensorsError}.
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer, options: LoadSafetensorsOptions = {}): LoadedSafetensors {
  let file: Uint8Array;
  // A plain Uint8Array view: Node's Buffer subclass makes `slice` a view, not the copy relied on below.
  if (bytes instanceof Uint8Array) file = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  else if (bytes instanceof ArrayBuffer || Object.prototype.toString.call(bytes) === '[object ArrayBuffer]') {
    file = new Uint8Array(bytes);
  } else throw new SafetensorsError('loadSafetensors: expected a Uint8Array or an ArrayBuffer');
  const { entries, metadata, data } = parseLayout(file);
  const backend = options.backend ?? getBackend();
  for (const e of entries) {
    const dtype = safetensorsReadDTypes[e.dtype];
    if (!backend.capabilities.dtypes.includes(dtype)) {
      throw new DTypeError(
        `loadSafetensors: tensor ${quoted(e.name)} (${e.dtype}) loads as ${dtype}, which the '${backend.name}' backend does not support; load on 'cpu' and convert`,
      );
    }
  }
  const storages = entries.map((e) => decode(e, data)); // may still throw (I64 range); no tensor exists yet
  const made: [string, Tensor][] = [];
  try {
    entries.forEach((e, i) => {
      made.push([e.name, fromStorageArray(storages[i] as StorageArray, e.shape, safetensorsReadDTypes[e.dtype], backend)]);
    });
  } catch (err) {
    for (const [, t] of made) t.dispose();
    throw err;
  }
  // fromEntries defines own properties, so a tensor named "__proto__" stays a tensor.
  return { tensors: Object.fromEntries(made), metadata };
}

/**
 * Fetches a safetensors file and loads it (browser or Node 18+; uses `fetch`).
 * A non-2xx response throws a {@link SafetensorsError} naming the URL and status.
 */
export async function loadSafetensorsFromUrl(
  url: string | URL,
  init?: RequestInit,
  options: LoadSafetensorsOptions = {},
): Promise<LoadedSafetensors> {
  const response = await fetch(url, init);
  if (!response.ok) {
    throw new SafetensorsError(
      `loadSafetensorsFromUrl: ${String(url)} answered ${response.status} ${response.statusText}`.trim(),
    );
  }
  return loadSafetensors(await response.arrayBuffer(), options);
}
