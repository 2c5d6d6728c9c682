import { keep, type Tensor, zerosLike } from '@strata/core';
import { lerp } from './fused';
import { checkOption, Optimizer, type ParamGroup, type Params, type Scalar } from './optimizer';

export interface RMSpropOptions {
  /** Learning rate γ (default 1e-2). */
  lr?: number;
  /** Smoothing constant α of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps?: number;
  /** L2 penalty λ (default 0). */
  weightDecay?: number;
  /** Momentum factor μ (default 0). */
  momentum?: number;
  /** Normalize by an estimate of the gradient's variance, v − ḡ², instead of v (default false). */
  centered?: boolean;
  /** Maximize the objective instead of minimizing (default false). */
  maximize?: boolean;
}

export type RMSpropGroup = Required<RMSpropOptions>;
export type RMSpropState = { step: number; square_avg: Tensor; momentum_buffer?: Tensor; grad_avg?: Tensor };

/**
 * RMSprop (Hinton's lecture 6e; centered as Graves, 2013) as torch.optim.RMSprop:
 *
 * ```text
 * g ← ∇f(θ) (−∇f(θ) when maximize);  g ← g + λθ  if λ ≠ 0
 * v ← α v + (1 − α) g²
 * ḡ ← α ḡ + (1 − α) g;   d = √(v − ḡ²) + ε      if centered
 * d = √v + ε                                    otherwise
 * b ← μ b + g / d;   θ ← θ − γ b                if μ > 0
 * θ ← θ − γ g / d                               otherwise
 * ```
 *
 * ```ts
 * const opt = new RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9, centered: true });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropGroup, RMSpropState> {
  constructor(params: Params<RMSpropGroup>, options: RMSpropOptions = {}) {
    super(
      params,
      {
        lr: options.lr ?? 1e-2,
        alpha: options.alpha ?? 0.99,
        eps: options.eps ?? 1e-8,
        weightDecay: options.weightDecay ?? 0,
        momentum: options.momentum ?? 0,
        centered: options.centered ?? false,
        maximize: options.maximize ?? false,
      },
      'RMSprop',
    );
  }

  protected override checkOptions(o: RMSpropGroup): void {
    super.checkOptions(o);
    checkOption(o.eps >= 0, this.name, 'eps', o.eps, 'a number >= 0');
    checkOption(o.momentum >= 0, this.name, 'momentum', o.momentum, 'a number >= 0');
    checkOption(o.weightDecay >= 0, this.name, 'weightDecay', o.weightDecay, 'a number >= 0');
    checkOption(o.alpha >= 0, this.name, 'alpha', o.alpha, 'a number >= 0');
  }

  protected initState(param: Tensor, group: ParamGroup<RMSpropGroup>): RMSpropState {
    const state: RMSpropState = { step: 0, square_avg: zerosLike(param) };
    if (group.momentum > 0) state.momentum_buffer = zerosLike(param);
    if (group.centered) state.grad_avg = zerosLike(param);
    return state;
  }

  protected updateParameter(param: Tensor, grad: Tensor, state: RMSpropState, group: ParamGroup<RMSpropGroup>, k: Scalar): void {
    const { alpha, momentum } = group;
    let g = group.maximize ? grad.neg() : grad;
    state.step += 1;
    if (group.weightDecay !== 0) g = g.add(param.mul(k(group.weightDecay)));
    const v = state.square_avg.assign(state.square_avg.mul(k(alpha)).add(g.mul(g).mul(k(1 - alpha))));
    let avg: Tensor;
    if (group.centered) {
      // Options may change between steps (schedulers, loadStateDict): create what is missing.
      state.grad_avg ??= keep(zerosLike(param));
      const gAvg = state.grad_avg.assign(lerp(state.grad_avg, g, 1 - alpha, k));
      avg = v.sub(gAvg.mul(gAvg)).sqrt();
    } else avg = v.sqrt();
    avg = avg.add(k(group.eps));
    if (momentum > 0) {
      state.momentum_buffer ??= keep(zerosLike(param));
      const buf = state.momentum_buffer.assign(state.momentum_buffer.mul(k(momentum)).add(g.div(avg)));
      param.assign(param.sub(buf.mul(k(group.lr))));
    } else param.assign(param.sub(g.div(avg).mul(k(group.lr))));
  }
}
