/**
 * @packageDocumentation
 * Reverse-mode automatic differentiation for @strata/core. Importing the
 * package installs its recorder as core's op observer and adds the
 * PyTorch-style members to Tensor (`requiresGrad_`, `backward`, `grad`,
 * `detach` ...); without it core records nothing.
 */
import { getOpObserver, setOpObserver, type Tensor, zerosLike } from '@strata/core';
import { recorder } from './observer';
import './tensor-api';

if (getOpObserver() && getOpObserver() !== recorder) {
  throw new Error("@strata/autograd: another op observer is already installed; autograd must own core's observer hook");
}
setOpObserver(recorder);

export { type BackwardOptions, backward } from './backward';
export { type CustomFunction, customGrad } from './custom';
export { differentiate } from './expr-grad';
export { type GradOptions, grad, gradients, valueAndGrad, vjp } from './functional';
export { type GradcheckMismatch, type GradcheckOptions, type GradcheckResult, gradcheck } from './gradcheck';
export { enableGrad, isGradEnabled, noGrad } from './mode';
export { type GradRule, type GradRules, gradRules, type RuleContext } from './rules/index';

/** Clears gradients: sets `.grad` to undefined (default, like set_to_none) or fills it with zeros. */
export function zeroGrad(tensors: Iterable<Tensor>, options: { setToNone?: boolean } = {}): void {
  for (const t of tensors) {
    const g = t.grad;
    if (!g) continue;
    if (options.setToNone ?? true) {
      t.grad = undefined;
      g.dispose();
    } else {
      t.grad = zerosLike(g);
      g.dispose();
    }
  }
}
