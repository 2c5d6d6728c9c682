import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { epochOrder, runTrain } from '../src/index';

const dir = join(tmpdir(), `strata-cli-${process.pid}`);
const quiet = () => {};

describe('strata train lenet', () => {
  it('reaches >= 95% test accuracy on an MNIST subset', async () => {
    const out = join(dir, 'subset.safetensors');
    const result = await runTrain(
      { epochs: 2, batchSize: 32, lr: 4e-3, backend: 'cpu', seed: 0, out, limit: 6000, testLimit: 1000, progress: false },
      quiet,
    );
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.95);
    result.model.dispose();
  }, 240_000);

  it('resumes bit-exactly: a run interrupted after epoch 1 and resumed equals an uninterrupted one', async () => {
    const base = { batchSize: 64, lr: 1e-3, backend: 'cpu' as const, seed: 3, limit: 320, testLimit: 100, progress: false };
    const straight = join(dir, 'straight.safetensors');
    const split = join(dir, 'split.safetensors');
    (await runTrain({ ...base, epochs: 2, out: straight }, quiet)).model.dispose();
    (await runTrain({ ...base, epochs: 2, stopAfterEpochs: 1, out: split }, quiet)).model.dispose(); // "interrupted"

    (await runTrain({ ...base, epochs: 2, out: split, resume: `${split}.ckpt` }, quiet)).model.dispose();
    const a = await readFile(straight);
    const b = await readFile(split);
    expect(b.equals(a)).toBe(true);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('shuffles each epoch differently, reproducibly from the seed', () => {
    const e0 = epochOrder(100, 7, 0);
    expect(Array.from(epochOrder(100, 7, 0))).toEqual(Array.from(e0));
    expect(Array.from(epochOrder(100, 7, 1))).not.toEqual(Array.from(e0));
    expect([...e0].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
  });
});
