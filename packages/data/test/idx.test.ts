import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MNIST as WebMNIST } from '../src/index';
import {
  DataFormatError,
  FashionMNIST,
  gunzipBytes,
  idxImagesFromBytes,
  MNIST,
  parseIdx,
  parseIdxAsync,
  parseIdxImages,
  parseIdxLabels,
  readIdxFile,
} from '../src/node';
import { gzip, idx, idxImages, idxLabels } from './helpers';

function formatError(fn: () => unknown): DataFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('expected a DataFormatError');
}

describe('parseIdx', () => {
  it('parses uint8 images exactly, as a view of the input', () => {
    const bytes = idxImages(2, 3, 4);
    const parsed = parseIdx(bytes, { file: 'imgs' });
    expect(parsed.dtype).toBe('uint8');
    expect(parsed.shape).toEqual([2, 3, 4]);
    expect([...parsed.data]).toEqual(Array.from({ length: 24 }, (_, k) => (k * 7) % 256));
    expect(parsed.data.buffer).toBe(bytes.buffer);
  });

  it('decodes big-endian int16, int32, float32, float64 and int8', () => {
    const be = (size: number, write: (v: DataView, i: number) => void, n: number) => {
      const b = new Uint8Array(size * n);
      const v = new DataView(b.buffer);
      for (let i = 0; i < n; i++) write(v, i);
      return b;
    };
    expect([
      ...parseIdx(
        idx(
          0x0b,
          [3],
          be(2, (v, i) => v.setInt16(2 * i, [-2, 300, 7][i] as number), 3),
        ),
      ).data,
    ]).toEqual([-2, 300, 7]);
    expect([
      ...parseIdx(
        idx(
          0x0c,
          [2],
          be(4, (v, i) => v.setInt32(4 * i, [-70000, 5][i] as number), 2),
        ),
      ).data,
    ]).toEqual([-70000, 5]);
    expect([
      ...parseIdx(
        idx(
          0x0d,
          [2],
          be(4, (v, i) => v.setFloat32(4 * i, [1.5, -0.25][i] as number), 2),
        ),
      ).data,
    ]).toEqual([1.5, -0.25]);
    expect([
      ...parseIdx(
        idx(
          0x0e,
          [1, 1],
          be(8, (v) => v.setFloat64(0, Math.PI), 1),
        ),
      ).data,
    ]).toEqual([Math.PI]);
    expect([...parseIdx(idx(0x09, [2], [0xff, 1])).data]).toEqual([-1, 1]);
    expect(
      parseIdx(
        idx(
          0x0d,
          [1, 2],
          be(4, () => {}, 2),
        ),
      ).shape,
    ).toEqual([1, 2]);
  });

  it('accepts zero-sized dims', () => {
    expect(parseIdx(idx(0x08, [0, 28, 28], [])).data.length).toBe(0);
  });

  it('rejects a bad magic, unknown type, zero dims, short headers', () => {
    expect(formatError(() => parseIdx(new Uint8Array([0, 0]), { file: 'f' })).message).toMatch(
      /^f: is 2 bytes long.*expected an IDX file/,
    );
    expect(formatError(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), { file: 'f' })).message).toMatch(
      /bad magic 0x01000801 \(the first two bytes must be zero\)/,
    );
    expect(formatError(() => parseIdx(new Uint8Array([0, 0, 7, 1, 0, 0, 0, 0]))).message).toMatch(/unknown IDX type byte 0x07/);
    expect(formatError(() => parseIdx(new Uint8Array([0, 0, 8, 0]))).message).toMatch(/declares 0 dims/);
    expect(formatError(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]), { file: 'x' })).message).toMatch(
      /x: is truncated: its header needs 16 bytes for 3 dims, the file has 8/,
    );
  });

  it('rejects truncated and oversized bodies before allocating', () => {
    const bytes = idxImages(2, 3, 4);
    const e = formatError(() => parseIdx(bytes.subarray(0, bytes.length - 1), { file: 'train-images' }));
    expect(e.file).toBe('train-images');
    expect(e.message).toMatch(
      /is truncated: dims \[2, 3, 4\] of uint8 need 2 \* 3 \* 4 \* 1 bytes after the 16-byte header, but only 23 follow/,
    );
    const extra = new Uint8Array(bytes.length + 3);
    extra.set(bytes);
    expect(formatError(() => parseIdx(extra)).message).toMatch(/3 unexpected trailing bytes/);
    // A header that claims 2^32-1 cubed values: compared against the bytes present, never allocated.
    const huge = idx(0x0e, [0xffffffff, 0xffffffff, 0xffffffff], [1, 2, 3]);
    expect(formatError(() => parseIdx(huge)).message).toMatch(/is truncated/);
  });

  it('needs a gunzip for gzip bytes (sync), or parseIdxAsync', async () => {
    const gz = gzip(idxLabels([1, 2, 3]));
    expect(formatError(() => parseIdx(gz, { file: 'l.gz' })).message).toMatch(/l.gz: is gzip-compressed; decompress it first/);
    expect([...parseIdx(gz, { gunzip: (b) => gunzipBytes(b) }).data]).toEqual([1, 2, 3]);
    expect([...(await parseIdxAsync(gz)).data]).toEqual([1, 2, 3]);
    const corrupt = gz.slice(0, gz.length - 6);
    expect(
      formatError(() => parseIdx(corrupt, { file: 'c.gz', gunzip: (b) => gunzipBytes(b, { file: 'c.gz' }) })).message,
    ).toMatch(/c.gz: corrupt gzip data/);
    await expect(parseIdxAsync(corrupt, { file: 'c.gz' })).rejects.toThrow(DataFormatError);
    await expect(parseIdxAsync(gz, { maxBytes: 4 })).rejects.toThrow(/decompresses to more than 4 bytes/);
    expect(() => gunzipBytes(gz, { maxBytes: 4 })).toThrow(/decompresses to more than 4 bytes/);
  });
});

