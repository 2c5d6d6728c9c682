import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  arange,
  expand,
  float32ToFloat16Bits,
  fromStorageArray,
  loadSafetensors,
  loadSafetensorsFromUrl,
  memory,
  narrow,
  reshape,
  SAFETENSORS_MAX_HEADER_BYTES,
  SafetensorsError,
  saveSafetensors,
  slice,
  type Tensor,
  tensor,
  transpose,
} from '../index';

const utf8 = new TextEncoder();

/** A file from an exact header string (not padded) and data bytes: the format spelled out by hand. */
function rawFile(header: string, data: Uint8Array | readonly number[] = []): Uint8Array {
  const json = utf8.encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
}

function f16(bits: readonly number[], shape: readonly number[] = [bits.length]): Tensor {
  return fromStorageArray(Uint16Array.from(bits), shape, 'float16');
}

function expectError(bytes: Uint8Array | ArrayBuffer, message: RegExp): void {
  let caught: unknown;
  try {
    loadSafetensors(bytes);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(SafetensorsError);
  expect((caught as Error).message).toMatch(message);
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('saveSafetensors writes the documented bytes', () => {
  it('matches a file built by hand byte for byte', async () => {
    // Header: __metadata__ first with sorted keys, tensors sorted by name (code point
    // order: "ß" U+00DF after "weight"), compact JSON, contiguous offsets.
    const header =
      '{"__metadata__":{"a":"x","format":"pt"},' +
      '"bias":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},' +
      '"mask":{"dtype":"BOOL","shape":[2],"data_offsets":[6,8]},' +
      '"step":{"dtype":"I32","shape":[],"data_offsets":[8,12]},' +
      '"weight":{"dtype":"F32","shape":[2,2],"data_offsets":[12,28]},' +
      '"ß":{"dtype":"I32","shape":[1],"data_offsets":[28,32]}}';
    const json = utf8.encode(header);
    const headerLength = Math.ceil(json.length / 8) * 8; // padded with spaces to a multiple of 8
    const expected = new Uint8Array(8 + headerLength + 32);
    const view = new DataView(expected.buffer);
    view.setUint32(0, headerLength, true);
    view.setUint32(4, 0, true);
    expected.set(json, 8);
    for (let i = 8 + json.length; i < 8 + headerLength; i++) expected[i] = 0x20;
    const d = 8 + headerLength;
    view.setUint16(d + 0, 0x3c00, true); // bias: 1
    view.setUint16(d + 2, 0xb800, true); // -0.5
    view.setUint16(d + 4, 0x7bff, true); // 65504
    view.setUint8(d + 6, 1); // mask: true, false
    view.setUint8(d + 7, 0);
    view.setInt32(d + 8, 7, true); // step: 7
    view.setFloat32(d + 12, 1, true); // weight
    view.setFloat32(d + 16, -2.5, true);
    view.setFloat32(d + 20, 0.125, true);
    view.setFloat32(d + 24, 1024, true);
    view.setInt32(d + 28, -42, true); // ß

    const record = {
      weight: tensor([
        [1, -2.5],
        [0.125, 1024],
      ]),
      ß: tensor([-42]),
      step: tensor(7, { dtype: 'int32' }),
      mask: tensor([true, false]),
      bias: tensor([1, -0.5, 65504], { dtype: 'float16' }),
    };
    const saved = await saveSafetensors(record, { format: 'pt', a: 'x' });
    expect(Array.from(saved)).toEqual(Array.from(expected));
  });

  it('writes an empty record as "{}" padded to 8 bytes, like the reference', async () => {
    expect(Array.from(await saveSafetensors({}))).toEqual(Array.from(rawFile('{}      ')));
  });

  it('writes __metadata__ only when metadata is given, and escapes like JSON.stringify', async () => {
    const bytes = await saveSafetensors({ 'a"\n': tensor([1], { dtype: 'int32' }) }, { 'k\u0001': 'é\\' });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd()).toBe(
      '{"__metadata__":{"k\\u0001":"é\\\\"},"a\\"\\n":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}',
    );
    const plain = await saveSafetensors({ a: tensor([1], { dtype: 'int32' }) });
    expect(new TextDecoder().decode(plain).includes('__metadata__')).toBe(false);
  });

  it('is deterministic whatever the insertion order of names and metadata keys', async () => {
    const a = tensor([1.5, 2]);
    const b = tensor([3], { dtype: 'int32' });
    const one = await saveSafetensors({ a, b, '10': b, '2': a }, { y: '1', x: '2' });
    const two = await saveSafetensors({ '2': a, b, '10': b, a }, { x: '2', y: '1' });
    expect(Array.from(one)).toEqual(Array.from(two));
  });

  it('rejects a tensor named __metadata__, non-tensor values and non-string metadata', async () => {
    await expect(saveSafetensors({ __metadata__: tensor([1]) })).rejects.toThrow(/reserved for metadata/);
    await expect(saveSafetensors({ a: [1, 2] as unknown as Tensor })).rejects.toThrow(SafetensorsError);
    await expect(saveSafetensors({ a: tensor([1]) }, { v: 3 as unknown as string })).rejects.toThrow(
      /metadata\["v"\] must be a string/,
    );
  });
});

describe('round trips', () => {
  it('keeps every dtype, values and shapes', async () => {
    const record = {
      f32: tensor([
        [0.1, -0, Number.POSITIVE_INFINITY],
        [Number.NaN, 3.4e38, -1e-45],
      ]),
      f16: f16([0x0000, 0x8000, 0x0001, 0x3555, 0x7bff, 0x7c00, 0xfc00, 0x7e00]),
      i32: tensor([-2147483648, 2147483647, 0, -1], { dtype: 'int32' }),
      bool: tensor([[true], [false], [true]]),
    };
    const bytes = await saveSafetensors(record, { note: 'round trip' });
    const { tensors, metadata } = loadSafetensors(bytes);
    expect(metadata).toEqual({ note: 'round trip' });
    expect(Object.keys(tensors).sort()).toEqual(['bool', 'f16', 'f32', 'i32']);
    for (const [name, t] of Object.entries(record)) {
      const back = tensors[name] as Tensor;
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(Array.from(await back.data())).toEqual(Array.from(await t.data()));
    }
    // float16 and float32 bits survive exactly: saving what was loaded gives the same bytes.
    expect(Array.from(await saveSafetensors(tensors, metadata))).toEqual(Array.from(bytes));
  });

  it('writes float16 bits exactly', async () => {
    const bits = [0x0001, 0x03ff, 0x3c01, 0x7e00, 0xfe01, 0x8000];
    const bytes = await saveSafetensors({ h: f16(bits) });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    const data = new DataView(bytes.buffer, 8 + n);
    expect(bits.map((_, i) => data.getUint16(2 * i, true))).toEqual(bits);
  });

  it('handles 0-d and empty tensors', async () => {
    const record = {
      scalar: tensor(2.5),
      empty: tensor([], { dtype: 'float32' }),
      empty3d: tensor(new Int32Array(0), { shape: [2, 0, 3] }),
      emptyBool: fromStorageArray(new Uint8Array(0), [0], 'bool'),
    };
    const { tensors } = loadSafetensors(await saveSafetensors(record));
    expect(tensors.scalar?.shape).toEqual([]);
    expect(await tensors.scalar?.item()).toBe(2.5);
    expect(tensors.empty?.shape).toEqual([0]);
    expect(tensors.empty3d?.shape).toEqual([2, 0, 3]);
    expect(tensors.empty3d?.dtype).toBe('int32');
    expect(tensors.emptyBool?.dtype).toBe('bool');
    expect(tensors.emptyBool?.size).toBe(0);
  });

  it('writes non-contiguous views as row-major copies', async () => {
    const base = reshape(arange(24), [2, 3, 4]);
    const record = {
      transposed: transpose(base, 0, 2),
      stepped: slice(base, [null, { step: 2 }, { start: 1, step: 2 }]),
      narrowed: narrow(base, 2, 1, 2),
      expanded: expand(tensor([[1.5], [2.5]]), [2, 3]),
      offset: slice(base, [1]),
    };
    const { tensors } = loadSafetensors(await saveSafetensors(record));
    for (const [name, t] of Object.entries(record)) {
      const back = tensors[name] as Tensor;
      expect(back.shape).toEqual(t.shape);
      expect(await back.toArray()).toEqual(await t.toArray());
    }
  });

  it('can write float32 as BF16, rounding to nearest even', async () => {
    const x = tensor([1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -20, -2.75, 3.4028234e38, Number.NaN, 1e-40]);
    const bytes = await saveSafetensors({ x }, undefined, { float32As: 'BF16' });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + n))).toContain('"dtype":"BF16"');
    const back = loadSafetensors(bytes).tensors.x as Tensor;
    expect(back.dtype).toBe('float32');
    const v = await values(back);
    expect(v.slice(0, 6)).toEqual([1, 1, 1 + 2 ** -6, 1 + 2 ** -7, -2.75, Number.POSITIVE_INFINITY]);
    expect(v[6]).toBeNaN();
    expect(v[7]).toBe(2 ** -133); // float32 subnormal 1e-40 = 0x000116c2 → bf16 0x0001
  });

  it('accepts an ArrayBuffer and a Uint8Array at a byte offset', async () => {
    const bytes = await saveSafetensors({ a: tensor([1, 2, 3], { dtype: 'int32' }) });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(await values(loadSafetensors(shifted.subarray(3)).tensors.a as Tensor)).toEqual([1, 2, 3]);
    expect(await values(loadSafetensors(bytes.slice().buffer).tensors.a as Tensor)).toEqual([1, 2, 3]);
    // A small Node Buffer lives inside a shared pool, and Buffer#slice is a view, not a copy.
    const pooled = Buffer.from(bytes);
    expect(pooled.byteOffset > 0 || pooled.buffer.byteLength > pooled.length).toBe(true);
    expect(await values(loadSafetensors(pooled).tensors.a as Tensor)).toEqual([1, 2, 3]);
  });

  it('keeps a tensor named __proto__ as an own property', async () => {
    const record: Record<string, Tensor> = Object.fromEntries([['__proto__', tensor([5], { dtype: 'int32' })]]);
    const { tensors } = loadSafetensors(await saveSafetensors(record));
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(await values(Object.values(tensors)[0] as Tensor)).toEqual([5]);
  });
});

