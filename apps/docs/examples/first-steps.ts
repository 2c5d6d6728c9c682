import type { Print } from './types';

export const title = 'First steps';

/**
 * A numerically stable softmax over a few logits. (This page's example moves to
 * `@strata/core` tensors once the core package lands; the Run machinery, and the
 * test that executes this file, stay the same.)
 */
export function run(print: Print): void {
  const logits = [2, 1, 0.1];
  const max = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - max));
  const total = exps.reduce((a, b) => a + b, 0);
  const probs = exps.map((e) => e / total);
  print(`logits: [${logits.join(', ')}]`);
  print(`softmax: [${probs.map((p) => p.toFixed(4)).join(', ')}]`);
}
