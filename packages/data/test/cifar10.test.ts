import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10, DataFormatError, parseCifar10Batch } from '../src/node';
import { cifarBatch, gzip } from './helpers';

describe('parseCifar10Batch', () => {
  it('splits records into labels and planar pixels exactly', () => {
    const { count, labels, pixels } = parseCifar10Batch(cifarBatch([3, 9]));
    expect(count).toBe(2);
    expect([...labels]).toEqual([3, 9]);
    expect(pixels.length).toBe(2 * 3072);
    expect(pixels[0]).toBe(0);
    expect(pixels[3071]).toBe(3071 % 256);
    expect(pixels[3072]).toBe(1); // record 1, pixel 0
    expect(pixels[3072 + 1024]).toBe((1 + 1024) % 256); // record 1, first green pixel
  });

  it('rejects sizes that are not a positive multiple of 3073, and labels >= 10', () => {
    const bytes = cifarBatch([1, 2]);
    const cut = () => parseCifar10Batch(bytes.subarray(0, 3073 + 100), { file: 'data_batch_1.bin' });
    expect(cut).toThrow(DataFormatError);
    expect(cut).toThrow(
      /data_batch_1.bin: is 3173 bytes, not a multiple of the 3073-byte record \(1 records and 100 bytes left over/,
    );
    expect(() => parseCifar10Batch(new Uint8Array(0), { file: 'x' })).toThrow(
      /x: is empty; expected the CIFAR-10 binary version/,
    );
    const badLabel = cifarBatch([1, 12]);
    expect(() => parseCifar10Batch(badLabel, { file: 'b' })).toThrow(
      /b: record 1 \(byte offset 3073\) has label 12, outside 0..9/,
    );
  });

  it('makes a dataset: items (3, 32, 32) in [0, 1], toTensors', async () => {
    const ds = CIFAR10.fromBytes([cifarBatch([3, 9]), cifarBatch([0])]);
    expect(ds.length).toBe(3);
    const { image, label } = ds.get(1);
    expect(image.shape).toEqual([3, 32, 32]);
    expect(label).toBe(9);
    const v = await image.data();
    expect(v[0]).toBeCloseTo(1 / 255, 7);
    expect(v[1024]).toBeCloseTo(((1 + 1024) % 256) / 255, 7);
    image.dispose();
    const { images, labels } = ds.toTensors();
    expect(images.shape).toEqual([3, 3, 32, 32]);
    expect([...(await labels.data())]).toEqual([3, 9, 0]);
    images.dispose();
    labels.dispose();
    expect(CIFAR10.classes[3]).toBe('cat');
  });
});

describe('CIFAR10.load', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-cifar-'));
    const dir = join(root, 'cifar-10-batches-bin');
    await mkdir(dir);
    for (let k = 1; k <= 5; k++) await writeFile(join(dir, `data_batch_${k}.bin`), cifarBatch([k, k, k]));
    await writeFile(join(dir, 'test_batch.bin.gz'), gzip(cifarBatch([7, 8])));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reads the five training batches in order, from the archive subdirectory', async () => {
    const train = await CIFAR10.load({ root, train: true });
    expect(train.length).toBe(15);
    expect([...train.labels]).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5]);
    const direct = await CIFAR10.load({ root: join(root, 'cifar-10-batches-bin'), train: true });
    expect(direct.length).toBe(15);
  });

  it('reads a gzip-compressed test batch', async () => {
    const test = await CIFAR10.load({ root, train: false });
    expect([...test.labels]).toEqual([7, 8]);
  });

  it('names the path and the layout when a directory or file is missing', async () => {
    const missing = join(root, 'absent');
    await expect(CIFAR10.load({ root: missing })).rejects.toThrow(
      new RegExp(`${missing}: directory not found \\(ENOENT\\); expected the CIFAR-10 binary version`),
    );
    const partial = await mkdtemp(join(tmpdir(), 'strata-cifar-partial-'));
    await writeFile(join(partial, 'data_batch_1.bin'), cifarBatch([0]));
    const e = await CIFAR10.load({ root: partial, train: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DataFormatError);
    expect((e as DataFormatError).file).toBe(join(partial, 'data_batch_2.bin'));
    expect((e as Error).message).toMatch(/data_batch_2.bin: not found \(nor data_batch_2.bin.gz\)/);
    expect((e as Error).message).toMatch(/data_batch_1.bin … data_batch_5.bin and test_batch.bin/);
    await writeFile(join(partial, 'test_batch.bin'), cifarBatch([1]).subarray(0, 3000));
    await expect(CIFAR10.load({ root: partial, train: false })).rejects.toThrow(/test_batch.bin: is 3000 bytes, not a multiple/);
    await rm(partial, { recursive: true });
  });
});
