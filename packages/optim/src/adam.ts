import { keep, type Tensor, zerosLike } from '@strata/core';
import { adamUpdate, lerp, squareAverage } from './fused';
import { checkBetas, checkOption, Optimizer, type ParamGroup, type Params, type Scalar } from './optimizer';

export interface AdamOptions {
  /** Learning rate γ (default 1e-3). */
  lr?: number;
  /** Coefficients (β1, β2) of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps?: number;
  /** Weight decay λ (default 0 for Adam, 1e-2 for AdamW). */
  weightDecay?: number;
  /** Use the AMSGrad variant: the maximum of the second moment so far (default false). */
  amsgrad?: boolean;
  /** Maximize the objective instead of minimizing (default false). */
  maximize?: boolean;
  /** Apply the weight decay as θ ← θ(1 − γλ) (default false for Adam, true for AdamW). */
  decoupledWeightDecay?: boolean;
}

export type AdamGroup = Omit<Required<AdamOptions>, 'betas'> & { betas: [number, number] };
export type AdamState = { step: number; exp_avg: Tensor; exp_avg_sq: Tensor; max_exp_avg_sq?: Tensor };

/** Adam and AdamW: the same rule, with the weight decay as an L2 penalty or decoupled (as torch ≥ 2.7's Adam). */
abstract class AdamBase extends Optimizer<AdamGroup, AdamState> {
  constructor(params: Params<AdamGroup>, options: AdamOptions, name: string, decoupled: boolean) {
    super(
      params,
      {
        lr: options.lr ?? 1e-3,
        betas: [...(options.betas ?? [0.9, 0.999])] as [number, number],
        eps: options.eps ?? 1e-8,
        weightDecay: options.weightDecay ?? (decoupled ? 1e-2 : 0),
        amsgrad: options.amsgrad ?? false,
        maximize: options.maximize ?? false,
        decoupledWeightDecay: options.decoupledWeightDecay ?? decoupled,
      },
      name,
    );
  }

  protected override checkOptions(o: AdamGroup): void {
    super.checkOptions(o);
    checkOption(o.eps >= 0, this.name, 'eps', o.eps, 'a number >= 0');
    checkBetas(this.name, o.betas);
    checkOption(o.weightDecay >= 0, this.name, 'weightDecay', o.weightDecay, 'a number >= 0');
  }

  protected initState(param: Tensor, group: ParamGroup<AdamGroup>): AdamState {
    const state: AdamState = { step: 0, exp_avg: zerosLike(param), exp_avg_sq: zerosLike(param) };
    if (group.amsgrad) state.max_exp_avg_sq = zerosLike(param);
    return state;
  }

  protected updateParameter(param: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<AdamGroup>, k: Scalar): void {
    const { lr, eps, weightDecay } = group;
    const [beta1, beta2] = group.betas;
    let g = group.maximize ? grad.neg() : grad;
    state.step += 1;
    let theta = param;
    if (weightDecay !== 0) {
      if (group.decoupledWeightDecay) theta = param.mul(k(1 - lr * weightDecay));
      else g = g.add(param.mul(k(weightDecay)));
    }
    const m = state.exp_avg.assign(lerp(state.exp_avg, g, 1 - beta1, k));
    let v = state.exp_avg_sq.assign(squareAverage(state.exp_avg_sq, g, beta2, k));
    if (group.amsgrad) {
      // A group may turn amsgrad on after the first step.
      state.max_exp_avg_sq ??= keep(zerosLike(param));
      v = state.max_exp_avg_sq.assign(state.max_exp_avg_sq.maximum(v));
    }
    const stepSize = lr / (1 - beta1 ** state.step);
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** state.step);
    param.assign(adamUpdate(theta, m, v, { stepSize, biasCorrection2Sqrt, eps }, k));
  }
}

/**
 * Adam (Kingma & Ba, 2014) as torch.optim.Adam, with the L2 penalty in the gradient
 * (or decoupled, θ ← θ(1 − γλ), with `decoupledWeightDecay`, which makes it AdamW):
 *
 * ```text
 * t ← t + 1;  g ← ∇f(θ) (−∇f(θ) when maximize);  g ← g + λθ  if λ ≠ 0
 * m ← β1 m + (1 − β1) g;   v ← β2 v + (1 − β2) g²
 * v̂max ← max(v̂max, v)  and use it for v                  if amsgrad
 * θ ← θ − (γ / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * ```
 *
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 * ```
 */
export class Adam extends AdamBase {
  constructor(params: Params<AdamGroup>, options: AdamOptions = {}) {
    super(params, options, 'Adam', false);
  }
}

/**
 * AdamW (Loshchilov & Hutter, 2019) as torch.optim.AdamW: Adam with decoupled
 * weight decay, `θ ← θ(1 − γλ)` before the Adam update; λ defaults to 1e-2.
 *
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.1 });
 * ```
 */
export class AdamW extends AdamBase {
  constructor(params: Params<AdamGroup>, options: AdamOptions = {}) {
    super(params, options, 'AdamW', true);
  }
}