describe('MNIST-style images and labels', () => {
  it('checks the magic numbers 2051 and 2049', () => {
    const images = idxImages(3, 2, 2);
    const labels = idxLabels([0, 9, 4]);
    expect(parseIdxImages(images)).toMatchObject({ count: 3, rows: 2, cols: 2 });
    expect([...parseIdxLabels(labels)]).toEqual([0, 9, 4]);
    expect(formatError(() => parseIdxImages(labels, { file: 'L' })).message).toMatch(
      /L: has magic 2049 \(0x00000801\), not 2051 \(0x00000803\); expected MNIST-style IDX images/,
    );
    expect(formatError(() => parseIdxLabels(images, { file: 'I' })).message).toMatch(/not 2049/);
    expect(formatError(() => parseIdxImages(idx(0x08, [1, 0, 5], []))).message).toMatch(/empty 0x5 images/);
  });

  it('rejects labels out of range', () => {
    const e = formatError(() => parseIdxLabels(idxLabels([1, 10, 2]), { file: 'labels' }));
    expect(e.message).toMatch(/labels: the label at index 1 is 10, outside 0..9/);
    expect([...parseIdxLabels(idxLabels([1, 10, 2]), { numClasses: 47 })]).toEqual([1, 10, 2]);
  });

  it('rejects image/label count mismatches', () => {
    const e = formatError(() =>
      idxImagesFromBytes(idxImages(3, 2, 2), idxLabels([1, 2]), { imagesFile: 'imgs', labelsFile: 'lbls' }),
    );
    expect(e.message).toMatch(/lbls: holds 2 labels but imgs holds 3 images/);
  });

  it('builds a dataset from bytes: items in [0, 1] and toTensors', async () => {
    const ds = MNIST.fromBytes(idxImages(3, 2, 2), idxLabels([5, 0, 4]));
    expect(ds.length).toBe(3);
    const { image, label } = ds.get(1);
    expect(image.shape).toEqual([1, 2, 2]);
    expect(image.dtype).toBe('float32');
    expect([...(await image.data())]).toEqual([28, 35, 42, 49].map((v) => Math.fround(v / 255)));
    expect(label).toBe(0);
    image.dispose();
    const { images, labels } = ds.toTensors();
    expect(images.shape).toEqual([3, 1, 2, 2]);
    expect([...(await labels.data())]).toEqual([5, 0, 4]);
    expect(labels.dtype).toBe('int32');
    images.dispose();
    labels.dispose();
    expect(() => ds.get(3)).toThrow(/index 3 is out of range for a dataset of length 3/);
  });
});

