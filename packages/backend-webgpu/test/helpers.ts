/**
 * Test helpers: one WebGPU backend per test file (Dawn on llvmpipe in Node),
 * and running a primitive on it and on the CPU reference with the same views.
 */
import {
  type Backend,
  createCpuBackend,
  type DType,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  type OutputSpec,
  type Primitive,
  type PrimitiveParams,
  type StorageArray,
  type View,
} from '@strata/core';
import { createWebGpuBackend, type WebGpuBackend } from '../src/index';
import { createNodeGpu } from '../src/node';

let backend: Promise<WebGpuBackend> | undefined;

/** The file's WebGPU backend (created once). */
export function gpuBackend(): Promise<WebGpuBackend> {
  backend ??= createWebGpuBackend({ gpu: createNodeGpu() });
  return backend;
}

export const cpu = createCpuBackend();

/** Host data for one input: a flat storage array and the view laid over it. */
export interface InputSpec {
  readonly dtype: DType;
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly strides?: readonly number[];
  readonly offset?: number;
}

function contiguous(shape: readonly number[]): number[] {
  const out: number[] = [];
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = s;
    s *= shape[d] as number;
  }
  return out;
}

function hostArray(dtype: DType, values: ArrayLike<number>): StorageArray {
  if (dtype === 'float32') return Float32Array.from(values);
  if (dtype === 'int32') return Int32Array.from(values);
  if (dtype === 'bool') return Uint8Array.from(values);
  return Uint16Array.from(values, (v) => float32ToFloat16Bits(v));
}

function viewOn<S extends object>(b: Backend<S>, spec: InputSpec): View<S> {
  const data = hostArray(spec.dtype, spec.data);
  return {
    storage: b.upload(data, spec.dtype),
    dtype: spec.dtype,
    shape: spec.shape,
    strides: spec.strides ?? contiguous(spec.shape),
    offset: spec.offset ?? 0,
  };
}

/** Values as numbers (float16 widened), so results compare across backends. */
export function numbers(data: StorageArray, dtype: DType): number[] {
  return dtype === 'float16' ? Array.from(data, (b) => float16BitsToFloat32(b)) : Array.from(data);
}

const roundF16 = (v: number) => float16BitsToFloat32(float32ToFloat16Bits(v));

/** The CPU's answer for float16 where its kernel handles only float32 (it would add raw float16 bits). */
function cpuViaFloat32<P extends Primitive>(
  p: P,
  inputs: readonly InputSpec[],
  params: PrimitiveParams[P],
  out: OutputSpec,
): number[] {
  const wide = inputs.map((s) =>
    s.dtype === 'float16' ? { ...s, dtype: 'float32' as DType, data: Array.from(s.data, roundF16) } : s,
  );
  const result = cpu.kernels[p](
    wide.map((s) => viewOn(cpu, s)),
    params,
    { shape: out.shape, dtype: 'float32' },
  );
  return Array.from(result, roundF16);
}

/**
 * Runs primitive `p` on the CPU and on the GPU with the same inputs; returns both outputs as numbers.
 * With `float16ViaFloat32`, the CPU side computes float16 cases in float32 and rounds once.
 */
export async function runBoth<P extends Primitive>(
  p: P,
  inputs: readonly InputSpec[],
  params: PrimitiveParams[P],
  out: OutputSpec,
  float16ViaFloat32 = false,
): Promise<{ cpu: number[]; gpu: number[] }> {
  const gpu = await gpuBackend();
  const size = out.shape.reduce((a, b) => a * b, 1);
  const cpuNumbers =
    float16ViaFloat32 && out.dtype === 'float16'
      ? cpuViaFloat32(p, inputs, params, out)
      : numbers(
          cpu.kernels[p](
            inputs.map((s) => viewOn(cpu, s)),
            params,
            out,
          ),
          out.dtype,
        );
  const gpuViews = inputs.map((s) => viewOn(gpu, s));
  const gpuOut = gpu.kernels[p](gpuViews, params, out);
  const gpuData = await gpu.read(gpuOut, out.dtype, size);
  for (const v of gpuViews) gpu.free(v.storage);
  gpu.free(gpuOut);
  return { cpu: cpuNumbers, gpu: numbers(gpuData, out.dtype) };
}

/** Indices where `a` and `b` differ beyond `rtol` (NaN equals NaN, infinities must match). */
export function differences(a: readonly number[], b: readonly number[], rtol = 0, atol = 0): number[] {
  const bad: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (!(Number.isNaN(x) && Number.isNaN(y))) bad.push(i);
    } else if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (x !== y) bad.push(i);
    } else if (Math.abs(x - y) > atol + rtol * Math.abs(y)) bad.push(i);
  }
  return bad;
}
