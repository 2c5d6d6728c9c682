import { isFloat, type OpObserver, retainHandle, type Tensor } from '@strata/core';
import { type GradInfo, infoOf, internalHandles, Node, type NodeInput, setInfo } from './graph';
import { isGradEnabled } from './mode';

/** Records every op whose inputs require grad into the tape. Installed by importing the package. */
export const recorder: OpObserver = {
  onOp(record, inputs, output) {
    if (!isGradEnabled() || !isFloat(output.dtype)) return;
    let any = false;
    const sources = inputs.map((t) => {
      const info = infoOf(t);
      if (info?.requiresGrad) any = true;
      return info?.requiresGrad ? info : undefined;
    });
    if (!any) return;
    // Our handles alias the originals' grad info, so ops on them during a
    // createGraph backward connect to this graph (higher-order gradients).
    const nodeInputs: NodeInput[] = inputs.map((t, i) => {
      const handle = retainHandle(t);
      internalHandles.add(handle);
      const upstream = sources[i]?.gradFn;
      if (upstream) upstream.downstream++;
      const source = sources[i];
      if (source) setInfo(handle, source);
      return { handle, source, original: new WeakRef(t), version: t.version };
    });
    const info: GradInfo = { requiresGrad: true, retainsGrad: false };
    const outputHandle = retainHandle(output);
    internalHandles.add(outputHandle);
    const node = new Node(record, nodeInputs, outputHandle, info);
    info.gradFn = node;
    setInfo(output, info);
    setInfo(outputHandle, info);
  },
  onDispose(t) {
    if (internalHandles.has(t)) return;
    const node = infoOf(t)?.gradFn;
    if (!node || node.output === t) return;
    node.userRefs--;
    node.releaseIfUnreachable();
  },
};

export function requiresGrad(t: Tensor): boolean {
  return infoOf(t)?.requiresGrad ?? false;
}
