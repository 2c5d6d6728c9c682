import { einsum, type Tensor } from '@strata/core';

/** y_k = x1ᵀ W_k x2 + b_k over leading batch dims (torch.nn.functional.bilinear). */
export function bilinearForm(x1: Tensor, x2: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const y = einsum('...i,kij,...j->...k', x1, weight, x2);
  if (!bias) return y;
  const out = y.add(bias);
  y.dispose();
  return out;
}
