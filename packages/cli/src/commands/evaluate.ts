import { noGrad } from '@strata/autograd';
import { type Tensor, tidy } from '@strata/core';
import type { LeNet5 } from '@strata/zoo';

/** Fraction of `images` that `model` classifies as `labels`, in batches of 1000. */
export function evaluate(model: LeNet5, images: Tensor, labels: Tensor, batchSize = 1000): number {
  const wasTraining = model.training;
  model.eval();
  const n = images.shape[0] as number;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const hits = noGrad(() =>
      tidy(() =>
        model
          .forward(images.narrow(0, start, count))
          .argmax(1)
          .eq(labels.narrow(0, start, count))
          .sum(),
      ),
    );
    correct += hits.itemSync() as number;
    hits.dispose();
  }
  model.train(wasTraining);
  return n === 0 ? Number.NaN : correct / n;
}
