/**
 * Explicit bind group layouts, derived from a kernel's WGSL declarations.
 *
 * 'auto' layouts would tie every bind group to one pipeline and fix the
 * uniform slice's offset into the group. Explicit layouts keyed by the binding
 * signature (`u` uniform, `r` read-only storage, `w` read-write storage) are
 * shared by every kernel with the same bindings, and bind the uniform block with
 * a dynamic offset, so a cached bind group serves every dispatch that uses the
 * same buffers, wherever its uniforms landed in the ring.
 */
import { ShaderStage } from './flags';

export interface KernelLayout {
  readonly signature: string;
  readonly bindGroupLayout: GPUBindGroupLayout;
  readonly pipelineLayout: GPUPipelineLayout;
  /** Whether binding 0 is a (dynamic-offset) uniform block. */
  readonly uniform: boolean;
}

const BINDING = /@group\(0\)\s*@binding\((\d+)\)\s*var<\s*(uniform|storage\s*,\s*(read_write|read))\s*>/g;

/** The binding signature of a kernel: one letter per binding 0..n (`-` for a gap). */
export function bindingSignature(code: string): string {
  const kinds: string[] = [];
  for (const m of code.matchAll(BINDING)) {
    const index = Number(m[1]);
    kinds[index] = m[2] === 'uniform' ? 'u' : m[3] === 'read_write' ? 'w' : 'r';
  }
  return Array.from(kinds, (k) => k ?? '-').join('');
}

export class LayoutCache {
  readonly #layouts = new Map<string, KernelLayout>();

  constructor(private readonly device: GPUDevice) {}

  forCode(code: string): KernelLayout {
    const signature = bindingSignature(code);
    let layout = this.#layouts.get(signature);
    if (!layout) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      [...signature].forEach((kind, binding) => {
        if (kind === '-') return;
        const buffer: GPUBufferBindingLayout =
          kind === 'u' ? { type: 'uniform', hasDynamicOffset: true } : { type: kind === 'w' ? 'storage' : 'read-only-storage' };
        entries.push({ binding, visibility: ShaderStage.COMPUTE, buffer });
      });
      const bindGroupLayout = this.device.createBindGroupLayout({ entries, label: `layout:${signature}` });
      const pipelineLayout = this.device.createPipelineLayout({ bindGroupLayouts: [bindGroupLayout] });
      layout = { signature, bindGroupLayout, pipelineLayout, uniform: signature.startsWith('u') };
      this.#layouts.set(signature, layout);
    }
    return layout;
  }
}
