/**
 * Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_.
 * Gradients change in place (`grad.assign(...)`), so the handles in `.grad`
 * stay the same.
 */
import { noGrad } from '@strata/autograd';
import { div, isTensor, stack, type Tensor, tensor, tidy } from '@strata/core';

export interface ClipGradNormOptions {
  /** Order p of the norm: a number > 0 (default 2), or 'inf' / Infinity for the largest |g|. */
  normType?: number | 'inf';
  /** Throw if the total norm is NaN or ±Infinity (default false; reads the norm synchronously). */
  errorIfNonfinite?: boolean;
}

function gradsOf(params: Iterable<Tensor> | Tensor): Tensor[] {
  const list = isTensor(params) ? [params] : [...params];
  return list.flatMap((p) => (p.grad ? [p.grad] : []));
}

/** ‖x‖_p of all elements, as a 0-d float32 tensor (float16 is widened first). */
function vectorNorm(x: Tensor, p: number): Tensor {
  const xf = x.dtype === 'float32' ? x : x.to('float32');
  if (p === Infinity) return xf.abs().max();
  if (p === 1) return xf.abs().sum();
  if (p === 2) return xf.norm(2);
  return xf
    .abs()
    .pow(p)
    .sum()
    .pow(1 / p);
}

/**
 * Scales the gradients of `params` so that their total p-norm (the norm of all
 * gradients together, as if concatenated) is at most `maxNorm`:
 * `g ← g · min(1, maxNorm / (‖g‖ + 1e-6))`. Parameters without a `.grad` are
 * skipped. Returns the total norm before clipping as a 0-d float32 Tensor (as
 * PyTorch does, so no device read is forced); the caller owns it (dispose it,
 * or call inside `tidy`).
 *
 * ```ts
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * console.log(await norm.item());
 * norm.dispose();
 * ```
 */
export function clipGradNorm(params: Iterable<Tensor> | Tensor, maxNorm: number, options: ClipGradNormOptions = {}): Tensor {
  const normType = options.normType === 'inf' ? Infinity : (options.normType ?? 2);
  if (!(normType > 0))
    throw new RangeError(`clipGradNorm: normType must be a number > 0 or 'inf', got ${String(options.normType)}`);
  const grads = gradsOf(params);
  if (grads.length === 0) return tensor(0, { dtype: 'float32' });
  return noGrad(() =>
    tidy(() => {
      const norms = grads.map((g) => vectorNorm(g, normType));
      const total = norms.length === 1 ? (norms[0] as Tensor) : vectorNorm(stack(norms), normType);
      if (options.errorIfNonfinite) {
        const value = Number(total.dataSync()[0]);
        if (!Number.isFinite(value)) {
          throw new RangeError(
            `clipGradNorm: the total norm of order ${normType} for gradients from ${grads.length} parameters is non-finite (${value}), so it cannot be clipped; pass errorIfNonfinite: false to scale by it anyway`,
          );
        }
      }
      const coef = div(maxNorm, total.add(1e-6)).clamp(null, 1);
      for (const g of grads) g.assign(g.mul(coef.dtype === g.dtype ? coef : coef.to(g.dtype)));
      return total;
    }),
  );
}

/**
 * Clamps every gradient of `params` to [−clipValue, clipValue] in place.
 *
 * ```ts
 * clipGradValue(model.parameters(), 0.5);
 * ```
 */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (!(clipValue >= 0)) throw new RangeError(`clipGradValue: clipValue must be a number >= 0, got ${clipValue}`);
  const grads = gradsOf(params);
  noGrad(() =>
    tidy(() => {
      for (const g of grads) g.assign(g.clamp(-clipValue, clipValue));
    }),
  );
}
