/**
 * Functional differentiation: gradients as return values, never written into
 * `.grad`. Like torch.autograd.grad / JAX's grad: an argument that already
 * requires grad (an outer grad() is differentiating) is used as is, so
 * grad(grad(f)) composes; others become fresh leaves.
 */
import { isTensor, onesLike, type Tensor, zerosLike } from '@strata/core';
import { sweep } from './backward';
import { ensureInfo, infoOf } from './graph';
import { isGradEnabled } from './mode';
import { noGradView } from './tensor-imports';

export interface GradOptions {
  /** Which positional arguments to differentiate with respect to (default 0). */
  argnums?: number | readonly number[];
}

/**
 * Gradients of `outputs` with respect to `inputs` (torch.autograd.grad). With
 * `createGraph`, the returned gradients are themselves differentiable.
 */
export function gradients(
  outputs: Tensor,
  inputs: readonly Tensor[],
  options: { gradOutput?: Tensor; retainGraph?: boolean; createGraph?: boolean; allowUnused?: boolean } = {},
): Tensor[] {
  const outInfo = infoOf(outputs);
  if (!outInfo?.requiresGrad) throw new Error('gradients: the output does not require grad (no input of it requires grad)');
  inputs.forEach((x, i) => {
    if (!infoOf(x)?.requiresGrad) {
      throw new Error(`gradients: input ${i} does not require grad; call requiresGrad_() on it before computing the output`);
    }
  });
  if (!options.gradOutput && outputs.size !== 1) {
    throw new Error(`gradients: the output has shape [${outputs.shape.join(', ')}]; pass gradOutput for a non-scalar output`);
  }
  const seed = options.gradOutput ?? onesLike(outputs);
  try {
    const captured = sweep([{ tensor: outputs, grad: seed }], {
      retainGraph: options.retainGraph ?? options.createGraph ?? false,
      createGraph: options.createGraph ?? false,
      capture: inputs.map((x) => infoOf(x) as NonNullable<ReturnType<typeof infoOf>>),
    });
    return captured.map((g, i) => {
      if (g) return g;
      if (!options.allowUnused) {
        throw new Error(`gradients: input ${i} was not used to compute the output; pass { allowUnused: true } to get zeros`);
      }
      return zerosLike(inputs[i] as Tensor);
    });
  } finally {
    if (!options.gradOutput) seed.dispose();
  }
}

function argnumsOf(options: GradOptions): number[] {
  const a = options.argnums ?? 0;
  return typeof a === 'number' ? [a] : [...a];
}

function prepareArgs(args: readonly unknown[], argnums: readonly number[]): { call: unknown[]; vars: Tensor[]; fresh: Tensor[] } {
  const call = [...args];
  const vars: Tensor[] = [];
  const fresh: Tensor[] = [];
  for (const i of argnums) {
    const x = args[i];
    if (!isTensor(x)) throw new TypeError(`grad: argument ${i} must be a Tensor to differentiate with respect to it`);
    if (isGradEnabled() && infoOf(x)?.requiresGrad) {
      vars.push(x);
    } else {
      const leaf = noGradView(x);
      ensureInfo(leaf).requiresGrad = true;
      call[i] = leaf;
      vars.push(leaf);
      fresh.push(leaf);
    }
  }
  return { call, vars, fresh };
}

/**
 * `valueAndGrad(f)(...args)` → `[value, grads]`: f must return a one-element
 * tensor. grads is one tensor, or an array when `argnums` is an array.
 */
export function valueAndGrad<A extends unknown[]>(f: (...args: A) => Tensor, options: GradOptions = {}) {
  const argnums = argnumsOf(options);
  return (...args: A): [Tensor, Tensor | Tensor[]] => {
    const { call, vars, fresh } = prepareArgs(args, argnums);
    try {
      const value = f(...(call as A));
      if (!isTensor(value) || value.size !== 1) {
        throw new TypeError(
          `grad: f must return a one-element tensor, got ${isTensor(value) ? `shape [${value.shape.join(', ')}]` : typeof value}`,
        );
      }
      // Nested inside another grad: keep the graph differentiable.
      const nested = vars.some((v) => !fresh.includes(v));
      const grads = gradients(value, vars, { createGraph: nested, retainGraph: nested, allowUnused: true });
      return [value, typeof options.argnums === 'object' ? grads : (grads[0] as Tensor)];
    } finally {
      for (const leaf of fresh) leaf.dispose();
    }
  };
}

/** `grad(f)(...args)`: the gradient of a scalar-valued f with respect to args[argnums]. */
export function grad<A extends unknown[]>(f: (...args: A) => Tensor, options: GradOptions = {}) {
  const vg = valueAndGrad(f, options);
  return (...args: A): Tensor | Tensor[] => {
    const [value, grads] = vg(...args);
    value.dispose();
    return grads;
  };
}

/** Vector-Jacobian product: the output of f(...inputs) and vᵀ·J for each input. */
export function vjp(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  v: Tensor,
): { output: Tensor; grads: Tensor[] } {
  const { call, vars, fresh } = prepareArgs(
    inputs,
    inputs.map((_, i) => i),
  );
  try {
    const output = f(...(call as Tensor[]));
    if (v.size !== output.size)
      throw new Error(`vjp: v has shape [${v.shape.join(', ')}] but the output has [${output.shape.join(', ')}]`);
    const grads = gradients(output, vars, { gradOutput: v, allowUnused: true });
    return { output, grads };
  } finally {
    for (const leaf of fresh) leaf.dispose();
  }
}
