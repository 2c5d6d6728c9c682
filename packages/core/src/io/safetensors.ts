/**
 * The safetensors format (https://github.com/huggingface/safetensors): an
 * 8-byte little-endian u64 header length N, N bytes of UTF-8 JSON header, then
 * the tensors' bytes, little-endian and row-major:
 *
 * ```text
 * {"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}
 * ```
 *
 * `data_offsets` are `[begin, end)` byte offsets into the data section (which
 * starts right after the header). Loading never trusts the header: every entry
 * is validated (dtype, shape, offsets, byte size, exact tiling of the data
 * section) before any tensor is allocated, and every problem is a
 * {@link SafetensorsError} that says what is wrong and where.
 *
 * Writing is deterministic (same tensors and metadata → same bytes), in the
 * reference implementation's compact JSON style:
 * - `"__metadata__"` first (only when metadata is given), its keys sorted;
 * - then the tensors **sorted by name** (Unicode code point order, which is
 *   UTF-8 byte order, as Rust sorts strings), each as
 *   `{"dtype":…,"shape":[…],"data_offsets":[begin,end]}`, with contiguous
 *   offsets (no gaps); the reference implementation instead orders by dtype
 *   (widest first) and then name, which readers do not depend on;
 * - the header padded with spaces to a multiple of 8 bytes, as the reference does;
 * - strings escaped as `JSON.stringify` does (which matches serde_json).
 */

import type { Backend } from '../backend/backend';
import { E } from '../backend/expr';
import type { DType, StorageArray } from '../dtype';
import { fromStorageArray, getBackend, runPrimitive } from '../engine';
import { DTypeError, fmtShape } from '../errors';
import { isContiguous } from '../shape';
import { isTensor, type Tensor } from '../tensor/tensor';

/** A malformed safetensors file, or a record/metadata that cannot be written as one. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** The dtypes `loadSafetensors` reads, and what each becomes. */
export const safetensorsReadDTypes: Readonly<Record<SafetensorsDType, DType>> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'float32',
  F64: 'float32',
  I32: 'int32',
  I64: 'int32',
  U8: 'int32',
  BOOL: 'bool',
};

/** Safetensors dtype names this library reads. */
export type SafetensorsDType = 'F32' | 'F16' | 'BF16' | 'F64' | 'I32' | 'I64' | 'U8' | 'BOOL';

const itemSize: Readonly<Record<SafetensorsDType, number>> = { F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4, I64: 8, U8: 1, BOOL: 1 };

/** Dtypes of the format this library knows but cannot read (for a clearer error). */
const knownUnsupported = new Set([
  'I8',
  'I16',
  'U16',
  'U32',
  'U64',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
  'C64',
]);

/** The reference implementation's limit on the header size. */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface SaveSafetensorsOptions {
  /**
   * How float32 tensors are written: `'F32'` (default, exact) or `'BF16'`
   * (bfloat16, rounded to nearest even; halves the size, keeps float32's range).
   */
  float32As?: 'F32' | 'BF16';
}

export interface LoadSafetensorsOptions {
  /** The backend the tensors are created on (default: the current backend). */
  backend?: Backend;
}

