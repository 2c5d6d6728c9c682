/**
 * PyTorch's documented update rules, written independently of the package in
 * float64, one element at a time (see the pseudo-code of each torch.optim class).
 * `maximize` negates the gradient before weight decay, as torch's implementation does.
 */
import type { RefRule } from './helpers';

interface Common {
  lr?: number;
  weightDecay?: number;
  maximize?: boolean;
}

const grad = (g: number, o: Common, theta: number): number => {
  const d = o.maximize ? -g : g;
  return o.weightDecay ? d + o.weightDecay * theta : d;
};

export function sgdRule(o: Common & { momentum?: number; dampening?: number; nesterov?: boolean } = {}): RefRule {
  const { lr = 1e-3, momentum = 0, dampening = 0, nesterov = false } = o;
  return (theta, g0, s, t) => {
    let g = grad(g0, o, theta);
    if (momentum !== 0) {
      s.b = t === 1 ? g : momentum * (s.b as number) + (1 - dampening) * g;
      g = nesterov ? g + momentum * s.b : s.b;
    }
    return theta - lr * g;
  };
}

export function adamRule(
  o: Common & { betas?: [number, number]; eps?: number; amsgrad?: boolean; decoupled?: boolean } = {},
): RefRule {
  const { lr = 1e-3, eps = 1e-8, amsgrad = false, decoupled = false } = o;
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const wd = o.weightDecay ?? (decoupled ? 0.01 : 0);
  return (theta0, g0, s, t) => {
    let theta = theta0;
    let g = o.maximize ? -g0 : g0;
    if (decoupled) theta *= 1 - lr * wd;
    else g += wd * theta;
    s.m = b1 * (s.m ?? 0) + (1 - b1) * g;
    s.v = b2 * (s.v ?? 0) + (1 - b2) * g * g;
    const mHat = s.m / (1 - b1 ** t);
    let vHat: number;
    if (amsgrad) {
      s.vMax = Math.max(s.vMax ?? 0, s.v);
      vHat = s.vMax / (1 - b2 ** t);
    } else vHat = s.v / (1 - b2 ** t);
    return theta - (lr * mHat) / (Math.sqrt(vHat) + eps);
  };
}

export function adamaxRule(o: Common & { betas?: [number, number]; eps?: number } = {}): RefRule {
  const { lr = 2e-3, eps = 1e-8 } = o;
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  return (theta, g0, s, t) => {
    const g = grad(g0, o, theta);
    s.m = b1 * (s.m ?? 0) + (1 - b1) * g;
    s.u = Math.max(b2 * (s.u ?? 0), Math.abs(g) + eps);
    return theta - (lr / (1 - b1 ** t)) * (s.m / s.u);
  };
}

export function nadamRule(
  o: Common & { betas?: [number, number]; eps?: number; momentumDecay?: number; decoupled?: boolean } = {},
): RefRule {
  const { lr = 2e-3, eps = 1e-8, momentumDecay: psi = 4e-3, weightDecay: wd = 0 } = o;
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  return (theta0, g0, s, t) => {
    let theta = theta0;
    let g = o.maximize ? -g0 : g0;
    if (o.decoupled) theta *= 1 - lr * wd;
    else g += wd * theta;
    const mu = (k: number) => b1 * (1 - 0.5 * 0.96 ** (k * psi));
    const prod = (s.prod ?? 1) * mu(t);
    s.prod = prod;
    s.m = b1 * (s.m ?? 0) + (1 - b1) * g;
    s.v = b2 * (s.v ?? 0) + (1 - b2) * g * g;
    const mHat = (mu(t + 1) * s.m) / (1 - prod * mu(t + 1)) + ((1 - mu(t)) * g) / (1 - prod);
    const vHat = s.v / (1 - b2 ** t);
    return theta - (lr * mHat) / (Math.sqrt(vHat) + eps);
  };
}

export function adagradRule(o: Common & { lrDecay?: number; initialAccumulatorValue?: number; eps?: number } = {}): RefRule {
  const { lr = 1e-2, lrDecay = 0, initialAccumulatorValue = 0, eps = 1e-10 } = o;
  return (theta, g0, s, t) => {
    const g = grad(g0, o, theta);
    const clr = lr / (1 + (t - 1) * lrDecay);
    s.sum = (s.sum ?? initialAccumulatorValue) + g * g;
    return theta - (clr * g) / (Math.sqrt(s.sum) + eps);
  };
}

export function rmspropRule(o: Common & { alpha?: number; eps?: number; momentum?: number; centered?: boolean } = {}): RefRule {
  const { lr = 1e-2, alpha = 0.99, eps = 1e-8, momentum = 0, centered = false } = o;
  return (theta, g0, s) => {
    const g = grad(g0, o, theta);
    s.v = alpha * (s.v ?? 0) + (1 - alpha) * g * g;
    let vTilde = s.v;
    if (centered) {
      s.gAvg = alpha * (s.gAvg ?? 0) + (1 - alpha) * g;
      vTilde = s.v - s.gAvg * s.gAvg;
    }
    if (momentum > 0) {
      s.b = momentum * (s.b ?? 0) + g / (Math.sqrt(vTilde) + eps);
      return theta - lr * s.b;
    }
    return theta - (lr * g) / (Math.sqrt(vTilde) + eps);
  };
}

export function adadeltaRule(o: Common & { rho?: number; eps?: number } = {}): RefRule {
  const { lr = 1, rho = 0.9, eps = 1e-6 } = o;
  return (theta, g0, s) => {
    const g = grad(g0, o, theta);
    s.v = rho * (s.v ?? 0) + (1 - rho) * g * g;
    const delta = (Math.sqrt((s.u ?? 0) + eps) / Math.sqrt(s.v + eps)) * g;
    s.u = rho * (s.u ?? 0) + (1 - rho) * delta * delta;
    return theta - lr * delta;
  };
}
