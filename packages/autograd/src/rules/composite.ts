/**
 * A gradient rule for a fused op that has no hand-written one: re-run the op's
 * composite (the definition from primitives) on the saved inputs while
 * recording, and differentiate through that. Correct by construction; costs a
 * second forward in the backward pass.
 */
import type { Tensor } from '@strata/core';
import { gradients } from '../functional';
import { ensureInfo } from '../graph';
import { enableGrad, isGradEnabled } from '../mode';
import { noGradView } from '../tensor-imports';

export function viaComposite(
  composite: (inputs: readonly Tensor[]) => Tensor,
  g: Tensor,
  inputs: readonly Tensor[],
  needs: readonly boolean[],
): (Tensor | null)[] {
  const leaves = inputs.map((t) => {
    const leaf = noGradView(t);
    ensureInfo(leaf).requiresGrad = true;
    return leaf;
  });
  try {
    const out = enableGrad(() => composite(leaves));
    const grads = gradients(out, leaves, { gradOutput: g, allowUnused: true, createGraph: isGradEnabled() });
    out.dispose();
    return grads.map((gi, i) => {
      if (needs[i]) return gi;
      gi.dispose();
      return null;
    });
  } finally {
    for (const leaf of leaves) leaf.dispose();
  }
}
