/**
 * LeNet-5 trains on WebGL.
 *
 * - Always: the first training steps on real MNIST batches follow the CPU
 *   backend's (same weights, same batches, same Adam), step by step, with no
 *   tensor leaked between steps.
 * - With STRATA_WEBGL_LENET=full in the environment (vitest.config.ts passes
 *   it in as `webglLenetFull`): the CLI test's hyperparameters (Adam, lr 4e-3
 *   with a 5% warm-up and cosine decay, batch 32, seed 0) on 6,000 images x 2
 *   epochs, held to the CPU test's threshold of 95% on the first 1,000 test
 *   images. On SwiftShader (no GPU, 2 shared cores) that run took 379 to 940 s
 *   of training over three runs (32 to 13 images/s) and reached 96.0%: too long for CI. Smaller runs do
 *   not reach 95% even on the CPU (packages/cli's runTrain: 3,000 x 2 gave
 *   93.6%, 2,000 x 3 92.9%, 1,000 x 4 89.5%), so rather than lower the
 *   threshold the full run is opt-in.
 */
import { noGrad } from '@strata/autograd';
import * as S from '@strata/core';
import { Adam } from '@strata/optim';
import { LeNet5 } from '@strata/zoo';
import { expect, inject, it } from 'vitest';
import { createWebGlBackend } from '../src/index';
import { loadMnist, type MnistSplit } from './mnist';

declare module 'vitest' {
  export interface ProvidedContext {
    webglLenetFull: boolean;
  }
}

const TRAIN_IMAGES = 6000;
const EPOCHS = 2;
const TEST_IMAGES = 1000;
const BATCH = 32;
const LR = 4e-3;
const WARMUP = 0.05;

/** packages/cli's schedule: linear warm-up from lr/10, then cosine decay to 0. */
function scheduledLr(step: number, total: number): number {
  const warmSteps = Math.max(1, Math.round(WARMUP * total));
  if (step < warmSteps) return LR * (0.1 + (0.9 * step) / warmSteps);
  return 0.5 * LR * (1 + Math.cos(Math.PI * Math.min(1, (step - warmSteps) / Math.max(1, total - warmSteps))));
}

/** Images `indices` of `split` as a (b, 1, 28, 28) tensor and their labels, on the current backend. */
function batch(split: MnistSplit, indices: ArrayLike<number>): [S.Tensor, S.Tensor] {
  const size = 28 * 28;
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i] as number;
    x.set(split.images.subarray(k * size, (k + 1) * size), i * size);
    y[i] = split.labels[k] as number;
  }
  return [S.fromStorageArray(x, [indices.length, 1, 28, 28], 'float32'), S.fromStorageArray(y, [indices.length], 'int32')];
}

/** The shuffled order of an epoch, from a generator seeded with the epoch, on the CPU backend. */
async function epochOrder(n: number, epoch: number): Promise<Int32Array> {
  const perm = S.randperm(n, { generator: new S.Generator(1000 + epoch), backend: await S.backendByName('cpu') });
  const order = perm.dataSync() as Int32Array;
  perm.dispose();
  return order;
}

