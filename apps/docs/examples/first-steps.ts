import { tensor, tidy } from '@strata/core';
import type { Print } from './types';

export const title = 'First steps';

/** Tensors, broadcasting, a numerically stable softmax, and tidy() for memory. */
export async function run(print: Print): Promise<void> {
  const logits = tensor([2, 1, 0.1]);
  print(`logits: ${logits.toString()}`);

  // softmax(x) = exp(x - logSumExp(x)): stable for large logits too.
  const probs = tidy(() => logits.sub(logits.logSumExp(0, true)).exp());
  print(`softmax: ${probs.toString()}`);
  print(`sum: ${((await probs.sum().item()) as number).toFixed(4)}`);

  const a = tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { dtype: 'float32' },
  );
  print(`a @ a.T = ${JSON.stringify(await a.matmul(a.T).toArray())}`);
}
