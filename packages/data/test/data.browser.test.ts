import { memory, type Tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { CIFAR10, DataFormatError, DataLoader, MNIST, parseIdxAsync, TensorDataset, ToTensor, twoSpirals } from '../src/index';

// The main entry in a real browser: no node builtins, gzip through the
// platform's DecompressionStream, the DataLoader's async iteration.

function idx(dims: number[], body: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  out.set(body, 4 + 4 * dims.length);
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('@strata/data in the browser', () => {
  it('parses gzip IDX bytes with DecompressionStream', async () => {
    const labels = await parseIdxAsync(await gzip(idx([3], [7, 2, 1])), { file: 'labels.gz' });
    expect([...labels.data]).toEqual([7, 2, 1]);
    await expect(parseIdxAsync(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2]), { file: 'bad.gz' })).rejects.toThrow(DataFormatError);
  });

  it('builds MNIST and CIFAR-10 datasets from bytes', async () => {
    const mnist = MNIST.fromBytes(idx([2, 2, 2], [0, 255, 0, 255, 1, 2, 3, 4]), idx([2], [5, 0]));
    const { image, label } = mnist.get(0);
    expect(image.shape).toEqual([1, 2, 2]);
    expect(label).toBe(5);
    image.dispose();
    const record = new Uint8Array(3073);
    record[0] = 3;
    expect(CIFAR10.fromBytes([record]).length).toBe(1);
    expect(() => CIFAR10.fromBytes([record.subarray(1)])).toThrow(/not a multiple of the 3073-byte record/);
  });

  it('iterates a DataLoader without leaking', async () => {
    const { x, y } = twoSpirals(64, { seed: 0 });
    const before = memory().numTensors;
    let batches = 0;
    for await (const [xb, yb] of new DataLoader(new TensorDataset(x, y), { batchSize: 16, shuffle: true, seed: 0 })) {
      expect(xb.shape).toEqual([16, 2]);
      for (const t of [xb, yb] as Tensor[]) t.dispose();
      batches++;
    }
    expect(batches).toBe(4);
    expect(memory().numTensors).toBe(before);
    const rgba = new ToTensor().apply({ data: new Uint8ClampedArray(2 * 2 * 4).fill(255), width: 2, height: 2 });
    expect(rgba.shape).toEqual([4, 2, 2]);
  });
});
