/**
 * Glue between kernel builders (pure: views in, KernelPlan out) and the
 * runtime: allocates outputs, binds inputs in the agreed order and dispatches.
 * Also the float16 bridge: kernels other than elementwise compute in float32,
 * so float16 operands are widened by an elementwise cast and results narrowed
 * back (exact for the copies — gather, concat, pad — and one rounding for math).
 */
import { contiguousStrides, type DType, E, type OutputSpec, sizeOf, type View } from '@strata/core';
import { buildElementwise } from './kernels/elementwise';
import type { KernelPlan, ViewInfo } from './kernels/plan';
import type { GpuRuntime } from './runtime/runtime';
import { type GpuStorage, gpuByteLength } from './storage';

export function viewInfo(v: View<GpuStorage>): ViewInfo {
  return { shape: v.shape, strides: v.strides, offset: v.offset, dtype: v.dtype };
}

export class Executor {
  constructor(readonly rt: GpuRuntime) {}

  /** Fresh storage for `size` elements of `dtype`, for a kernel (or, with `forUpload`, an upload) to fill. */
  allocate(dtype: DType, size: number, forUpload = false): GpuStorage {
    const byteLength = gpuByteLength(dtype, size);
    const bytes = Math.max(byteLength, 4);
    return { buffer: forUpload ? this.rt.allocForUpload(bytes) : this.rt.alloc(bytes), size, dtype, byteLength };
  }

  /** Dispatches `plan` with `inputs` at bindings 1..n, `out` at n + 1 and any `extra` after it. */
  dispatch(plan: KernelPlan, inputs: readonly GPUBuffer[], out: GPUBuffer, ...extra: GPUBuffer[]): void {
    this.rt.dispatch({
      name: plan.name,
      code: plan.code,
      workgroups: plan.workgroups,
      uniforms: plan.uniforms,
      buffers: [...inputs, out, ...extra],
    });
  }

  /** Runs one plan into fresh storage shaped like `out`. */
  run(plan: KernelPlan, inputs: readonly View<GpuStorage>[], out: OutputSpec): GpuStorage {
    const result = this.allocate(out.dtype, plan.outputElements ?? sizeOf(out.shape));
    if (result.size > 0) {
      this.dispatch(
        plan,
        inputs.map((v) => v.storage.buffer),
        result.buffer,
      );
    }
    return result;
  }

  elementwise(inputs: readonly View<GpuStorage>[], expr: Parameters<typeof buildElementwise>[1], out: OutputSpec): GpuStorage {
    if (sizeOf(out.shape) === 0) return this.allocate(out.dtype, 0);
    return this.run(buildElementwise(inputs.map(viewInfo), expr, out, this.rt.limits), inputs, out);
  }

  /** A contiguous copy of `v` converted to `dtype`, as a view. */
  castView(v: View<GpuStorage>, dtype: DType): View<GpuStorage> {
    const storage = this.elementwise([v], E.cast(E.input(0, v.dtype), dtype), { shape: v.shape, dtype });
    return { storage, dtype, shape: v.shape, strides: contiguousStrides(v.shape), offset: 0 };
  }

  /**
   * Runs `kernel` with float16 inputs widened to float32 and, when `out` is
   * float16, the float32 result narrowed back. Temporaries are freed here.
   */
  viaFloat32(
    inputs: readonly View<GpuStorage>[],
    out: OutputSpec,
    kernel: (inputs: readonly View<GpuStorage>[], out: OutputSpec) => GpuStorage,
  ): GpuStorage {
    if (out.dtype !== 'float16' && inputs.every((v) => v.dtype !== 'float16')) return kernel(inputs, out);
    const temps: GpuStorage[] = [];
    const wide = inputs.map((v) => {
      if (v.dtype !== 'float16') return v;
      const w = this.castView(v, 'float32');
      temps.push(w.storage);
      return w;
    });
    const wideOut: OutputSpec = out.dtype === 'float16' ? { shape: out.shape, dtype: 'float32' } : out;
    let result = kernel(wide, wideOut);
    if (out.dtype === 'float16') {
      temps.push(result);
      result = this.castView(
        { storage: result, dtype: 'float32', shape: out.shape, strides: contiguousStrides(out.shape), offset: 0 },
        'float16',
      ).storage;
    }
    for (const t of temps) this.rt.release(t.buffer);
    return result;
  }
}
