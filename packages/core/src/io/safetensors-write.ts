/** Writing safetensors: see safetensors.ts for the format and the deterministic layout. */
import { E } from '../backend/expr';
import type { StorageArray } from '../dtype';
import { runPrimitive } from '../engine';
import { isContiguous } from '../shape';
import { isTensor, type Tensor } from '../tensor/tensor';
import {
  hostIsLittleEndian,
  METADATA_KEY,
  SAFETENSORS_MAX_HEADER_BYTES,
  type SafetensorsDType,
  SafetensorsError,
  type SaveSafetensorsOptions,
} from './safetensors-format';

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
