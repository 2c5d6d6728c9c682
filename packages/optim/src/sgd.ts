import { keep, type Tensor } from '@strata/core';
import { checkOption, Optimizer, type ParamGroup, type Params, type Scalar } from './optimizer';

export interface SGDOptions {
  /** Learning rate γ (default 1e-3, as torch.optim.SGD). */
  lr?: number;
  /** Momentum factor μ (default 0). */
  momentum?: number;
  /** Dampening τ for momentum (default 0). */
  dampening?: number;
  /** L2 penalty λ (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** Maximize the objective instead of minimizing (default false). */
  maximize?: boolean;
}

export type SGDGroup = Required<SGDOptions>;
export type SGDState = { momentum_buffer?: Tensor };

/**
 * Stochastic gradient descent, optionally with momentum, as torch.optim.SGD:
 *
 * ```text
 * g ← ∇f(θ)            (−∇f(θ) when maximize)
 * g ← g + λ θ                                   if λ ≠ 0
 * b ← g  (first step)   b ← μ b + (1 − τ) g     if μ ≠ 0
 * g ← g + μ b  (nesterov)   g ← b  (otherwise)  if μ ≠ 0
 * θ ← θ − γ g
 * ```
 *
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * ```
 */
export class SGD extends Optimizer<SGDGroup, SGDState> {
  constructor(params: Params<SGDGroup>, options: SGDOptions = {}) {
    super(
      params,
      {
        lr: options.lr ?? 1e-3,
        momentum: options.momentum ?? 0,
        dampening: options.dampening ?? 0,
        weightDecay: options.weightDecay ?? 0,
        nesterov: options.nesterov ?? false,
        maximize: options.maximize ?? false,
      },
      'SGD',
    );
  }

  protected override checkOptions(o: SGDGroup): void {
    super.checkOptions(o);
    checkOption(o.momentum >= 0, this.name, 'momentum', o.momentum, 'a number >= 0');
    checkOption(o.weightDecay >= 0, this.name, 'weightDecay', o.weightDecay, 'a number >= 0');
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new RangeError(`SGD: nesterov momentum requires momentum > 0 and zero dampening`);
    }
  }

  protected initState(): SGDState {
    return {};
  }

  protected updateParameter(param: Tensor, grad: Tensor, state: SGDState, group: ParamGroup<SGDGroup>, k: Scalar): void {
    let g = group.maximize ? grad.neg() : grad;
    if (group.weightDecay !== 0) g = g.add(param.mul(k(group.weightDecay)));
    if (group.momentum !== 0) {
      let buf = state.momentum_buffer;
      if (!buf) {
        buf = keep(g.clone());
        state.momentum_buffer = buf;
      } else buf.assign(buf.mul(k(group.momentum)).add(g.mul(k(1 - group.dampening))));
      g = group.nesterov ? g.add(buf.mul(k(group.momentum))) : buf;
    }
    param.assign(param.sub(g.mul(k(group.lr))));
  }
}