export interface LoadedSafetensors {
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` (an empty object when there is none). */
  metadata: Record<string, string>;
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

function jsonString(s: string): string {
  return JSON.stringify(s);
}

/** Orders strings by Unicode code point (= UTF-8 byte order), not by UTF-16 code unit. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++; // both are the same astral code point: skip its low surrogate
  }
  return a.length - b.length;
}

function float32ToBFloat16Bits(bits: number): number {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return (bits >>> 16) | 0x40; // NaN stays a (quiet) NaN
  // Round to nearest even; a carry into the exponent correctly rounds up to the next binade or infinity.
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The tensor's storage, row-major and contiguous (a copy for views). */
async function rawData(t: Tensor): Promise<StorageArray> {
  t.assertAlive('saveSafetensors');
  const direct = t.offset === 0 && isContiguous(t.shape, t.strides) && t.storage.size === t.size;
  const source = direct ? t : runPrimitive('elementwise', [t], { expr: E.input(0, t.dtype) }, { shape: t.shape, dtype: t.dtype });
  try {
    const raw = await source.backend.read(source.storage.handle, source.dtype, source.size);
    return raw.length === t.size ? raw : (raw.subarray(0, t.size) as StorageArray);
  } finally {
    if (!direct) source.dispose();
  }
}

/** Little-endian bytes of a storage array (a view of it on little-endian hosts). */
function littleEndianBytes(values: StorageArray | Uint16Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const width = values.BYTES_PER_ELEMENT;
  if (hostIsLittleEndian || width === 1) return bytes;
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width)
    for (let j = 0; j < width; j++) swapped[i + j] = bytes[i + width - 1 - j] as number;
  return swapped;
}

interface Encoded {
  name: string;
  dtype: SafetensorsDType;
  shape: readonly number[];
  bytes: Uint8Array;
}

async function encodeTensor(name: string, t: Tensor, options: SaveSafetensorsOptions): Promise<Encoded> {
  const raw = await rawData(t);
  switch (t.dtype) {
    case 'float32': {
      if (options.float32As === 'BF16') {
        const bits = new Uint32Array(raw.buffer, raw.byteOffset, raw.length);
        const out = new Uint16Array(raw.length);
        for (let i = 0; i < out.length; i++) out[i] = float32ToBFloat16Bits(bits[i] as number);
        return { name, dtype: 'BF16', shape: t.shape, bytes: littleEndianBytes(out) };
      }
      return { name, dtype: 'F32', shape: t.shape, bytes: littleEndianBytes(raw) };
    }
    case 'float16':
      return { name, dtype: 'F16', shape: t.shape, bytes: littleEndianBytes(raw) };
    case 'int32':
      return { name, dtype: 'I32', shape: t.shape, bytes: littleEndianBytes(raw) };
    case 'bool':
      return { name, dtype: 'BOOL', shape: t.shape, bytes: littleEndianBytes(raw) };
  }
}

function checkRecord(record: unknown): asserts record is Record<string, Tensor> {
  if (typeof record !== 'object' || record === null || Array.isArray(record) || isTensor(record)) {
    throw new SafetensorsError('saveSafetensors: expected a record of named tensors, e.g. { weight: w, bias: b }');
  }
  for (const [name, value] of Object.entries(record)) {
    if (name === METADATA_KEY) {
      throw new SafetensorsError(`saveSafetensors: the name "${METADATA_KEY}" is reserved for metadata; rename that tensor`);
    }
    if (!isTensor(value)) {
      throw new SafetensorsError(`saveSafetensors: record["${name}"] is ${value === null ? 'null' : typeof value}, not a Tensor`);
    }
  }
}

function checkMetadata(metadata: unknown): asserts metadata is Record<string, string> {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new SafetensorsError('saveSafetensors: metadata must be an object of string values');
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new SafetensorsError(`saveSafetensors: metadata["${key}"] must be a string, got ${typeof value}`);
    }
  }
}

/**
 * Serialises named tensors (and optional string metadata) to safetensors bytes.
 * float32 → F32 (or BF16, see options), float16 → F16 (bits exact), int32 → I32,
 * bool → BOOL. Views are written as contiguous row-major copies. Output is
 * deterministic: `__metadata__` first with sorted keys, then tensors sorted by
 * name, compact JSON, header padded with spaces to a multiple of 8 bytes.
 */
export async function saveSafetensors(
  record: Record<string, Tensor>,
  metadata?: Record<string, string>,
  options: SaveSafetensorsOptions = {},
): Promise<Uint8Array> {
  checkRecord(record);
  if (metadata !== undefined) checkMetadata(metadata);
  if (options.float32As !== undefined && options.float32As !== 'F32' && options.float32As !== 'BF16') {
    throw new SafetensorsError(`saveSafetensors: float32As must be 'F32' or 'BF16', got ${JSON.stringify(options.float32As)}`);
  }
  const names = Object.keys(record).sort(compareCodePoints);
  const encoded: Encoded[] = [];
  for (const name of names) encoded.push(await encodeTensor(name, record[name] as Tensor, options));

  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(compareCodePoints);
    parts.push(`"${METADATA_KEY}":{${keys.map((k) => `${jsonString(k)}:${jsonString(metadata[k] as string)}`).join(',')}}`);
  }
  let offset = 0;
  for (const e of encoded) {
    const end = offset + e.bytes.length;
    parts.push(`${jsonString(e.name)}:{"dtype":"${e.dtype}","shape":[${e.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > SAFETENSORS_MAX_HEADER_BYTES) {
    throw new SafetensorsError(
      `saveSafetensors: the header would be ${headerLength} bytes, over the format's ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit (too many tensors or too much metadata)`,
    );
  }
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const e of encoded) {
    out.set(e.bytes, at);
    at += e.bytes.length;
  }
  return out;
}

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