it.runIf(inject('webglLenetFull'))(
  `trains LeNet-5 on ${TRAIN_IMAGES} MNIST images x ${EPOCHS} epochs to >= 95% on ${TEST_IMAGES} test images`,
  async () => {
    const [train, test] = await Promise.all([loadMnist(true, TRAIN_IMAGES), loadMnist(false, TEST_IMAGES)]);
    const backend = createWebGlBackend();
    S.useBackend(backend);
    const model = new LeNet5({ generator: new S.Generator(0) });
    const optimizer = new Adam(model.parameters(), { lr: LR });
    const steps = Math.ceil(TRAIN_IMAGES / BATCH);
    const started = performance.now();
    let lastLoss = Number.NaN;
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      const order = await epochOrder(TRAIN_IMAGES, epoch);
      const live: number[] = [];
      for (let step = 0; step < steps; step++) {
        for (const group of optimizer.paramGroups) group.lr = scheduledLr(epoch * steps + step, EPOCHS * steps);
        const [x, y] = batch(train, order.subarray(step * BATCH, (step + 1) * BATCH));
        const loss = S.tidy(() => {
          const l = S.crossEntropy(model.forward(x), y);
          l.backward();
          return noGrad(() => l.detach());
        });
        optimizer.step();
        optimizer.zeroGrad();
        // A read per step keeps the GPU queue short, as a real loop logging its loss does.
        lastLoss = (await loss.item()) as number;
        for (const t of [loss, x, y]) t.dispose();
        // Step 1 and the epoch's last full batch (step 0 creates Adam's state; the last batch is smaller).
        if (step === 1 || step === steps - 2) live.push(S.memory().numTensors);
      }
      // No tensor leaks from step to step: the count does not grow over the epoch (it fell from 40 to
      // 30 over the first one in a measured run; a leak would add hundreds).
      expect(live[1], `live tensors in epoch ${epoch}: ${live.join(' -> ')}`).toBeLessThanOrEqual(live[0] as number);
    }
    const trainSeconds = (performance.now() - started) / 1000;

    model.eval();
    const all = Int32Array.from({ length: test.count }, (_, i) => i);
    let correct = 0;
    for (let start = 0; start < test.count; start += 250) {
      const [x, y] = batch(test, all.subarray(start, start + 250));
      const hits = noGrad(() => S.tidy(() => model.forward(x).argmax(1).eq(y).sum()));
      correct += (await hits.item()) as number;
      for (const t of [hits, x, y]) t.dispose();
    }
    const accuracy = correct / test.count;
    console.log(
      `webgl LeNet-5: ${TRAIN_IMAGES} images x ${EPOCHS} epochs in ${trainSeconds.toFixed(1)} s ` +
        `(${((EPOCHS * TRAIN_IMAGES) / trainSeconds).toFixed(0)} img/s), last loss ${lastLoss.toFixed(4)}, ` +
        `test accuracy ${(100 * accuracy).toFixed(2)}%, kernels ${JSON.stringify(backend.stats())}`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    model.dispose();
    backend.destroy();
  },
  3_000_000,
);

it('the first LeNet-5 training steps on MNIST follow the CPU backend step by step', async () => {
  const steps = 6;
  const train = await loadMnist(true, steps * BATCH);
  const cpu = await S.backendByName('cpu');
  const gl = createWebGlBackend();
  const run = (backend: S.Backend) => {
    S.useBackend(backend);
    const model = new LeNet5({ generator: new S.Generator(0) });
    const optimizer = new Adam(model.parameters(), { lr: LR });
    const losses: number[] = [];
    const live: number[] = [];
    for (let step = 0; step < steps; step++) {
      const [x, y] = batch(
        train,
        Int32Array.from({ length: BATCH }, (_, i) => step * BATCH + i),
      );
      const loss = S.tidy(() => {
        const l = S.crossEntropy(model.forward(x), y);
        l.backward();
        return noGrad(() => l.detach());
      });
      optimizer.step();
      optimizer.zeroGrad();
      losses.push(loss.dataSync()[0] as number);
      for (const t of [loss, x, y]) t.dispose();
      if (step > 0) live.push(S.memory().numTensors); // step 0 creates Adam's state
    }
    // No tensor leaks from step to step.
    expect(new Set(live).size).toBe(1);
    const weights = [...model.parameters()].map((p) => Array.from(p.dataSync()));
    model.dispose();
    return { losses, weights };
  };
  const expected = run(cpu);
  const started = performance.now();
  const actual = run(gl as unknown as S.Backend);
  console.log(`webgl LeNet-5: ${steps} steps of batch ${BATCH} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Learning happens: the loss falls from ~2.3 (chance): to ~2.2 after six steps on the CPU.
  expect(expected.losses[steps - 1] as number).toBeLessThan((expected.losses[0] as number) - 0.05);
  for (let s = 0; s < steps; s++) expect(actual.losses[s]).toBeCloseTo(expected.losses[s] as number, 3);
  // float32 summation order differs (GPU reductions, matmul dot products), so weights agree to ~1e-4
  // after six Adam steps of 4e-3, not bit for bit.
  actual.weights.forEach((w, k) => {
    const ref = expected.weights[k] as number[];
    const worst = Math.max(...w.map((v, i) => Math.abs(v - (ref[i] as number))));
    expect(worst).toBeLessThan(1e-3);
  });
  gl.destroy();
}, 120_000);
