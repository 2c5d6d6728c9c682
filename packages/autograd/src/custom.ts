/**
 * User-defined differentiable functions: the forward runs without recording,
 * and one tape node with the user's backward stands for the whole call.
 */
import { isFloat, retainHandle, type Tensor } from '@strata/core';
import { type GradInfo, infoOf, internalHandles, Node, setInfo } from './graph';
import { isGradEnabled, noGrad } from './mode';

export interface CustomFunction<I extends Tensor[]> {
  /** Computes the output from the inputs (not recorded). */
  forward(...inputs: I): Tensor;
  /**
   * Gradients with respect to each input (null where there is none), given
   * the output's gradient and the forward's inputs and output.
   */
  backward(gradOutput: Tensor, saved: { inputs: I; output: Tensor }): readonly (Tensor | null)[];
}

/** `const f = customGrad({ forward, backward }); f(x, y)` records one node with your backward. */
export function customGrad<I extends Tensor[]>(fn: CustomFunction<I>): (...inputs: I) => Tensor {
  return (...inputs: I): Tensor => {
    const output = noGrad(() => fn.forward(...inputs));
    const sources = inputs.map((t) => (infoOf(t)?.requiresGrad ? infoOf(t) : undefined));
    if (!isGradEnabled() || !isFloat(output.dtype) || sources.every((s) => !s)) return output;
    const handles = inputs.map((t, i) => {
      const handle = retainHandle(t);
      internalHandles.add(handle);
      const upstream = sources[i]?.gradFn;
      if (upstream) upstream.downstream++;
      return handle;
    }) as I;
    const outputHandle = retainHandle(output);
    internalHandles.add(outputHandle);
    const info: GradInfo = { requiresGrad: true, retainsGrad: false };
    const node = new Node(
      { kind: 'primitive', op: 'elementwise', params: { expr: { kind: 'const', value: 0, dtype: 'float32' } } },
      handles.map((handle, i) => ({
        handle,
        source: sources[i],
        original: new WeakRef(inputs[i] as Tensor),
        version: (inputs[i] as Tensor).version,
      })),
      outputHandle,
      info,
    );
    node.custom = (g) => fn.backward(g, { inputs: handles, output: outputHandle });
    info.gradFn = node;
    setInfo(output, info);
    return output;
  };
}
