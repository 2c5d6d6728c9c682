import { type Tensor, zerosLike } from '@strata/core';
import { lerp } from './fused';
import { checkBetas, checkOption, Optimizer, type ParamGroup, type Params, type Scalar } from './optimizer';

export interface AdamaxOptions {
  /** Learning rate γ (default 2e-3). */
  lr?: number;
  /** Coefficients (β1, β2) of the running average and of the decaying infinity norm (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to |g| for numerical stability (default 1e-8). */
  eps?: number;
  /** L2 penalty λ (default 0). */
  weightDecay?: number;
  /** Maximize the objective instead of minimizing (default false). */
  maximize?: boolean;
}

export type AdamaxGroup = Omit<Required<AdamaxOptions>, 'betas'> & { betas: [number, number] };
export type AdamaxState = { step: number; exp_avg: Tensor; exp_inf: Tensor };

/**
 * Adamax, Adam with the infinity norm (Kingma & Ba, 2014, §7.1), as torch.optim.Adamax:
 *
 * ```text
 * t ← t + 1;  g ← ∇f(θ) (−∇f(θ) when maximize);  g ← g + λθ  if λ ≠ 0
 * m ← β1 m + (1 − β1) g
 * u ← max(β2 u, |g| + ε)
 * θ ← θ − (γ / (1 − β1ᵗ)) · m / u
 * ```
 *
 * ```ts
 * const opt = new Adamax(model.parameters(), { lr: 2e-3 });
 * ```
 */
export class Adamax extends Optimizer<AdamaxGroup, AdamaxState> {
  constructor(params: Params<AdamaxGroup>, options: AdamaxOptions = {}) {
    super(
      params,
      {
        lr: options.lr ?? 2e-3,
        betas: [...(options.betas ?? [0.9, 0.999])] as [number, number],
        eps: options.eps ?? 1e-8,
        weightDecay: options.weightDecay ?? 0,
        maximize: options.maximize ?? false,
      },
      'Adamax',
    );
  }

  protected override checkOptions(o: AdamaxGroup): void {
    super.checkOptions(o);
    checkOption(o.eps >= 0, this.name, 'eps', o.eps, 'a number >= 0');
    checkBetas(this.name, o.betas);
    checkOption(o.weightDecay >= 0, this.name, 'weightDecay', o.weightDecay, 'a number >= 0');
  }

  protected initState(param: Tensor): AdamaxState {
    return { step: 0, exp_avg: zerosLike(param), exp_inf: zerosLike(param) };
  }

  protected updateParameter(param: Tensor, grad: Tensor, state: AdamaxState, group: ParamGroup<AdamaxGroup>, k: Scalar): void {
    const [beta1, beta2] = group.betas;
    let g = group.maximize ? grad.neg() : grad;
    state.step += 1;
    if (group.weightDecay !== 0) g = g.add(param.mul(k(group.weightDecay)));
    const m = state.exp_avg.assign(lerp(state.exp_avg, g, 1 - beta1, k));
    const u = state.exp_inf.assign(state.exp_inf.mul(k(beta2)).maximum(g.abs().add(k(group.eps))));
    const clr = group.lr / (1 - beta1 ** state.step);
    param.assign(param.sub(m.div(u).mul(k(clr))));
  }
}
