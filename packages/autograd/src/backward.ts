/**
 * Reverse-mode sweep over the tape: order the nodes reachable from the roots,
 * then walk them from the outputs back, applying each op's gradient rule and
 * accumulating per input. Intermediates live in one tidy() scope; only the
 * gradients that leave (leaf .grad, retained grads, captured grads) are kept.
 */
import { add, contiguous, fmtShapeOf, keep, onesLike, type Tensor, tidy } from './core-imports';
import { type GradInfo, infoOf, type Node } from './graph';
import { setGradEnabled } from './mode';
import { gradRules } from './rules/index';

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward computation itself, for higher-order gradients. */
  createGraph?: boolean;
}

export interface SweepOptions extends BackwardOptions {
  /** Capture gradients flowing into these tensors instead of writing any leaf's .grad. */
  capture?: readonly GradInfo[];
}

function topoOrder(roots: readonly Node[]): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const stack: { node: Node; expanded: boolean }[] = roots.map((node) => ({ node, expanded: false }));
  while (stack.length > 0) {
    const top = stack.pop() as { node: Node; expanded: boolean };
    if (top.expanded) {
      order.push(top.node);
      continue;
    }
    if (seen.has(top.node)) continue;
    seen.add(top.node);
    if (top.node.released) {
      throw new Error(
        'backward: part of the graph was already freed by an earlier backward(); pass { retainGraph: true } to the first call to run backward twice',
      );
    }
    stack.push({ node: top.node, expanded: true });
    for (const input of top.node.inputs) {
      const upstream = input.source?.gradFn;
      if (upstream && !seen.has(upstream)) stack.push({ node: upstream, expanded: false });
    }
  }
  return order; // inputs before the nodes that use them
}

function accumulate(into: Tensor | undefined, g: Tensor): Tensor {
  return into ? add(into, g) : g;
}

/** Runs backward from `roots` (each with its output gradient). Returns captured gradients, if asked. */
export function sweep(roots: readonly { tensor: Tensor; grad: Tensor }[], options: SweepOptions = {}): (Tensor | undefined)[] {
  const capture = options.capture ?? [];
  const captured = new Map<GradInfo, Tensor>();
  const writeLeaves = options.capture === undefined;
  const previous = setGradEnabled(options.createGraph ?? false);
  let order: Node[] = [];
  try {
    const kept = tidy(() => {
      const pending = new Map<Node, Tensor>();
      const leafGrads = new Map<GradInfo, Tensor>();
      const deliver = (info: GradInfo, g: Tensor) => {
        if (capture.includes(info)) captured.set(info, accumulate(captured.get(info), g));
        if (info.gradFn) pending.set(info.gradFn, accumulate(pending.get(info.gradFn), g));
        else if (writeLeaves && info.requiresGrad) leafGrads.set(info, accumulate(leafGrads.get(info), g));
      };
      const rootNodes: Node[] = [];
      for (const { tensor, grad } of roots) {
        const info = infoOf(tensor) as GradInfo;
        if (info.gradFn) rootNodes.push(info.gradFn);
        deliver(info, grad);
      }
      order = topoOrder(rootNodes);
      for (let i = order.length - 1; i >= 0; i--) {
        const node = order[i] as Node;
        const g = pending.get(node);
        if (!g) continue;
        pending.delete(node);
        if (writeLeaves && node.outputInfo.retainsGrad)
          leafGrads.set(node.outputInfo, accumulate(leafGrads.get(node.outputInfo), g));
        for (const input of node.inputs) {
          const original = input.original.deref();
          if (original && !original.isDisposed && original.version !== input.version) {
            throw new Error(
              `backward: a tensor of shape ${fmtShapeOf(original)} that ${node.name} needs was changed by assign() after the forward pass; assign parameters only after backward() (e.g. in the optimizer step), or recompute the forward`,
            );
          }
        }
        const { record } = node;
        const rule = (
          gradRules[record.kind] as Record<string, (g: Tensor, ctx: object) => readonly (Tensor | null | undefined)[]>
        )[record.op];
        if (!rule) throw new Error(`backward: no gradient rule for ${record.kind} '${record.op}'`);
        const grads = node.custom
          ? node.custom(g)
          : rule(g, {
              params: record.params,
              inputs: node.inputs.map((x) => x.handle),
              output: node.output,
              needs: node.inputs.map((x) => x.source !== undefined),
            });
        node.inputs.forEach((input, k) => {
          const gk = grads[k];
          if (!input.source || !gk) return;
          if (gk.size !== input.handle.size) {
            throw new Error(
              `backward: rule ${node.name} gave a gradient of shape ${fmtShapeOf(gk)} for an input of shape ${fmtShapeOf(input.handle)}`,
            );
          }
          deliver(input.source, gk);
        });
      }
      const out: Tensor[] = [];
      for (const [info, g] of leafGrads) {
        const fresh = contiguous(g);
        const previousGrad = info.grad;
        info.grad = previousGrad ? add(previousGrad, fresh) : fresh;
        keep(info.grad);
        if (previousGrad && !options.createGraph) previousGrad.dispose();
        out.push(info.grad);
      }
      for (const [info, g] of captured) captured.set(info, keep(contiguous(g)));
      return out;
    });
    void kept;
  } finally {
    setGradEnabled(previous);
    if (!options.retainGraph) for (const node of order) node.release();
  }
  return capture.map((info) => captured.get(info));
}

/** `loss.backward(gradOutput?, options)`: PyTorch-style, accumulating into leaves' `.grad`. */
export function backward(t: Tensor, gradOutput?: Tensor, options: BackwardOptions = {}): void {
  const info = infoOf(t);
  if (!info?.requiresGrad) {
    throw new Error(
      'backward: this tensor does not require grad: no input had requiresGrad_() called, or it was computed inside noGrad()',
    );
  }
  if (!gradOutput && t.size !== 1) {
    throw new Error(
      `backward: a gradient can be created implicitly only for a one-element output; this one has shape ${fmtShapeOf(t)}: pass backward(gradOutput)`,
    );
  }
  const grad = gradOutput ?? onesLike(t);
  try {
    sweep([{ tensor: t, grad }], options);
  } finally {
    if (!gradOutput) grad.dispose();
  }
}
