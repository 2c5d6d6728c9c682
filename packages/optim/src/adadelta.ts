import { type Tensor, zerosLike } from '@strata/core';
import { checkOption, Optimizer, type ParamGroup, type Params, type Scalar } from './optimizer';

export interface AdadeltaOptions {
  /** Scale γ applied to the delta (default 1.0). */
  lr?: number;
  /** Coefficient ρ of the running averages of squared gradients and squared deltas (default 0.9). */
  rho?: number;
  /** Added inside the square roots for numerical stability (default 1e-6). */
  eps?: number;
  /** L2 penalty λ (default 0). */
  weightDecay?: number;
  /** Maximize the objective instead of minimizing (default false). */
  maximize?: boolean;
}

export type AdadeltaGroup = Required<AdadeltaOptions>;
export type AdadeltaState = { step: number; square_avg: Tensor; acc_delta: Tensor };

/**
 * Adadelta (Zeiler, 2012) as torch.optim.Adadelta:
 *
 * ```text
 * g ← ∇f(θ) (−∇f(θ) when maximize);  g ← g + λθ  if λ ≠ 0
 * v ← ρ v + (1 − ρ) g²
 * Δ = √(u + ε) / √(v + ε) · g
 * u ← ρ u + (1 − ρ) Δ²
 * θ ← θ − γ Δ
 * ```
 *
 * ```ts
 * const opt = new Adadelta(model.parameters(), { rho: 0.95 });
 * ```
 */
export class Adadelta extends Optimizer<AdadeltaGroup, AdadeltaState> {
  constructor(params: Params<AdadeltaGroup>, options: AdadeltaOptions = {}) {
    super(
      params,
      {
        lr: options.lr ?? 1.0,
        rho: options.rho ?? 0.9,
        eps: options.eps ?? 1e-6,
        weightDecay: options.weightDecay ?? 0,
        maximize: options.maximize ?? false,
      },
      'Adadelta',
    );
  }

  protected override checkOptions(o: AdadeltaGroup): void {
    super.checkOptions(o);
    checkOption(o.rho >= 0 && o.rho <= 1, this.name, 'rho', o.rho, 'a value in [0, 1]');
    checkOption(o.eps >= 0, this.name, 'eps', o.eps, 'a number >= 0');
    checkOption(o.weightDecay >= 0, this.name, 'weightDecay', o.weightDecay, 'a number >= 0');
  }

  protected initState(param: Tensor): AdadeltaState {
    return { step: 0, square_avg: zerosLike(param), acc_delta: zerosLike(param) };
  }

  protected updateParameter(
    param: Tensor,
    grad: Tensor,
    state: AdadeltaState,
    group: ParamGroup<AdadeltaGroup>,
    k: Scalar,
  ): void {
    const { rho, eps } = group;
    state.step += 1;
    let g = group.maximize ? grad.neg() : grad;
    if (group.weightDecay !== 0) g = g.add(param.mul(k(group.weightDecay)));
    const v = state.square_avg.assign(state.square_avg.mul(k(rho)).add(g.mul(g).mul(k(1 - rho))));
    const std = v.add(k(eps)).sqrt();
    const delta = state.acc_delta.add(k(eps)).sqrt().div(std).mul(g);
    state.acc_delta.assign(state.acc_delta.mul(k(rho)).add(delta.mul(delta).mul(k(1 - rho))));
    param.assign(param.sub(delta.mul(k(group.lr))));
  }
}
