/**
 * `strata train lenet`: LeNet-5 on MNIST with Adam, a progress bar, per-epoch
 * test accuracy, an atomic checkpoint after every epoch and bit-exact resume.
 *
 * Determinism: the shuffle order of epoch e comes from a generator seeded with
 * (seed, e), the initial weights from one seeded with `seed`, and every kernel
 * is deterministic, so a resumed run continues exactly as an uninterrupted one.
 */

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { noGrad } from '@strata/autograd';
import { type Backend, crossEntropy, Generator, indexSelect, memory, randperm, type Tensor, tensor, tidy } from '@strata/core';
import { saveModuleFile } from '@strata/nn/node';
import { Adam } from '@strata/optim';
import { LeNet5 } from '@strata/zoo';
import { SingleBar } from 'cli-progress';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint';
import { type BackendChoice, selectBackend } from './backend';
import { evaluate } from './evaluate';
import { loadMnist, toBackend } from './mnist';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  backend: BackendChoice;
  seed: number;
  out: string;
  resume?: string;
  /** Train on the first N training images only (quick runs, tests). */
  limit?: number;
  /** Evaluate on the first N test images only. */
  testLimit?: number;
  /** Show the progress bar (default true; without a terminal it prints a line every 30 s). */
  progress?: boolean;
  /** 'cosine' (default): linear warm-up then cosine decay to 0 over the run; 'constant': `lr` throughout. */
  schedule?: 'cosine' | 'constant';
  /** Fraction of all steps spent warming up (default 0.05). */
  warmup?: number;
  /** Stop after this many epochs as if interrupted (the schedule still spans `epochs`); for resume tests. */
  stopAfterEpochs?: number;
}

/**
 * The learning rate at global step `step` of `total`: a linear warm-up from
 * lr/10 over `warmup` of the run, then a cosine decay to 0. A pure function of
 * the step, so a resumed run sets exactly the rate an uninterrupted one would.
 */
export function scheduledLr(lr: number, step: number, total: number, schedule: 'cosine' | 'constant', warmup: number): number {
  if (schedule === 'constant') return lr;
  const warmSteps = Math.max(1, Math.round(warmup * total));
  if (step < warmSteps) return lr * (0.1 + (0.9 * step) / warmSteps);
  const progress = (step - warmSteps) / Math.max(1, total - warmSteps);
  return 0.5 * lr * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}

export interface TrainResult {
  testAccuracy: number;
  epochs: number;
  imagesPerSecond: number;
  model: LeNet5;
}

/** The permutation of epoch `epoch`, a pure function of (seed, epoch). */
export function epochOrder(n: number, seed: number, epoch: number, host?: Backend): Int32Array {
  const g = new Generator().manualSeed(BigInt(seed) * 1_000_003n + BigInt(epoch));
  const perm = randperm(n, { generator: g, ...(host ? { backend: host } : {}) });
  const order = perm.dataSync() as Int32Array;
  perm.dispose();
  return order;
}

