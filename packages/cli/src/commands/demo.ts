/**
 * `strata demo`: logistic regression trained by full-batch gradient descent on
 * two seeded Gaussian blobs, with the gradient written out by hand
 * (dL/dw = Xᵀ(σ(Xw) − y) / n). It exercises creation, random streams,
 * broadcasting, matmul, reductions and tidy() end to end on the chosen backend.
 * (`strata train lenet` replaces it as the main job once autograd and nn land.)
 */
import { cat, Generator, memory, ones, randn, type Tensor, tensor, tidy, zeros } from '@strata/core';

export interface DemoOptions {
  steps: number;
  lr: number;
  seed: number;
  samples: number;
}

export interface DemoResult {
  finalLoss: number;
  accuracy: number;
  leakedTensors: number;
}

/** Binary cross-entropy of sigmoid(logits) against 0/1 targets, computed stably. */
function bceWithLogits(logits: Tensor, y: Tensor): Tensor {
  // max(z, 0) - z*y + log(1 + exp(-|z|))
  return logits.relu().sub(logits.mul(y)).add(logits.abs().neg().exp().log1p()).mean();
}

export async function runDemo(options: DemoOptions, print: (line: string) => void): Promise<DemoResult> {
  const g = new Generator(options.seed);
  const half = Math.floor(options.samples / 2);
  // Two blobs in 2-d: centred at (-1.5, -1) (label 0) and (1.5, 1) (label 1), plus a bias column.
  const { x, y } = tidy(() => {
    const a = randn([half, 2], { generator: g }).add(tensor([[-1.5, -1]]));
    const b = randn([half, 2], { generator: g }).add(tensor([[1.5, 1]]));
    const features = cat([a, b], 0);
    return {
      x: cat([features, ones([2 * half, 1])], 1),
      y: cat([zeros([half, 1]), ones([half, 1])], 0),
    };
  });
  let w = zeros([3, 1]);
  const before = memory().numTensors;
  let loss = Number.NaN;
  for (let step = 1; step <= options.steps; step++) {
    const [next, stepLoss] = tidy(() => {
      const logits = x.matmul(w);
      const grad = x.T.matmul(logits.sigmoid().sub(y)).div(2 * half);
      return [w.sub(grad.mul(options.lr)), bceWithLogits(logits, y)] as const;
    });
    w.dispose();
    w = next;
    loss = (await stepLoss.item()) as number;
    stepLoss.dispose();
    if (step === 1 || step % Math.max(1, Math.floor(options.steps / 5)) === 0) {
      print(`step ${String(step).padStart(4)}  loss ${loss.toFixed(4)}`);
    }
  }
  const leakedTensors = memory().numTensors - before;
  const accuracy = (await tidy(() => x.matmul(w).gt(0).eq(y.gt(0.5)).to('float32').mean()).item()) as number;
  print(`weights ${JSON.stringify((await w.toArray()) as number[][]).replaceAll(/(\d\.\d{3})\d+/g, '$1')}`);
  print(`train accuracy ${(accuracy * 100).toFixed(1)}% on ${2 * half} points; tensors leaked by the loop: ${leakedTensors}`);
  for (const t of [x, y, w]) t.dispose();
  return { finalLoss: loss, accuracy, leakedTensors };
}
