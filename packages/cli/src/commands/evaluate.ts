import { noGrad } from '@strata/autograd';
import { type Tensor, tidy } from '@strata/core';
import type { LeNet5 } from '@strata/zoo';
import { toBackend } from './mnist';

/**
 * Fraction of `images` that `model` classifies as `labels`, in batches of 1000
 * moved to `backend` one at a time.
 */
export async function evaluate(
  model: LeNet5,
  images: Tensor,
  labels: Tensor,
  backend: string,
  batchSize = 1000,
): Promise<number> {
  const wasTraining = model.training;
  model.eval();
  const n = images.shape[0] as number;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const xHost = images.narrow(0, start, count);
    const yHost = labels.narrow(0, start, count);
    const [x, y] = [await toBackend(xHost, backend), await toBackend(yHost, backend)];
    const hits = noGrad(() => tidy(() => model.forward(x).argmax(1).eq(y).sum()));
    correct += (await hits.item()) as number;
    for (const t of new Set([hits, x, y, xHost, yHost])) t.dispose();
  }
  model.train(wasTraining);
  return n === 0 ? Number.NaN : correct / n;
}
