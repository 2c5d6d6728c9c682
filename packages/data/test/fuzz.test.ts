import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CIFAR10,
  DataFormatError,
  gunzipBytes,
  idxImagesFromBytes,
  parseCifar10Batch,
  parseIdx,
  parseIdxAsync,
  parseIdxImages,
  parseIdxLabels,
} from '../src/node';
import { cifarBatch, gzip, idx, idxImages, idxLabels } from './helpers';

// Thousands of mutated, truncated and extended files: each must parse to
// something self-consistent or throw DataFormatError — never another error
// (RangeError from a DataView, an allocation failure), never a hang. Seeds are
// fixed so a failure reproduces; fast-check prints the counterexample.

/** Runs `parse`; a DataFormatError is fine, any other error fails the property. */
function validOrFormatError<T>(parse: () => T, check: (value: T) => void): void {
  let value: T;
  try {
    value = parse();
  } catch (e) {
    if (!(e instanceof DataFormatError)) throw new Error(`expected DataFormatError, got ${String(e)}`, { cause: e });
    return;
  }
  check(value);
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({
    kind: fc.constant('dim' as const),
    at: fc.nat({ max: 3 }),
    value: fc.oneof(fc.nat(8), fc.nat(), fc.constant(0xffffffff)),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(base: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = base.slice();
  for (const m of mutations) {
    if (m.kind === 'set' && bytes.length > 0) bytes[m.at % bytes.length] = m.value;
    else if (m.kind === 'truncate') bytes = bytes.slice(0, m.at % (bytes.length + 1));
    else if (m.kind === 'append') {
      const out = new Uint8Array(bytes.length + m.bytes.length);
      out.set(bytes);
      out.set(m.bytes, bytes.length);
      bytes = out;
    } else if (m.kind === 'dim' && bytes.length >= 8 + 4 * m.at)
      new DataView(bytes.buffer).setUint32(4 + 4 * m.at, m.value, false);
  }
  return bytes;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const floatBody = (n: number) => new Uint8Array(new Float32Array(n).fill(1.5).buffer);
const idxBases = [
  idxImages(3, 4, 5),
  idxLabels([0, 1, 2, 9, 3]),
  idx(0x0d, [2, 3], floatBody(6)),
  idx(0x0b, [4], new Uint8Array(8)),
  idx(0x0e, [1, 2], new Uint8Array(16)),
];
const gunzip = (b: Uint8Array) => gunzipBytes(b, { maxBytes: 1 << 20 });

describe('IDX fuzz', () => {
  it('mutated and truncated IDX files parse consistently or throw DataFormatError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...idxBases), fc.array(mutation, { minLength: 1, maxLength: 4 }), (base, ms) => {
        const bytes = mutate(base, ms);
        validOrFormatError(
          () => parseIdx(bytes, { file: 'fuzz' }),
          (parsed) => {
            expect(parsed.data.length).toBe(product(parsed.shape));
          },
        );
        validOrFormatError(
          () => parseIdxImages(bytes),
          (images) => {
            expect(images.pixels.length).toBe(images.count * images.rows * images.cols);
          },
        );
        validOrFormatError(
          () => parseIdxLabels(bytes),
          (labels) => {
            expect(labels.every((l) => l < 10)).toBe(true);
          },
        );
      }),
      { numRuns: 3000, seed: 20251121 },
    );
  });

  it('random bytes and random headers never escape as another error', () => {
    const header = fc.tuple(fc.constantFrom(0, 1), fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x00, 0xff), fc.nat(6));
    fc.assert(
      fc.property(
        header,
        fc.array(fc.oneof(fc.nat(6), fc.nat()), { maxLength: 6 }),
        fc.uint8Array({ maxLength: 64 }),
        ([z, type, ndim], dims, body) => {
          const bytes = idx(type, dims, body);
          bytes[0] = z;
          bytes[3] = ndim;
          validOrFormatError(
            () => parseIdx(bytes),
            (parsed) => {
              expect(parsed.data.length).toBe(product(parsed.shape));
            },
          );
        },
      ),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('mutated gzip files (node:zlib) decompress and parse, or throw DataFormatError', () => {
    const gzBases = [gzip(idxImages(2, 3, 3)), gzip(idxLabels([1, 2, 3]))];
    fc.assert(
      fc.property(fc.constantFrom(...gzBases), fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, ms) => {
        const bytes = mutate(base, ms);
        validOrFormatError(
          () => parseIdx(bytes, { gunzip }),
          (parsed) => {
            expect(parsed.data.length).toBe(product(parsed.shape));
          },
        );
      }),
      { numRuns: 2000, seed: 99 },
    );
  });

  it('mutated gzip files (DecompressionStream) reject only with DataFormatError', async () => {
    const base = gzip(idxLabels([4, 5, 6, 7]));
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const bytes = mutate(base, ms);
        try {
          const parsed = await parseIdxAsync(bytes, { maxBytes: 1 << 20 });
          expect(parsed.data.length).toBe(product(parsed.shape));
        } catch (e) {
          if (!(e instanceof DataFormatError)) throw new Error(`expected DataFormatError, got ${String(e)}`, { cause: e });
        }
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('mutated image/label pairs either agree or throw DataFormatError', () => {
    const images = idxImages(4, 2, 2);
    const labels = idxLabels([0, 1, 2, 3]);
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 2 }), fc.array(mutation, { maxLength: 2 }), (mi, ml) => {
        validOrFormatError(
          () => idxImagesFromBytes(mutate(images, mi), mutate(labels, ml)),
          (data) => {
            expect(data.pixels.length).toBe(data.labels.length * data.imageShape[1] * data.imageShape[2]);
          },
        );
      }),
      { numRuns: 2000, seed: 3 },
    );
  });
});

describe('CIFAR-10 fuzz', () => {
  const base = cifarBatch([0, 5, 9]);
  it('mutated and truncated batches parse consistently or throw DataFormatError', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        const bytes = mutate(base, ms);
        validOrFormatError(
          () => parseCifar10Batch(bytes),
          (batch) => {
            expect(batch.pixels.length).toBe(batch.count * 3072);
            expect(batch.labels.every((l) => l < 10)).toBe(true);
            expect(batch.count * 3073).toBe(bytes.length);
          },
        );
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('random buffers and datasets built from them never throw another error', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 7000 }), { minLength: 1, maxLength: 2 }), (batches) => {
        validOrFormatError(
          () => CIFAR10.fromBytes(batches),
          (ds) => {
            expect(ds.length * 3073).toBe(batches.reduce((n, b) => n + b.length, 0));
          },
        );
      }),
      { numRuns: 1000, seed: 13 },
    );
  });
});
