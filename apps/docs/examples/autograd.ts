import '@strata/autograd';
import { grad } from '@strata/autograd';
import { type Tensor, tensor, tidy } from '@strata/core';
import type { Print } from './types';

export const title = 'Gradients';

const fmt = async (t: Tensor): Promise<string> => JSON.stringify(((await t.toArray()) as number[]).map((v) => +v.toFixed(4)));

/** Reverse-mode autograd two ways: PyTorch-style backward() into .grad, and functional grad() that composes. */
export async function run(print: Print): Promise<void> {
  // PyTorch style: mark a leaf, compute a scalar, call backward(), read .grad.
  const w = tensor([1, 2, 3], { dtype: 'float32' }).requiresGrad_();
  const loss = w.mul(w).sum(); // d/dw sum(w²) = 2w
  loss.backward();
  print(`loss ${(await loss.item()) as number}, w.grad ${await fmt(w.grad as Tensor)}`);
  loss.dispose();

  // Functional style (like JAX): grad(f) is a function; grad(grad(f)) gives second derivatives.
  const f = (x: Tensor) => x.sin().sum();
  const df = grad(f) as (x: Tensor) => Tensor;
  const d2f = grad((x: Tensor) => df(x).sum()) as (x: Tensor) => Tensor;
  const x = tensor([0, Math.PI / 2, Math.PI], { dtype: 'float32' });
  const [first, second] = tidy(() => [df(x), d2f(x)]);
  print(`d/dx sin(x) = cos(x): ${await fmt(first as Tensor)}`);
  print(`d²/dx² sin(x) = -sin(x): ${await fmt(second as Tensor)}`);
}
