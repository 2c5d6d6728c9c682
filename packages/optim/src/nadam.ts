import { type Tensor, zerosLike } from '@strata/core';
import { lerp } from './fused';
import { checkBetas, checkOption, Optimizer, type ParamGroup, type Params, type Scalar } from './optimizer';

export interface NAdamOptions {
  /** Learning rate γ (default 2e-3). */
  lr?: number;
  /** Coefficients (β1, β2) of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps?: number;
  /** Weight decay λ (default 0): an L2 penalty, or decoupled (AdamW-style) with `decoupledWeightDecay`. */
  weightDecay?: number;
  /** ψ, the decay of the momentum schedule μ_t (default 4e-3). */
  momentumDecay?: number;
  /** Apply the weight decay as θ ← θ(1 − γλ) (NAdamW) instead of g ← g + λθ (default false). */
  decoupledWeightDecay?: boolean;
  /** Maximize the objective instead of minimizing (default false). */
  maximize?: boolean;
}

export type NAdamGroup = Omit<Required<NAdamOptions>, 'betas'> & { betas: [number, number] };
export type NAdamState = { step: number; mu_product: number; exp_avg: Tensor; exp_avg_sq: Tensor };

/**
 * NAdam, Adam with Nesterov momentum (Dozat, 2016), as torch.optim.NAdam with
 * its momentum schedule μ_t = β1 (1 − ½ · 0.96^(tψ)):
 *
 * ```text
 * t ← t + 1;  g ← ∇f(θ) (−∇f(θ) when maximize);  g ← g + λθ  if λ ≠ 0 (θ ← θ(1 − γλ) if decoupled)
 * μ_t = β1 (1 − ½ 0.96^(tψ));   μ_{t+1} = β1 (1 − ½ 0.96^((t+1)ψ));   Π_t = Π_{t−1} μ_t
 * m ← β1 m + (1 − β1) g;   v ← β2 v + (1 − β2) g²;   d = √(v / (1 − β2ᵗ)) + ε
 * θ ← θ − γ (1 − μ_t) / (1 − Π_t) · g / d − γ μ_{t+1} / (1 − Π_t μ_{t+1}) · m / d
 * ```
 *
 * Π (`mu_product`) is rounded to float32 after each product, as PyTorch keeps
 * it in a float32 tensor.
 *
 * ```ts
 * const opt = new NAdam(model.parameters(), { lr: 2e-3 });
 * ```
 */
export class NAdam extends Optimizer<NAdamGroup, NAdamState> {
  constructor(params: Params<NAdamGroup>, options: NAdamOptions = {}) {
    super(
      params,
      {
        lr: options.lr ?? 2e-3,
        betas: [...(options.betas ?? [0.9, 0.999])] as [number, number],
        eps: options.eps ?? 1e-8,
        weightDecay: options.weightDecay ?? 0,
        momentumDecay: options.momentumDecay ?? 4e-3,
        decoupledWeightDecay: options.decoupledWeightDecay ?? false,
        maximize: options.maximize ?? false,
      },
      'NAdam',
    );
  }

  protected override checkOptions(o: NAdamGroup): void {
    super.checkOptions(o);
    checkOption(o.eps >= 0, this.name, 'eps', o.eps, 'a number >= 0');
    checkBetas(this.name, o.betas);
    checkOption(o.weightDecay >= 0, this.name, 'weightDecay', o.weightDecay, 'a number >= 0');
    checkOption(o.momentumDecay >= 0, this.name, 'momentumDecay', o.momentumDecay, 'a number >= 0');
  }

  protected override isScalarState(key: string): boolean {
    return key === 'step' || key === 'mu_product';
  }

  protected initState(param: Tensor): NAdamState {
    return { step: 0, mu_product: 1, exp_avg: zerosLike(param), exp_avg_sq: zerosLike(param) };
  }

  protected updateParameter(param: Tensor, grad: Tensor, state: NAdamState, group: ParamGroup<NAdamGroup>, k: Scalar): void {
    const { lr, weightDecay, momentumDecay } = group;
    const [beta1, beta2] = group.betas;
    let g = group.maximize ? grad.neg() : grad;
    state.step += 1;
    const t = state.step;
    let theta = param;
    if (weightDecay !== 0) {
      if (group.decoupledWeightDecay) theta = param.mul(k(1 - lr * weightDecay));
      else g = g.add(param.mul(k(weightDecay)));
    }
    const mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
    state.mu_product = Math.fround(state.mu_product * Math.fround(mu));
    const m = state.exp_avg.assign(lerp(state.exp_avg, g, 1 - beta1, k));
    const v = state.exp_avg_sq.assign(state.exp_avg_sq.mul(k(beta2)).add(g.mul(g).mul(k(1 - beta2))));
    const denom = v
      .div(k(1 - beta2 ** t))
      .sqrt()
      .add(k(group.eps));
    const gradStep = (lr * (1 - mu)) / (1 - state.mu_product);
    const momentumStep = (lr * muNext) / (1 - state.mu_product * muNext);
    param.assign(theta.sub(g.div(denom).mul(k(gradStep))).sub(m.div(denom).mul(k(momentumStep))));
  }
}
