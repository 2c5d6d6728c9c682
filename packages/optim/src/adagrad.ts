import { fullLike, type Tensor } from '@strata/core';
import { checkOption, Optimizer, type ParamGroup, type Params, type Scalar } from './optimizer';

export interface AdagradOptions {
  /** Learning rate γ (default 1e-2). */
  lr?: number;
  /** Learning-rate decay η (default 0). */
  lrDecay?: number;
  /** L2 penalty λ (default 0). */
  weightDecay?: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue?: number;
  /** Added to the denominator for numerical stability (default 1e-10). */
  eps?: number;
  /** Maximize the objective instead of minimizing (default false). */
  maximize?: boolean;
}

export type AdagradGroup = Required<AdagradOptions>;
export type AdagradState = { step: number; sum: Tensor };

/**
 * Adagrad (Duchi et al., 2011) as torch.optim.Adagrad:
 *
 * ```text
 * t ← t + 1;  g ← ∇f(θ) (−∇f(θ) when maximize);  g ← g + λθ  if λ ≠ 0
 * γ̃ = γ / (1 + (t − 1) η)
 * s ← s + g²                  (s starts at initialAccumulatorValue)
 * θ ← θ − γ̃ · g / (√s + ε)
 * ```
 *
 * ```ts
 * const opt = new Adagrad(model.parameters(), { lr: 0.01 });
 * ```
 */
export class Adagrad extends Optimizer<AdagradGroup, AdagradState> {
  constructor(params: Params<AdagradGroup>, options: AdagradOptions = {}) {
    super(
      params,
      {
        lr: options.lr ?? 1e-2,
        lrDecay: options.lrDecay ?? 0,
        weightDecay: options.weightDecay ?? 0,
        initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
        eps: options.eps ?? 1e-10,
        maximize: options.maximize ?? false,
      },
      'Adagrad',
    );
  }

  protected override checkOptions(o: AdagradGroup): void {
    super.checkOptions(o);
    checkOption(o.lrDecay >= 0, this.name, 'lrDecay', o.lrDecay, 'a number >= 0');
    checkOption(o.weightDecay >= 0, this.name, 'weightDecay', o.weightDecay, 'a number >= 0');
    const acc = o.initialAccumulatorValue;
    checkOption(acc >= 0, this.name, 'initialAccumulatorValue', acc, 'a number >= 0');
    checkOption(o.eps >= 0, this.name, 'eps', o.eps, 'a number >= 0');
  }

  protected initState(param: Tensor, group: ParamGroup<AdagradGroup>): AdagradState {
    return { step: 0, sum: fullLike(param, group.initialAccumulatorValue) };
  }

  protected updateParameter(param: Tensor, grad: Tensor, state: AdagradState, group: ParamGroup<AdagradGroup>, k: Scalar): void {
    state.step += 1;
    let g = group.maximize ? grad.neg() : grad;
    if (group.weightDecay !== 0) g = g.add(param.mul(k(group.weightDecay)));
    const clr = group.lr / (1 + (state.step - 1) * group.lrDecay);
    const sum = state.sum.assign(state.sum.add(g.mul(g)));
    const std = sum.sqrt().add(k(group.eps));
    param.assign(param.sub(g.div(std).mul(k(clr))));
  }
}
