import { gzipSync } from 'node:zlib';

/** IDX bytes: magic (0, 0, type, ndim), big-endian dims, then `body` as given. */
export function idx(type: number, dims: readonly number[], body: Uint8Array | readonly number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

/** An MNIST-style image file of `count` rows x cols images; pixel k of the file is (k * 7) % 256. */
export function idxImages(count: number, rows: number, cols: number): Uint8Array {
  return idx(
    0x08,
    [count, rows, cols],
    Array.from({ length: count * rows * cols }, (_, k) => (k * 7) % 256),
  );
}

export function idxLabels(labels: readonly number[]): Uint8Array {
  return idx(0x08, [labels.length], labels);
}

/** A CIFAR-10 batch: record i has `labels[i]` and pixel p = (i + p) % 256. */
export function cifarBatch(labels: readonly number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((l, i) => {
    out[i * 3073] = l;
    for (let p = 0; p < 3072; p++) out[i * 3073 + 1 + p] = (i + p) % 256;
  });
  return out;
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}
