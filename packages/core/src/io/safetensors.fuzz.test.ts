import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dtypes, fromStorageArray, loadSafetensors, SafetensorsError, saveSafetensors, type Tensor, tensor } from '../index';

// Throws mutated files at loadSafetensors: each must either load as valid
// tensors or throw SafetensorsError — never another error, never hang.
// Seeds are fixed so a failure reproduces; fast-check prints the counterexample.

const utf8 = new TextEncoder();
let calls = 0;

function withHeader(header: Uint8Array | string, data: Uint8Array, length?: bigint): Uint8Array {
  const json = typeof header === 'string' ? utf8.encode(header) : header;
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function checkLoad(bytes: Uint8Array): void {
  calls++;
  let loaded: ReturnType<typeof loadSafetensors>;
  try {
    loaded = loadSafetensors(bytes);
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw new Error(`expected SafetensorsError, got ${String(e)}`, { cause: e });
    return;
  }
  for (const [key, value] of Object.entries(loaded.metadata)) {
    if (typeof value !== 'string') throw new Error(`metadata ${key} is not a string`);
  }
  for (const t of Object.values(loaded.tensors)) {
    if (!dtypes.includes(t.dtype)) throw new Error(`bad dtype ${t.dtype}`);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`bad shape ${t.shape}`);
    if (t.dataSync().length !== t.size) throw new Error('data length does not match the shape');
    t.dispose();
  }
}

interface Base {
  bytes: Uint8Array;
  header: Record<string, unknown>;
  data: Uint8Array;
}
const bases: Base[] = [];

function split(bytes: Uint8Array): Base {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  return { bytes, header, data: bytes.slice(8 + n) };
}

beforeAll(async () => {
  const saved = await saveSafetensors(
    {
      a: tensor([
        [1, 2, 3],
        [4, 5, 6.5],
      ]),
      b: fromStorageArray(Uint16Array.from([0x3c00, 0x7e00, 0x0001, 0xfbff]), [4], 'float16'),
      c: tensor(9, { dtype: 'int32' }),
      d: tensor([true, false, true]),
      e: tensor([], { dtype: 'float32' }),
    },
    { format: 'pt', note: 'fuzz' },
  );
  const data = new Uint8Array(4 + 16 + 3 + 8);
  const view = new DataView(data.buffer);
  view.setUint16(0, 0x3f80, true);
  view.setUint16(2, 0xc000, true);
  view.setBigInt64(4, -5n, true);
  view.setBigInt64(12, 7n, true);
  data.set([1, 2, 255], 20);
  view.setFloat64(23, 0.5, true);
  const handBuilt = withHeader(
    '{"bf":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]},"i64":{"dtype":"I64","shape":[2,1],"data_offsets":[4,20]},' +
      '"u8":{"dtype":"U8","shape":[3],"data_offsets":[20,23]},"f64":{"dtype":"F64","shape":[],"data_offsets":[23,31]}}',
    data,
  );
  for (const b of [saved, handBuilt, await saveSafetensors({})]) {
    checkLoad(b); // every base file is valid
    bases.push(split(b));
  }
});

const base = () => fc.nat({ max: 2 }).map((i) => bases[i] as Base);
const smallBytes = fc.uint8Array({ maxLength: 48 });
const RUN = { seed: 20240611 };

