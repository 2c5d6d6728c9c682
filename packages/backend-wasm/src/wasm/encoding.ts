/**
 * The binary encodings a WebAssembly module is made of: LEB128 integers,
 * length-prefixed vectors and names, and sections (id byte + byte length).
 * See https://webassembly.github.io/spec/core/binary/index.html.
 */

/** Unsigned LEB128: 7 bits per byte, low bits first, high bit set on all but the last. */
export function uleb(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`uleb: expects an integer in [0, 2^32), got ${value}`);
  }
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 for values in the int32 range (what i32.const takes; a uint32 is read as its int32 bits). */
export function sleb(value: number): number[] {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
    throw new RangeError(`sleb: expects a 32-bit integer, got ${value}`);
  }
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A vector: its element count, then the elements' bytes. */
export function vec(items: readonly (readonly number[])[]): number[] {
  const out = uleb(items.length);
  for (const item of items) out.push(...item);
  return out;
}

/** A UTF-8 name, length-prefixed. */
export function name(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  return [...uleb(bytes.length), ...bytes];
}

/** A section: its id, its byte length, its contents. */
export function section(id: number, contents: readonly number[]): number[] {
  return [id, ...uleb(contents.length), ...contents];
}

/** The 8-byte preamble: "\0asm" and version 1. */
export const preamble: readonly number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
