/**
 * Compares autograd's gradients with central finite differences. The function
 * is reduced to a scalar L = Σ f(x) · u with fixed random weights u, so one
 * backward gives ∂L/∂x for every input element; the differences
 * (L(x + ε) − L(x − ε)) / (x₊ − x₋) are formed in float64 in JS, using the
 * actual stored perturbation x₊ − x₋ (inputs are float32).
 */
import { Generator, rand, sum, type Tensor, tensor, tidy } from '@strata/core';
import { gradients } from './functional';
import { ensureInfo } from './graph';
import { noGrad } from './mode';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed of the random output weights. */
  seed?: number;
}

export interface GradcheckMismatch {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckResult {
  passed: boolean;
  maxAbsError: number;
  mismatches: GradcheckMismatch[];
}

export async function gradcheck(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): Promise<GradcheckResult> {
  const eps = options.eps ?? 1e-3;
  const atol = options.atol ?? 1e-3;
  const rtol = options.rtol ?? 1e-2;
  const leaves = inputs.map((x) => noGrad(() => x.to('float32')));
  for (const leaf of leaves) ensureInfo(leaf).requiresGrad = true;
  const probe = noGrad(() => f(...leaves));
  const weights = rand(probe.shape, { generator: new Generator(options.seed ?? 0) });
  probe.dispose();
  const weightValues = Float64Array.from(await weights.data());
  const scalarOf = (...xs: Tensor[]) => sum(f(...xs).mul(weights));

  const loss = scalarOf(...leaves);
  const analytic = gradients(loss, leaves, { allowUnused: true });
  loss.dispose();
  const mismatches: GradcheckMismatch[] = [];
  let maxAbsError = 0;
  // Reads are awaited (not dataSync) so backends without synchronous reads (WebGPU) work too.
  const lossAt = async (values: Float32Array[]): Promise<number> => {
    const result = noGrad(() =>
      tidy(() => f(...values.map((v, i) => tensor(v, { shape: leaves[i]?.shape as number[], dtype: 'float32' })))),
    );
    const out = await result.data();
    result.dispose();
    let total = 0;
    for (let j = 0; j < out.length; j++) total += (out[j] as number) * (weightValues[j] as number);
    return total;
  };
  const base = await Promise.all(leaves.map(async (x) => Float32Array.from(await x.data())));
  for (let i = 0; i < leaves.length; i++) {
    const a = await (analytic[i] as Tensor).data();
    const values = base.map((b) => Float32Array.from(b));
    const own = values[i] as Float32Array;
    for (let j = 0; j < own.length; j++) {
      const x0 = base[i]?.[j] as number;
      own[j] = x0 + eps;
      const plus = own[j] as number;
      const lp = await lossAt(values);
      own[j] = x0 - eps;
      const minus = own[j] as number;
      const lm = await lossAt(values);
      own[j] = x0;
      const numeric = (lp - lm) / (plus - minus);
      const analyticValue = a[j] as number;
      const err = Math.abs(numeric - analyticValue);
      maxAbsError = Math.max(maxAbsError, err);
      if (!(err <= atol + rtol * Math.abs(numeric))) mismatches.push({ input: i, index: j, analytic: analyticValue, numeric });
    }
  }
  for (const t of [...leaves, ...analytic, weights]) t.dispose();
  return { passed: mismatches.length === 0, maxAbsError, mismatches };
}