describe('reading dtypes Strata converts', () => {
  it('reads a file written by the reference implementation (Python safetensors 0.8, numpy)', async () => {
    // save({f32: [[1.5,-2],[0,3.25]], f16: [0.5,-65504], i64: [-3, 2**31-1], u8: [0,200],
    //       ok: [True,False,True], f64: 0.25 (0-d), i32: zeros((0,2))}, metadata={'format':'np'})
    const file = hex(
      'b0010000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a226e70227d2c22693634223a7b226474797065223a22493634222c227368617065223a5b325d2c22646174615f6f666673657473223a5b302c31365d7d2c22663634223a7b226474797065223a22463634222c227368617065223a5b5d2c22646174615f6f666673657473223a5b31362c32345d7d2c22663332223a7b226474797065223a22463332222c227368617065223a5b322c325d2c22646174615f6f666673657473223a5b32342c34305d7d2c22693332223a7b226474797065223a22493332222c227368617065223a5b302c325d2c22646174615f6f666673657473223a5b34302c34305d7d2c22663136223a7b226474797065223a22463136222c227368617065223a5b325d2c22646174615f6f666673657473223a5b34302c34345d7d2c227538223a7b226474797065223a225538222c227368617065223a5b325d2c22646174615f6f666673657473223a5b34342c34365d7d2c226f6b223a7b226474797065223a22424f4f4c222c227368617065223a5b335d2c22646174615f6f666673657473223a5b34362c34395d7d7d20fdffffffffffffffffffff7f00000000000000000000d03f0000c03f000000c000000000000050400038fffb00c8010001',
    );
    const { tensors, metadata } = loadSafetensors(file);
    expect(metadata).toEqual({ format: 'np' });
    const t = tensors as Record<string, Tensor>;
    expect(await t.f32?.toArray()).toEqual([
      [1.5, -2],
      [0, 3.25],
    ]);
    expect(t.f16?.dtype).toBe('float16');
    expect(await values(t.f16 as Tensor)).toEqual([0.5, -65504]);
    expect(t.i64?.dtype).toBe('int32');
    expect(await values(t.i64 as Tensor)).toEqual([-3, 2147483647]);
    expect(t.u8?.dtype).toBe('int32');
    expect(await values(t.u8 as Tensor)).toEqual([0, 200]);
    expect(await t.ok?.toArray()).toEqual([true, false, true]);
    expect(t.f64?.shape).toEqual([]);
    expect(await t.f64?.item()).toBe(0.25);
    expect(t.i32?.shape).toEqual([0, 2]);
  });

  it('reads BF16 as float32 (bits << 16)', async () => {
    const bits = [0x3f80, 0xc040, 0x7f80, 0xff80, 0x7fc0, 0x0001, 0x8000];
    const data = new Uint8Array(bits.length * 2);
    const view = new DataView(data.buffer);
    bits.forEach((b, i) => {
      view.setUint16(2 * i, b, true);
    });
    const file = rawFile(`{"b":{"dtype":"BF16","shape":[${bits.length}],"data_offsets":[0,${data.length}]}}`, data);
    const b = loadSafetensors(file).tensors.b as Tensor;
    expect(b.dtype).toBe('float32');
    const v = await values(b);
    expect(v[0]).toBe(1);
    expect(v[1]).toBe(-3);
    expect(v[2]).toBe(Number.POSITIVE_INFINITY);
    expect(v[3]).toBe(Number.NEGATIVE_INFINITY);
    expect(v[4]).toBeNaN();
    expect(v[5]).toBe(2 ** -133);
    expect(Object.is(v[6], -0)).toBe(true);
  });

  function i64File(vals: readonly bigint[]): Uint8Array {
    const data = new Uint8Array(vals.length * 8);
    const view = new DataView(data.buffer);
    vals.forEach((v, i) => {
      view.setBigInt64(8 * i, v, true);
    });
    return rawFile(`{"ids":{"dtype":"I64","shape":[${vals.length}],"data_offsets":[0,${data.length}]}}`, data);
  }

  it('reads I64 within int32 range as int32', async () => {
    const ids = loadSafetensors(i64File([-2147483648n, 2147483647n, 0n, -1n, 5n])).tensors.ids as Tensor;
    expect(ids.dtype).toBe('int32');
    expect(await values(ids)).toEqual([-2147483648, 2147483647, 0, -1, 5]);
  });

  it('rejects I64 values outside int32, naming the tensor, element and value', () => {
    expectError(i64File([0n, 2147483648n]), /tensor "ids" \(I64\): element 1 is 2147483648, outside int32 range/);
    expectError(i64File([-2147483649n]), /element 0 is -2147483649/);
    expectError(i64File([1n, 2n, 2n ** 40n]), /element 2 is 1099511627776/);
    expectError(i64File([-(2n ** 63n)]), /element 0 is -9223372036854775808/);
  });

  it('reads U8 as int32 and F64 as float32', async () => {
    const data = new Uint8Array(3 + 5 + 24); // U8 [3], then 5 padding-free BOOL, then F64 [3]
    data.set([0, 255, 7], 0);
    data.set([1, 0, 2, 255, 0], 3);
    const view = new DataView(data.buffer);
    [0.1, 1e300, -2.5].forEach((v, i) => {
      view.setFloat64(8 + 8 * i, v, true);
    });
    const file = rawFile(
      '{"u":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},"flags":{"dtype":"BOOL","shape":[5],"data_offsets":[3,8]},"d":{"dtype":"F64","shape":[3,1],"data_offsets":[8,32]}}',
      data,
    );
    const { tensors } = loadSafetensors(file);
    expect(tensors.u?.dtype).toBe('int32');
    expect(await values(tensors.u as Tensor)).toEqual([0, 255, 7]);
    expect(await tensors.flags?.toArray()).toEqual([true, false, true, true, false]); // non-zero bytes are true
    expect(tensors.d?.dtype).toBe('float32');
    expect(tensors.d?.shape).toEqual([3, 1]);
    expect(await values(tensors.d as Tensor)).toEqual([Math.fround(0.1), Number.POSITIVE_INFINITY, -2.5]);
  });

  it('reads F16 bits exactly', async () => {
    const file = rawFile('{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', [0x01, 0x00, 0x55, 0x35]);
    const h = loadSafetensors(file).tensors.h as Tensor;
    expect(h.dtype).toBe('float16');
    const resaved = await saveSafetensors({ h });
    expect(Array.from(resaved.subarray(resaved.length - 4))).toEqual([0x01, 0x00, 0x55, 0x35]);
    expect((await values(h))[1]).toBe(Math.fround(0.333251953125));
    expect(float32ToFloat16Bits((await values(h))[1] as number)).toBe(0x3555);
  });
});

