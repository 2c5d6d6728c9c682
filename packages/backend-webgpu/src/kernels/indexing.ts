/**
 * gather and scatterAdd (torch.gather / torch.scatter_add along `axis`).
 *
 * An index outside its dimension cannot throw from a shader, so the kernel
 * sets a bit in the runtime's error-flag buffer (binding after the output) and
 * writes 0 (gather) or skips the element (scatterAdd); the next read rejects
 * with a RangeError naming the op (see runtime/bounds.ts).
 *
 * scatterAdd adds with atomics: atomicAdd for int32 and bool, and for float32
 * a compare-exchange loop on the bit patterns. Float sums therefore land in
 * whatever order the threads win the exchange — equal to the CPU's sequential
 * order within float tolerance, not bit for bit. Both kernels copy storage
 * words, so float16 goes through the runtime's float32 bridge.
 */
import type { OutputSpec } from '@strata/core';
import { storageWord, viewAccess } from '../wgsl/access';
import { flatWorkgroupSize } from './elementwise';
import type { KernelPlan, ViewInfo } from './plan';
import { grid, type KernelLimits, linearWorkgroup, sizeOfShape, Uniforms } from './reduce-common';

/** Bits of the error flag, one per op that can find a bad index. */
export const BOUNDS_BITS = { gather: 1, scatterAdd: 2 } as const;

function flatLaunch(total: number, limits: KernelLimits, u: Uniforms) {
  const wg = flatWorkgroupSize(limits);
  const workgroups = grid(Math.ceil(total / wg), limits.maxWorkgroupsPerDim);
  const wid = linearWorkgroup(u, workgroups);
  return {
    workgroups,
    header: `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (${wid}) * ${wg}u + lid;`,
  };
}

/** Plan for gather; bindings: 1 = x, 2 = index, 3 = out, 4 = error flag. */
export function buildGather(x: ViewInfo, index: ViewInfo, axis: number, out: OutputSpec, limits: KernelLimits): KernelPlan {
  const n = sizeOfShape(out.shape);
  const u = new Uniforms();
  const count = u.add('n', n);
  const size = u.add('size', x.shape[axis] as number);
  const stride = u.add('stride', x.strides[axis] as number);
  const base: ViewInfo = { ...x, shape: index.shape, strides: x.strides.map((s, d) => (d === axis ? 0 : s)) };
  const access = viewAccess(index.shape, [base, index], 'i', u);
  const { workgroups, header } = flatLaunch(n, limits, u);
  const word = storageWord(x.dtype);
  const code = `${u.declaration()}
@group(0) @binding(1) var<storage, read> x: array<${word}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${word}>;
@group(0) @binding(4) var<storage, read_write> flag: array<atomic<u32>>;
${header}
  if (i >= ${count}) { return; }
  ${access.code}
  let k = index[o1];
  if (k < 0 || u32(k) >= ${size}) {
    atomicOr(&flag[0], ${BOUNDS_BITS.gather}u);
    out[i] = ${word}(0);
    return;
  }
  out[i] = x[o0 + u32(k) * ${stride}];
}
`;
  return { name: 'gather', code, workgroups, uniforms: u.words(), bindings: 'inputs-then-output' };
}

/**
 * Plan for the accumulation pass of scatterAdd into `out` (already holding a
 * contiguous copy of base); bindings: 1 = index, 2 = src, 3 = out, 4 = error flag.
 */
export function buildScatterAdd(index: ViewInfo, src: ViewInfo, axis: number, out: OutputSpec, limits: KernelLimits): KernelPlan {
  const n = sizeOfShape(index.shape);
  const u = new Uniforms();
  const count = u.add('n', n);
  const size = u.add('size', out.shape[axis] as number);
  const outStrides: number[] = [];
  let s = 1;
  for (let d = out.shape.length - 1; d >= 0; d--) {
    outStrides[d] = s;
    s *= out.shape[d] as number;
  }
  const stride = u.add('stride', outStrides[axis] as number);
  const dst: ViewInfo = {
    shape: index.shape,
    strides: outStrides.map((st, d) => (d === axis ? 0 : st)),
    offset: 0,
    dtype: out.dtype,
  };
  const srcView: ViewInfo = { ...src, shape: index.shape };
  const access = viewAccess(index.shape, [dst, index, srcView], 'i', u);
  const { workgroups, header } = flatLaunch(n, limits, u);
  const float = out.dtype === 'float32';
  const word = float ? 'u32' : storageWord(out.dtype);
  const add = float
    ? `var old = atomicLoad(&out[at]);
  loop {
    let next = bitcast<u32>(bitcast<f32>(old) + v);
    let r = atomicCompareExchangeWeak(&out[at], old, next);
    if (r.exchanged) { break; }
    old = r.old_value;
  }`
    : 'atomicAdd(&out[at], v);';
  const code = `${u.declaration()}
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read> src: array<${storageWord(src.dtype)}>;
@group(0) @binding(3) var<storage, read_write> out: array<atomic<${word}>>;
@group(0) @binding(4) var<storage, read_write> flag: array<atomic<u32>>;
${header}
  if (i >= ${count}) { return; }
  ${access.code}
  let k = index[o1];
  if (k < 0 || u32(k) >= ${size}) {
    atomicOr(&flag[0], ${BOUNDS_BITS.scatterAdd}u);
    return;
  }
  let at = o0 + u32(k) * ${stride};
  let v = src[o2];
  ${add}
}
`;
  return { name: 'scatterAdd', code, workgroups, uniforms: u.words(), bindings: 'inputs-then-output' };
}
