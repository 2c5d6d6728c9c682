import { arange, memory, reshape, type Tensor, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import {
  BatchSampler,
  Compose,
  DataLoader,
  type Dataset,
  disposeBatch,
  type IterableDataset,
  MapDataset,
  MNIST,
  Normalize,
  RandomCrop,
  SequentialSampler,
  SubsetRandomSampler,
  TensorDataset,
} from '../src/index';

const values = async (t: Tensor) => [...(await t.data())];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function makeData(n: number) {
  const x = reshape(arange(n * 2, undefined, 1, { dtype: 'float32' }), [n, 2]);
  const y = arange(n);
  return { x, y, ds: new TensorDataset(x, y) };
}

/** The first column of x (= 2 * index) of every batch, as index lists. */
async function epochOrder(loader: DataLoader<[Tensor, Tensor], [Tensor, Tensor]>): Promise<number[][]> {
  const order: number[][] = [];
  for await (const [xb, yb] of loader) {
    order.push(await values(yb));
    xb.dispose();
    yb.dispose();
  }
  return order;
}

describe('DataLoader batching', () => {
  it('yields batches of the right shapes; the last one smaller unless dropLast', async () => {
    const { x, y, ds } = makeData(10);
    const loader = new DataLoader(ds, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const shapes: number[][] = [];
    for await (const [xb, yb] of loader) {
      shapes.push([...xb.shape, ...yb.shape]);
      disposeBatch([xb, yb]);
    }
    expect(shapes).toEqual([
      [4, 2, 4],
      [4, 2, 4],
      [2, 2, 2],
    ]);
    const dropping = new DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(dropping.length).toBe(2);
    expect(await epochOrder(dropping)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    x.dispose();
    y.dispose();
  });

  it('batches structured items with the default collate (no fast path)', async () => {
    const ds: Dataset<{ v: Tensor; label: number; tag: string }> = {
      length: 5,
      get: (i) => ({ v: tensor([i, i * 10], { dtype: 'float32' }), label: i % 3, tag: `#${i}` }),
    };
    const before = memory().numTensors;
    const batches = [];
    for await (const batch of new DataLoader(ds, { batchSize: 2 })) {
      batches.push({ v: await values(batch.v), label: await values(batch.label), tag: batch.tag });
      disposeBatch(batch);
    }
    expect(batches[0]).toEqual({ v: [0, 0, 1, 10], label: [0, 1], tag: ['#0', '#1'] });
    expect(batches[2]).toEqual({ v: [4, 40], label: [1], tag: ['#4'] });
    expect(memory().numTensors).toBe(before);
  });

  it('takes a custom collate', async () => {
    const ds: Dataset<number> = { length: 7, get: (i) => i };
    const sums: number[] = [];
    for await (const total of new DataLoader(ds, { batchSize: 3, collate: (items) => items.reduce((a, b) => a + b, 0) }))
      sums.push(total);
    expect(sums).toEqual([3, 12, 6]);
  });

  it('takes a sampler or a batchSampler', async () => {
    const { x, y, ds } = makeData(6);
    expect(
      await epochOrder(new DataLoader(ds, { batchSize: 2, sampler: new SubsetRandomSampler([5, 4], { seed: 0 }) })),
    ).toHaveLength(1);
    const bs = new BatchSampler(new SequentialSampler(6), 3);
    expect(await epochOrder(new DataLoader(ds, { batchSampler: bs }))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(() => new DataLoader(ds, { batchSampler: bs, batchSize: 2 })).toThrow(/mutually exclusive with batchSize/);
    expect(() => new DataLoader(ds, { sampler: new SequentialSampler(6), shuffle: true })).toThrow(/mutually exclusive/);
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
    x.dispose();
    y.dispose();
  });
});

describe('DataLoader shuffling', () => {
  it('is reproducible from a seed, different across epochs, replayable by epoch', async () => {
    const { x, y, ds } = makeData(20);
    const a = new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 1 });
    const b = new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 1 });
    const a0 = await epochOrder(a);
    const a1 = await epochOrder(a);
    expect(a0.flat().sort((p, q) => p - q)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(a1).not.toEqual(a0);
    expect(await epochOrder(b)).toEqual(a0);
    expect(await epochOrder(b)).toEqual(a1);
    expect(a.epoch).toBe(2);
    a.setEpoch(0);
    expect(await epochOrder(a)).toEqual(a0);
    const c = new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 2 });
    expect(await epochOrder(c)).not.toEqual(a0);
    x.dispose();
    y.dispose();
  });
});