describe('loadSafetensors under fuzzing', () => {
  it('survives >= 10,000 mutated files with only SafetensorsError', () => {
    calls = 0;
    const start = performance.now();

    // 1. Overwrite a few random bytes anywhere (header length, JSON, data).
    fc.assert(
      fc.property(
        base(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (b, edits) => {
          const bytes = b.bytes.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          checkLoad(bytes);
        },
      ),
      { ...RUN, numRuns: 3000 },
    );

    // 2. Truncate, or extend with random bytes.
    fc.assert(
      fc.property(base(), fc.nat(), smallBytes, fc.boolean(), (b, cut, extra, extend) => {
        if (extend) {
          const bytes = new Uint8Array(b.bytes.length + extra.length);
          bytes.set(b.bytes);
          bytes.set(extra, b.bytes.length);
          checkLoad(bytes);
        } else checkLoad(b.bytes.slice(0, cut % (b.bytes.length + 1)));
      }),
      { ...RUN, numRuns: 1500 },
    );

    // 3. Overwrite the header length with random u64s, or values near the true one.
    fc.assert(
      fc.property(
        base(),
        fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.integer({ min: -16, max: 16 }).map(BigInt)),
        (b, n) => {
          const bytes = b.bytes.slice();
          const view = new DataView(bytes.buffer);
          const length = n >= 0n && n < 2n ** 32n && n > 16n ? n : view.getBigUint64(0, true) + n;
          view.setBigUint64(0, BigInt.asUintN(64, length), true);
          checkLoad(bytes);
        },
      ),
      { ...RUN, numRuns: 1500 },
    );

    // 4. Replace the header with arbitrary JSON.
    fc.assert(
      fc.property(fc.json(), smallBytes, (json, data) => checkLoad(withHeader(json, data))),
      { ...RUN, numRuns: 1500 },
    );

    // 5. Replace the header with random strings or random bytes (invalid UTF-8 included).
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.uint8Array({ maxLength: 40 })),
        smallBytes,
        (h, data) => checkLoad(withHeader(h, data)),
      ),
      { ...RUN, numRuns: 1000 },
    );

    // 6. Structured mutations of a valid header: fields replaced by random or
    //    plausible values, fields deleted, entries added, data resized.
    const dim = fc.oneof(fc.integer({ min: -2, max: 6 }), fc.constantFrom(0.5, 2 ** 53, 2 ** 32, -0, 1e308));
    const plausible = fc.oneof(
      fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I32', 'I64', 'U8', 'BOOL', 'I8', 'U64', 'f32', '', '__proto__'),
      fc.array(dim, { maxLength: 4 }),
      fc.tuple(fc.integer({ min: -4, max: 40 }), fc.integer({ min: -4, max: 40 })),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const edit = fc.record({
      entry: fc.oneof(fc.nat(), fc.constantFrom('__metadata__', '__proto__', 'new', '')),
      field: fc.constantFrom('dtype', 'shape', 'data_offsets', 'extra', null),
      value: fc.option(plausible, { nil: undefined }),
    });
    fc.assert(
      fc.property(base(), fc.array(edit, { minLength: 1, maxLength: 3 }), fc.integer({ min: -8, max: 8 }), (b, edits, resize) => {
        const header = structuredClone(b.header);
        const keys = Object.keys(header);
        for (const { entry, field, value } of edits) {
          const key = typeof entry === 'number' ? (keys[entry % Math.max(1, keys.length)] ?? 'new') : entry;
          if (field === null) {
            if (value === undefined) delete header[key];
            else Object.defineProperty(header, key, { value, enumerable: true, writable: true, configurable: true });
            continue;
          }
          const target = header[key];
          const obj = typeof target === 'object' && target !== null ? (target as Record<string, unknown>) : {};
          if (value === undefined) delete obj[field];
          else obj[field] = value;
          Object.defineProperty(header, key, { value: obj, enumerable: true, writable: true, configurable: true });
        }
        const data = new Uint8Array(Math.max(0, b.data.length + resize));
        data.set(b.data.subarray(0, data.length));
        checkLoad(withHeader(JSON.stringify(header), data));
      }),
      { ...RUN, numRuns: 2500 },
    );

    const seconds = (performance.now() - start) / 1000;
    expect(calls).toBeGreaterThanOrEqual(10_000);
    expect(seconds).toBeLessThan(20);
  }, 30_000);

  it('rejects a huge claimed tensor in a tiny file at once', () => {
    const start = performance.now();
    const huge = withHeader(
      '{"w":{"dtype":"F64","shape":[1000000,1000000],"data_offsets":[0,8000000000000]}}',
      new Uint8Array(16),
    );
    expect(() => loadSafetensors(huge)).toThrow(SafetensorsError);
    const claimed = withHeader('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', new Uint8Array(4), 2n ** 40n);
    expect(() => loadSafetensors(claimed)).toThrow(/exceeds the 100000000-byte limit/);
    expect(performance.now() - start).toBeLessThan(100);
  });

  it('loads what it accepts as the tensors the header describes', () => {
    const loaded = loadSafetensors((bases[1] as Base).bytes).tensors;
    expect(Object.fromEntries(Object.entries(loaded).map(([k, t]: [string, Tensor]) => [k, [t.dtype, ...t.shape]]))).toEqual({
      bf: ['float32', 2],
      i64: ['int32', 2, 1],
      u8: ['int32', 3],
      f64: ['float32'],
    });
    expect(Array.from(loaded.bf?.dataSync() ?? [])).toEqual([1, -2]);
    expect(Array.from(loaded.i64?.dataSync() ?? [])).toEqual([-5, 7]);
  });
});