describe('loading from a directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-idx-'));
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzip(idxImages(4, 3, 3)));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), idxLabels([1, 2, 3, 4]));
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), idxImages(2, 3, 3));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), idxLabels([1, 2, 3]));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads plain and .gz files with the standard names', async () => {
    const train = await FashionMNIST.load({ root: dir, train: true });
    expect(train.length).toBe(4);
    expect([...train.labels]).toEqual([1, 2, 3, 4]);
    expect(train.imageShape).toEqual([1, 3, 3]);
    expect(FashionMNIST.classes[9]).toBe('Ankle boot');
    const viaUrl = await MNIST.load({ root: new URL(`file://${dir}/`), train: true });
    expect(viaUrl.length).toBe(4);
    expect((await readIdxFile(join(dir, 'train-images-idx3-ubyte.gz'))).shape).toEqual([4, 3, 3]);
  });

  it('names both files when their counts disagree', async () => {
    const e = await MNIST.load({ root: dir, train: false }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DataFormatError);
    expect((e as Error).message).toContain(join(dir, 't10k-labels-idx1-ubyte'));
    expect((e as Error).message).toMatch(/holds 3 labels but .*t10k-images-idx3-ubyte holds 2 images/);
  });

  it('explains a missing directory or file with the expected layout', async () => {
    const missing = join(dir, 'nope');
    const e = await MNIST.load({ root: missing }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DataFormatError);
    expect((e as DataFormatError).file).toBe(missing);
    expect((e as Error).message).toMatch(/directory not found \(ENOENT\); expected a directory with train-images-idx3-ubyte/);
    const empty = await mkdtemp(join(tmpdir(), 'strata-empty-'));
    const e2 = await FashionMNIST.load({ root: empty }).catch((x: unknown) => x);
    expect((e2 as Error).message).toMatch(/train-images-idx3-ubyte: not found \(nor train-images-idx3-ubyte.gz\) in/);
    await rm(empty, { recursive: true });
    await expect(readIdxFile(join(dir, 'missing'))).rejects.toThrow(/could not be read .*ENOENT/);
  });
});

describe('loading over fetch (the browser path)', () => {
  const files = new Map<string, Uint8Array>([
    ['https://data.test/mnist/t10k-images-idx3-ubyte.gz', gzip(idxImages(2, 2, 2))],
    ['https://data.test/mnist/t10k-labels-idx1-ubyte', idxLabels([7, 2])],
  ]);
  const fetch = async (url: string) => {
    if (url.startsWith('https://broken.test/')) return new Response('oops', { status: 500, statusText: 'Internal Server Error' });
    const body = files.get(url);
    return body ? new Response(body as Uint8Array<ArrayBuffer>) : new Response('missing', { status: 404 });
  };

  it('reads the standard names (or .gz) under a base URL', async () => {
    const test = await MNIST.load({ root: 'https://data.test/mnist', train: false, fetch });
    expect([...test.labels]).toEqual([7, 2]);
    const web = await WebMNIST.load({ root: new URL('https://data.test/mnist/'), train: false, fetch });
    expect(web.length).toBe(2);
    expect(web).toBeInstanceOf(WebMNIST);
  });

  it('reports missing files and HTTP errors as DataFormatErrors naming the URL', async () => {
    await expect(MNIST.load({ root: 'https://data.test/mnist/', train: true, fetch })).rejects.toThrow(
      /https:\/\/data.test\/mnist\/train-images-idx3-ubyte: not found \(nor train-images-idx3-ubyte.gz\) in https:\/\/data.test\/mnist\/; expected a directory with/,
    );
    await expect(MNIST.load({ root: 'https://broken.test/', fetch })).rejects.toThrow(
      /https:\/\/broken.test\/train-images-idx3-ubyte: HTTP 500 Internal Server Error/,
    );
    const failing = async () => {
      throw new TypeError('network down');
    };
    await expect(MNIST.load({ root: 'https://data.test/', fetch: failing })).rejects.toThrow(
      /could not be fetched \(network down\)/,
    );
  });
});