describe('malformed files throw SafetensorsError saying what and where', () => {
  const ok = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const eight = new Uint8Array(8);
  const entry = (fields: string) => rawFile(`{"a":{${fields}}}`, eight);

  it('file shorter than 8 bytes', () => {
    expectError(new Uint8Array(0), /file is 0 bytes, shorter than the 8-byte header length prefix/);
    expectError(new Uint8Array(7), /file is 7 bytes/);
  });

  it('header length past the end of the file', () => {
    const f = rawFile(ok, eight);
    new DataView(f.buffer).setUint32(0, f.length - 7, true);
    expectError(f, /header length \d+ \(bytes 0\.\.8\) runs past the end of the file/);
  });

  it('header length absurd (over 100 MB, or a huge u64)', () => {
    const f = rawFile(ok, eight);
    new DataView(f.buffer).setUint32(0, SAFETENSORS_MAX_HEADER_BYTES + 1, true);
    expectError(f, /header length 100000001 .* exceeds the 100000000-byte limit/);
    new DataView(f.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    expectError(f, /header length 18446744073709551615 .* exceeds/);
  });

  it('header not valid UTF-8, not JSON, or not an object', () => {
    const bad = rawFile('{"a":1}');
    bad[10] = 0xff;
    expectError(bad, /header \(bytes 8\.\.15\) is not valid UTF-8/);
    expectError(rawFile('{"a":'), /header \(bytes 8\.\.13\) is not valid JSON/);
    expectError(rawFile(''), /is not valid JSON/);
    expectError(rawFile('[1,2]'), /header must be a JSON object, got an array/);
    expectError(rawFile('null'), /header must be a JSON object, got null/);
    expectError(rawFile('"x"'), /header must be a JSON object, got the string "x"/);
  });

  it('entries that are not objects or miss a field', () => {
    expectError(rawFile('{"a":[1]}', eight), /tensor "a": header entry must be an object, got an array/);
    expectError(entry('"shape":[2],"data_offsets":[0,8]'), /tensor "a": header entry is missing "dtype"/);
    expectError(entry('"dtype":"F32","data_offsets":[0,8]'), /tensor "a": header entry is missing "shape"/);
    expectError(entry('"dtype":"F32","shape":[2]'), /tensor "a": header entry is missing "data_offsets"/);
  });

  it('fields of the wrong type', () => {
    expectError(entry('"dtype":4,"shape":[2],"data_offsets":[0,8]'), /tensor "a": "dtype" must be a string, got number 4/);
    expectError(entry('"dtype":"F32","shape":"2","data_offsets":[0,8]'), /"shape" must be an array/);
    expectError(entry('"dtype":"F32","shape":[2],"data_offsets":{"0":0}'), /"data_offsets" must be an array \[begin, end\]/);
    expectError(entry('"dtype":"F32","shape":[2],"data_offsets":[0]'), /"data_offsets" must be an array \[begin, end\]/);
    expectError(entry('"dtype":"F32","shape":[2],"data_offsets":[0,8,9]'), /"data_offsets" must be an array/);
  });

  it('negative or non-integer shape dimensions', () => {
    expectError(
      entry('"dtype":"F32","shape":[-2],"data_offsets":[0,8]'),
      /shape dimension 0 must be a non-negative integer, got number -2/,
    );
    expectError(entry('"dtype":"F32","shape":[2,1.5],"data_offsets":[0,8]'), /shape dimension 1 .* got number 1.5/);
    expectError(entry('"dtype":"F32","shape":["2"],"data_offsets":[0,8]'), /shape dimension 0 .* got the string "2"/);
    expectError(entry('"dtype":"F32","shape":[1e400],"data_offsets":[0,8]'), /got number Infinity/);
  });

  it('unknown and unsupported dtypes', () => {
    expectError(entry('"dtype":"F128","shape":[2],"data_offsets":[0,8]'), /tensor "a": unknown dtype "F128" \(supported: F32/);
    expectError(entry('"dtype":"I16","shape":[4],"data_offsets":[0,8]'), /tensor "a": dtype "I16" is not supported/);
    expectError(entry('"dtype":"constructor","shape":[2],"data_offsets":[0,8]'), /unknown dtype "constructor"/);
  });

  it('offsets that are not integers, reversed, or past the data section', () => {
    expectError(
      entry('"dtype":"F32","shape":[2],"data_offsets":[0,"8"]'),
      /two non-negative integers, got \[number 0, the string "8"\]/,
    );
    expectError(entry('"dtype":"F32","shape":[2],"data_offsets":[-8,0]'), /two non-negative integers/);
    expectError(entry('"dtype":"F32","shape":[2],"data_offsets":[0.5,8.5]'), /two non-negative integers/);
    expectError(
      entry('"dtype":"F32","shape":[0],"data_offsets":[8,0]'),
      /tensor "a": data_offsets \[8, 0\] begin after they end/,
    );
    expectError(
      entry('"dtype":"F32","shape":[4],"data_offsets":[0,16]'),
      /data_offsets \[0, 16\] run past the end of the data section \(8 bytes\)/,
    );
  });

  it('byte size that does not match the shape and dtype', () => {
    expectError(entry('"dtype":"F32","shape":[3],"data_offsets":[0,8]'), /span 8 bytes, but shape \[3\] of F32 needs 12/);
    expectError(entry('"dtype":"F16","shape":[2,2],"data_offsets":[0,4]'), /span 4 bytes, but shape \[2, 2\] of F16 needs 8/);
    expectError(entry('"dtype":"F32","shape":[],"data_offsets":[0,8]'), /span 8 bytes, but shape \[\] of F32 needs 4/);
  });

  it('shape products beyond safe integers', () => {
    expectError(
      entry('"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]'),
      /shape \[4294967296, 4294967296\] has more elements than can be addressed/,
    );
    expectError(
      entry('"dtype":"F64","shape":[4503599627370496],"data_offsets":[0,8]'),
      /of F64 has more bytes than can be addressed/,
    );
  });

  it('overlapping tensors, gaps, and uncovered bytes', () => {
    const sixteen = new Uint8Array(16);
    expectError(
      rawFile(
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}',
        sixteen,
      ),
      /tensor "b": data_offsets \[4, 12\] overlap tensor "a", which ends at 8/,
    );
    expectError(
      rawFile(
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}',
        eight,
      ),
      /overlap tensor "a"/,
    );
    expectError(
      rawFile('{"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}', sixteen),
      /gap in the data section: bytes 0\.\.8 at the start of the data section belong to no tensor \(next is "b"\)/,
    );
    expectError(
      rawFile(
        '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}',
        sixteen,
      ),
      /gap in the data section: bytes 4\.\.8 after tensor "a"/,
    );
    expectError(rawFile(ok, sixteen), /data section is 16 bytes but the tensors cover only 8; bytes 8\.\.16 belong to no tensor/);
    expectError(rawFile('{}', [1]), /data section is 1 bytes but the tensors cover only 0/);
  });

  it('empty tensors may share an offset', async () => {
    const f = rawFile(
      '{"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"z":{"dtype":"I32","shape":[3,0],"data_offsets":[8,8]}}',
      eight,
    );
    const { tensors } = loadSafetensors(f);
    expect(Object.keys(tensors).sort()).toEqual(['a', 'e', 'z']);
  });

  it('__metadata__ that is not an object of strings', () => {
    expectError(rawFile('{"__metadata__":"x"}'), /"__metadata__" must be an object of strings, got the string "x"/);
    expectError(rawFile('{"__metadata__":["a"]}'), /"__metadata__" must be an object of strings, got an array/);
    expectError(rawFile('{"__metadata__":{"k":1}}'), /"__metadata__" value for key "k" must be a string, got number 1/);
    expectError(rawFile('{"__metadata__":{"k":{"n":"v"}}}'), /value for key "k" must be a string, got an object/);
  });

  it('non-byte inputs', () => {
    expect(() => loadSafetensors('abc' as unknown as Uint8Array)).toThrow(SafetensorsError);
    expect(() => loadSafetensors(new Int32Array(4) as unknown as Uint8Array)).toThrow(SafetensorsError);
  });

  it('validates every entry before creating any tensor', () => {
    const before = memory().numTensors;
    const data = new Uint8Array(16);
    new DataView(data.buffer).setBigInt64(8, 2n ** 40n, true);
    // "a" is fine and comes first; "z" is out of range: nothing may be created or leaked.
    expectError(
      rawFile(
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"z":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}',
        data,
      ),
      /tensor "z" \(I64\)/,
    );
    expectError(
      rawFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"z":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}', [
        ...data,
        1,
      ]),
      /data section is 17 bytes but the tensors cover only 16/,
    );
    expect(memory().numTensors).toBe(before);
  });

  it('rejects a header claiming a huge tensor in a tiny file, fast and without allocating it', () => {
    const start = performance.now();
    // 1e9 x 1e9 float32 = 4e18 bytes claimed, 8 bytes present.
    expectError(
      entry('"dtype":"F32","shape":[1000000000,1000000000],"data_offsets":[0,4000000000000000000]'),
      /two non-negative integers|run past the end/,
    );
    // Offsets claim a plausible but absent 4 GB.
    expectError(
      entry('"dtype":"F32","shape":[1073741824],"data_offsets":[0,4294967296]'),
      /run past the end of the data section \(8 bytes\)/,
    );
    // Shape claims 2^52 elements but the offsets say 8 bytes.
    expectError(entry('"dtype":"U8","shape":[67108864,67108864],"data_offsets":[0,8]'), /needs 4503599627370496/);
    // A header length claiming 2^63 bytes.
    const f = rawFile(ok, eight);
    new DataView(f.buffer).setBigUint64(0, 2n ** 63n, true);
    expectError(f, /exceeds the 100000000-byte limit/);
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe('loadSafetensorsFromUrl', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('fetches and loads', async () => {
    const bytes = await saveSafetensors({ w: tensor([1.5, -2]) }, { from: 'url' });
    const fetchMock = vi.fn(async () => new Response(bytes.slice()));
    vi.stubGlobal('fetch', fetchMock);
    const { tensors, metadata } = await loadSafetensorsFromUrl('https://example.test/model.safetensors', { cache: 'no-store' });
    expect(fetchMock).toHaveBeenCalledWith('https://example.test/model.safetensors', { cache: 'no-store' });
    expect(metadata).toEqual({ from: 'url' });
    expect(await values(tensors.w as Tensor)).toEqual([1.5, -2]);
  });

  it('throws SafetensorsError on an HTTP error', async () => {
    vi.stubGlobal('fetch', async () => new Response('missing', { status: 404, statusText: 'Not Found' }));
    await expect(loadSafetensorsFromUrl('https://example.test/x.safetensors')).rejects.toThrow(
      /https:\/\/example\.test\/x\.safetensors answered 404 Not Found/,
    );
  });
});