describe('DataLoader prefetching', () => {
  it('prepares the next batches while a slow consumer works, and keeps order', async () => {
    const log: string[] = [];
    const ds: Dataset<number> = {
      length: 8,
      get: async (i) => {
        log.push(`get ${i}`);
        await sleep(5);
        return i;
      },
    };
    const loader = new DataLoader(ds, { batchSize: 2, prefetch: 2 });
    const got: number[][] = [];
    for await (const batch of loader) {
      log.push(`consume ${got.length}`);
      got.push(await values(batch));
      await sleep(30); // the slow consumer
      batch.dispose();
    }
    expect(got).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ]);
    // Batches 1 and 2 were requested before the consumer got batch 0.
    expect(log.indexOf('get 2')).toBeLessThan(log.indexOf('consume 0'));
    expect(log.indexOf('get 4')).toBeLessThan(log.indexOf('consume 0'));
    expect(log.indexOf('get 6')).toBeLessThan(log.indexOf('consume 1'));
  });

  it('disposes prefetched batches when the consumer breaks early', async () => {
    const { x, y, ds } = makeData(100);
    const before = memory().numTensors;
    let taken = 0;
    for await (const [xb, yb] of new DataLoader(ds, { batchSize: 10, prefetch: 2 })) {
      xb.dispose();
      yb.dispose();
      if (++taken === 3) break;
    }
    expect(memory().numTensors).toBe(before);
    // Also when the body throws.
    await expect(
      (async () => {
        for await (const batch of new DataLoader(ds, { batchSize: 10 })) {
          disposeBatch(batch);
          throw new Error('stop');
        }
      })(),
    ).rejects.toThrow('stop');
    expect(memory().numTensors).toBe(before);
    x.dispose();
    y.dispose();
  });

  it('reports a dataset error at its batch and frees the rest', async () => {
    const made: Tensor[] = [];
    const ds: Dataset<Tensor> = {
      length: 6,
      get: (i) => {
        if (i === 3) throw new Error('item 3 is broken');
        const t = tensor([i]);
        made.push(t);
        return t;
      },
    };
    const before = memory().numTensors;
    const seen: number[][] = [];
    await expect(
      (async () => {
        for await (const batch of new DataLoader(ds, { batchSize: 2 })) {
          seen.push(await values(batch));
          batch.dispose();
        }
      })(),
    ).rejects.toThrow('item 3 is broken');
    expect(seen).toEqual([[0, 1]]);
    expect(memory().numTensors).toBe(before);
  });
});

describe('DataLoader memory', () => {
  it('holds memory flat over epochs when the consumer disposes its batches', async () => {
    const { x, y, ds } = makeData(64);
    const augmented = new MapDataset(ds, ([xi, yi]) => [tidy(() => (xi as Tensor).mul(2).add(1)), yi] as [Tensor, Tensor]);
    for (const dataset of [ds, augmented]) {
      const loader = new DataLoader(dataset, { batchSize: 8, shuffle: true, seed: 0 });
      const before = memory();
      const during: number[] = [];
      for (let epoch = 0; epoch < 3; epoch++) {
        for await (const [xb, yb] of loader) {
          during.push(memory().numTensors - before.numTensors);
          tidy(() => xb.sum().add(yb.sum())).dispose(); // the "training step"
          xb.dispose();
          yb.dispose();
        }
      }
      expect(memory().numTensors).toBe(before.numTensors);
      expect(memory().numBytes).toBe(before.numBytes);
      expect(Math.max(...during)).toBeLessThanOrEqual(2 * 3); // the batch held + two prefetched
    }
    x.dispose();
    y.dispose();
  });
});

describe('DataLoader with transformed image items', () => {
  it('applies the transform per item and frees everything it made', async () => {
    const pixels = new Uint8Array(6 * 16).map((_, k) => (k * 5) % 256);
    const images = new Uint8Array(16 + pixels.length);
    new DataView(images.buffer).setUint32(0, 2051);
    new DataView(images.buffer).setUint32(4, 6);
    new DataView(images.buffer).setUint32(8, 4);
    new DataView(images.buffer).setUint32(12, 4);
    images.set(pixels, 16);
    const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 6, 1, 2, 3, 4, 5, 6]);
    const transform = new Compose([new RandomCrop(3, { seed: 0 }), new Normalize(0.5, 0.25)]);
    const ds = MNIST.fromBytes(images, labels, { transform });
    const before = memory().numTensors;
    let n = 0;
    for await (const { image, label } of new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 3 })) {
      expect(image.shape.slice(1)).toEqual([1, 3, 3]);
      n += label.shape[0] as number;
      disposeBatch({ image, label });
    }
    expect(n).toBe(6);
    expect(memory().numTensors).toBe(before);
  });
});

describe('DataLoader over an IterableDataset', () => {
  const stream = (n: number): IterableDataset<number> => ({
    length: n,
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < n; i++) {
        await sleep(1);
        yield i;
      }
    },
  });

  it('batches a stream in order, with dropLast and length', async () => {
    const loader = new DataLoader(stream(7), { batchSize: 3 });
    expect(loader.length).toBe(3);
    const got: number[][] = [];
    for await (const b of loader) {
      got.push(await values(b));
      b.dispose();
    }
    expect(got).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    const dropping: number[][] = [];
    for await (const b of new DataLoader(stream(7), { batchSize: 3, dropLast: true })) {
      dropping.push(await values(b));
      b.dispose();
    }
    expect(dropping).toHaveLength(2);
    expect(() => new DataLoader(stream(3), { shuffle: true })).toThrow(/shuffle need a map-style Dataset/);
    const unknown: IterableDataset<number> = { [Symbol.asyncIterator]: stream(2)[Symbol.asyncIterator] };
    expect(() => new DataLoader(unknown).length).toThrow(/has no length/);
  });

  it('closes the stream on break', async () => {
    let closed = false;
    const source: IterableDataset<number> = {
      async *[Symbol.asyncIterator]() {
        try {
          for (let i = 0; ; i++) yield i;
        } finally {
          closed = true;
        }
      },
    };
    const before = memory().numTensors;
    for await (const b of new DataLoader(source, { batchSize: 4 })) {
      b.dispose();
      break;
    }
    expect(closed).toBe(true);
    expect(memory().numTensors).toBe(before);
  });
});
