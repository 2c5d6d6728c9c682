/**
 * The random primitive: Philox-4x32-10 exactly as core/src/random/philox.ts,
 * so 'bits' and 'uniform' streams match the CPU bit for bit (integer math
 * only; the 32x32→64 multiply is split into 16-bit halves like the CPU's).
 * 'normal' applies Box–Muller in float32 (with the polynomial sin/cos of
 * ../wgsl/math.ts, since builtin ones may be coarse), equal to the CPU's
 * float64 within float tolerance. One thread computes one block: elements 4b .. 4b + 3.
 */
import type { OutputSpec, PrimitiveParams } from '@strata/core';
import { helperSource } from '../wgsl/math';
import { flatWorkgroupSize } from './elementwise';
import type { KernelPlan } from './plan';
import { grid, type KernelLimits, linearWorkgroup, sizeOfShape, Uniforms } from './reduce-common';

export const PHILOX_WGSL = `
fn mulhi32(a: u32, b: u32) -> u32 {
  let aLo = a & 0xffffu;
  let aHi = a >> 16u;
  let bLo = b & 0xffffu;
  let bHi = b >> 16u;
  let lolo = aLo * bLo;
  let mid1 = aHi * bLo + (lolo >> 16u);
  let mid2 = aLo * bHi + (mid1 & 0xffffu);
  return aHi * bHi + (mid1 >> 16u) + (mid2 >> 16u);
}
fn philox4x32(key0: u32, key1: u32, ctrLo: u32, ctrHi: u32) -> vec4<u32> {
  var c0 = ctrLo;
  var c1 = ctrHi;
  var c2 = 0u;
  var c3 = 0u;
  var k0 = key0;
  var k1 = key1;
  for (var round = 0u; round < 10u; round++) {
    let hi0 = mulhi32(0xd2511f53u, c0);
    let lo0 = 0xd2511f53u * c0;
    let hi1 = mulhi32(0xcd9e8d57u, c2);
    let lo1 = 0xcd9e8d57u * c2;
    let n0 = hi1 ^ c1 ^ k0;
    let n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 = k0 + 0x9e3779b9u;
    k1 = k1 + 0xbb67ae85u;
  }
  return vec4<u32>(c0, c1, c2, c3);
}
fn bitsToUniform(bits: u32) -> f32 { return f32(bits >> 8u) * 5.9604644775390625e-8; }
fn bitsToUniformOpenZero(bits: u32) -> f32 { return f32((bits >> 8u) + 1u) * 5.9604644775390625e-8; }
`;

export function buildRandom(params: PrimitiveParams['random'], out: OutputSpec, limits: KernelLimits): KernelPlan {
  const n = sizeOfShape(out.shape);
  const blocks = Math.ceil(n / 4);
  const wg = flatWorkgroupSize(limits);
  const workgroups = grid(Math.ceil(blocks / wg), limits.maxWorkgroupsPerDim);
  const u = new Uniforms();
  const count = u.add('n', n);
  const nBlocks = u.add('blocks', blocks);
  const k0 = u.add('key0', params.key[0] >>> 0);
  const k1 = u.add('key1', params.key[1] >>> 0);
  const lo = u.add('ctrLo', params.counter % 2 ** 32);
  const hi = u.add('ctrHi', Math.floor(params.counter / 2 ** 32) >>> 0);
  const wid = linearWorkgroup(u, workgroups);
  let value: string;
  let word: string;
  switch (params.distribution) {
    case 'bits':
      word = 'i32';
      value = 'bitcast<i32>(w[k])';
      break;
    case 'uniform':
      word = 'f32';
      value = 'bitsToUniform(w[k])';
      break;
    case 'normal':
      word = 'f32';
      value = `normal(w, k)`;
      break;
  }
  const code = `${u.declaration()}
@group(0) @binding(1) var<storage, read_write> out: array<${word}>;
${PHILOX_WGSL}
${helperSource(['s_sin', 's_cos'])}
fn normal(w: vec4<u32>, k: u32) -> f32 {
  let pair = k & 2u;
  let r = sqrt(-2.0 * log(bitsToUniformOpenZero(w[pair])));
  let theta = 6.283185307179586 * bitsToUniform(w[pair + 1u]);
  return r * select(s_cos(theta), s_sin(theta), (k & 1u) == 1u);
}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let b = (${wid}) * ${wg}u + lid;
  if (b >= ${nBlocks}) { return; }
  let lo = ${lo} + b;
  let hi = ${hi} + select(0u, 1u, lo < b);
  let w = philox4x32(${k0}, ${k1}, lo, hi);
  for (var k = 0u; k < 4u; k++) {
    let i = 4u * b + k;
    if (i < ${count}) { out[i] = ${value}; }
  }
}
`;
  return { name: `random:${params.distribution}`, code, workgroups, uniforms: u.words(), bindings: 'inputs-then-output' };
}