export async function runTrain(options: TrainOptions, print: (line: string) => void): Promise<TrainResult> {
  const backend = await selectBackend(options.backend, print);
  const train = await loadMnist(true, options.limit);
  const test = await loadMnist(false, options.testLimit);
  const n = train.images.shape[0] as number;
  print(
    `strata train lenet: ${n} training / ${test.images.shape[0]} test images, batch ${options.batchSize}, Adam lr ${options.lr} (${options.schedule ?? 'cosine'} schedule), backend ${backend}, seed ${options.seed}`,
  );

  await mkdir(dirname(options.out), { recursive: true });
  const model = new LeNet5({ generator: new Generator(options.seed) });
  const optimizer = new Adam(model.parameters(), { lr: options.lr });
  let startEpoch = 0;
  if (options.resume) {
    const info = await loadCheckpoint(options.resume, model, optimizer);
    startEpoch = info.epoch;
    print(`resumed from ${options.resume} after epoch ${startEpoch}`);
  }

  const stepsPerEpoch = Math.ceil(n / options.batchSize);
  const showBar = options.progress ?? true;
  let testAccuracy = Number.NaN;
  let imagesPerSecond = 0;
  const lastEpoch = Math.min(options.epochs, options.stopAfterEpochs ?? options.epochs);
  for (let epoch = startEpoch; epoch < lastEpoch; epoch++) {
    const order = epochOrder(n, options.seed, epoch, train.images.backend);
    const bar = new SingleBar({
      format: `epoch ${epoch + 1}/${options.epochs} [{bar}] {percentage}% | loss {loss} | acc {acc}% | {speed} img/s | ETA {eta_formatted}`,
      hideCursor: true,
      // Without a terminal (CI, pipes) the bar prints a line every 30 s instead of redrawing.
      noTTYOutput: true,
      notTTYSchedule: 30_000,
      stream: process.stdout,
    });
    if (showBar) bar.start(stepsPerEpoch, 0, { loss: '-', acc: '-', speed: '-' });
    const started = performance.now();
    let seen = 0;
    let lossSum = 0;
    let correct = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const globalStep = epoch * stepsPerEpoch + step;
      for (const group of optimizer.paramGroups) {
        group.lr = scheduledLr(
          options.lr,
          globalStep,
          options.epochs * stepsPerEpoch,
          options.schedule ?? 'cosine',
          options.warmup ?? 0.05,
        );
      }
      const batchIndices = order.subarray(step * options.batchSize, Math.min(n, (step + 1) * options.batchSize));
      const [xHost, yHost] = tidy(() => {
        const idx = tensor(batchIndices, { dtype: 'int32', backend: train.images.backend });
        return [indexSelect(train.images, 0, idx), indexSelect(train.labels, 0, idx)];
      });
      const [xb, yb] = [await toBackend(xHost, backend), await toBackend(yHost, backend)];
      const stats = tidy(() => {
        const logits = model.forward(xb);
        const loss = crossEntropy(logits, yb);
        loss.backward();
        return noGrad(() => ({ loss: loss.detach(), correct: logits.argmax(1).eq(yb).sum() }));
      });
      optimizer.step();
      optimizer.zeroGrad();
      seen += batchIndices.length;
      lossSum += ((await stats.loss.item()) as number) * batchIndices.length;
      correct += (await stats.correct.item()) as number;
      for (const t of new Set([stats.loss, stats.correct, xb, yb, xHost, yHost])) t.dispose();
      const seconds = (performance.now() - started) / 1000;
      imagesPerSecond = seen / seconds;
      // Yield to the event loop so the progress bar (timer-driven) can draw.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (showBar)
        bar.update(step + 1, {
          loss: (lossSum / seen).toFixed(4),
          acc: ((100 * correct) / seen).toFixed(2),
          speed: imagesPerSecond.toFixed(0),
        });
    }
    if (showBar) bar.stop();
    testAccuracy = await evaluate(model, test.images, test.labels, backend);
    print(
      `epoch ${epoch + 1}/${options.epochs}: train loss ${(lossSum / seen).toFixed(4)}, train acc ${((100 * correct) / seen).toFixed(2)}%, test acc ${(100 * testAccuracy).toFixed(2)}%, ${imagesPerSecond.toFixed(0)} img/s, ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    await saveCheckpoint(`${options.out}.ckpt`, model, optimizer, {
      epoch: epoch + 1,
      seed: options.seed,
      config: {
        batchSize: options.batchSize,
        lr: options.lr,
        epochs: options.epochs,
        schedule: options.schedule ?? 'cosine',
        limit: options.limit ?? null,
      },
    });
  }
  await saveModuleFile(model, options.out, {
    model: 'lenet5',
    variant: model.variant,
    test_accuracy: String(testAccuracy),
    epochs: String(options.epochs),
    seed: String(options.seed),
    lr: String(options.lr),
    batch_size: String(options.batchSize),
    schedule: options.schedule ?? 'cosine',
    train_images: String(n),
  });
  print(
    `test accuracy ${(100 * testAccuracy).toFixed(2)}%; weights written to ${options.out} (checkpoint ${options.out}.ckpt); live tensors: ${memory().numTensors}`,
  );
  for (const t of [train.images, train.labels, test.images, test.labels] as Tensor[]) t.dispose();
  return { testAccuracy, epochs: options.epochs, imagesPerSecond, model };
}
