/**
 * Test-only runner for kernel plans: uploads flat storage arrays, compiles the
 * plan, binds uniforms / inputs / output the 'inputs-then-output' way,
 * dispatches, and reads the output back.
 */
import type { DType } from '@strata/core';
import type { KernelPlan } from '../src/kernels/plan';
import type { KernelLimits } from '../src/kernels/reduce-common';

export type Flat = Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>;

export function limitsOf(device: GPUDevice): KernelLimits {
  return {
    maxWorkgroupSize: device.limits.maxComputeInvocationsPerWorkgroup,
    maxWorkgroupStorage: device.limits.maxComputeWorkgroupStorageSize,
    maxWorkgroupsPerDim: device.limits.maxComputeWorkgroupsPerDimension,
  };
}

/** A flat array of the storage type for `dtype` (bool as one u32 per element). */
export function flatOf(dtype: DType, values: ArrayLike<number>): Flat {
  if (dtype === 'float32') return Float32Array.from(values);
  if (dtype === 'int32') return Int32Array.from(values);
  return Uint32Array.from(values, (v) => (v !== 0 ? 1 : 0));
}

const pipelines = new Map<string, GPUComputePipeline>();

async function pipelineFor(device: GPUDevice, code: string): Promise<GPUComputePipeline> {
  const cached = pipelines.get(code);
  if (cached) return cached;
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const error = await device.popErrorScope();
  if (error) {
    const info = await module.getCompilationInfo();
    const messages = info.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('\n');
    throw new Error(`${error.message}\n${messages}\n${code}`);
  }
  pipelines.set(code, pipeline);
  return pipeline;
}

/** Runs `plan` on `inputs` and returns `outLength` elements of `outDType`'s storage type. */
export async function runPlan(
  device: GPUDevice,
  plan: KernelPlan,
  inputs: readonly Flat[],
  outDType: DType,
  outLength: number,
): Promise<Flat> {
  const pipeline = await pipelineFor(device, plan.code);
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
  const uniforms = device.createBuffer({
    size: plan.uniforms.byteLength,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(uniforms, 0, new Uint32Array(plan.uniforms));
  const ins = inputs.map((data) => {
    const buffer = device.createBuffer({ size: Math.max(16, data.byteLength), usage });
    if (data.byteLength > 0) device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  });
  const outBytes = Math.max(16, outLength * 4);
  const output = device.createBuffer({ size: outBytes, usage });
  const staging = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [uniforms, ...ins, output].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(...plan.workgroups);
  pass.end();
  encoder.copyBufferToBuffer(output, 0, staging, 0, outBytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const bytes = staging.getMappedRange().slice(0, outLength * 4);
  staging.unmap();
  for (const b of [uniforms, ...ins, output, staging]) b.destroy();
  if (outDType === 'float32') return new Float32Array(bytes);
  if (outDType === 'int32') return new Int32Array(bytes);
  return new Uint32Array(bytes);
}

/** A strided layout of logical values: storage with `pad` leading junk elements, the given dim order. */
export interface Strided {
  storage: number[];
  strides: number[];
  offset: number;
}

/**
 * Lays out row-major `values` of `shape` in storage whose dims are stored in
 * `order` (outermost first; identity = contiguous), after `pad` junk elements.
 */
export function layout(values: ArrayLike<number>, shape: readonly number[], order: readonly number[], pad = 0): Strided {
  const nd = shape.length;
  const strides: number[] = new Array(nd).fill(0);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    const d = order[i] as number;
    strides[d] = s;
    s *= shape[d] as number;
  }
  const storage: number[] = Array.from({ length: pad + s }, (_, i) => (i < pad ? 1e6 + i : 0));
  const idx = new Array<number>(nd).fill(0);
  for (let flat = 0; flat < values.length; flat++) {
    let o = pad;
    for (let d = 0; d < nd; d++) o += (idx[d] as number) * (strides[d] as number);
    storage[o] = values[flat] as number;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (shape[d] as number)) break;
      idx[d] = 0;
    }
  }
  return { storage, strides, offset: pad };
}

/** A seeded generator of test values (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
