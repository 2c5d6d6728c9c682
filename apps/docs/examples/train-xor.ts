import { Generator, tensor, tidy } from '@strata/core';
import { Linear, MSELoss, Sequential, Tanh } from '@strata/nn';
import { Adam } from '@strata/optim';
import type { Print } from './types';

export const title = 'Training a small network';

/** A 2-8-1 tanh network learns XOR with Adam: layers, a loss, autograd and an optimiser. */
export async function run(print: Print): Promise<void> {
  const g = new Generator(42);
  const model = new Sequential(new Linear(2, 8, { generator: g }), new Tanh(), new Linear(8, 1, { generator: g }));
  const optimizer = new Adam(model.parameters(), { lr: 0.05 });
  const lossFn = new MSELoss();
  const x = tensor(
    [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ],
    { dtype: 'float32' },
  );
  const y = tensor([[0], [1], [1], [0]], { dtype: 'float32' });

  for (let step = 1; step <= 100; step++) {
    const loss = tidy(() => {
      const l = lossFn.forward(model.forward(x), y);
      l.backward();
      return l.detach();
    });
    optimizer.step();
    optimizer.zeroGrad();
    if (step % 25 === 0) print(`step ${step}: loss ${((await loss.item()) as number).toExponential(1)}`);
    loss.dispose();
  }
  const predictions = tidy(() => model.forward(x).gt(0.5).to('int32'));
  print(`predictions: ${JSON.stringify((await predictions.toArray()) as number[][])}`);
}
