/**
 * Register-blocked matmul without workgroup memory, and the choice between it
 * and the tiled kernel of matmul.ts.
 *
 * Each invocation owns an RM x RN block of C and walks K once, loading RM
 * elements of A and RN of B per step straight from storage (through strides
 * and offsets, like the tiled kernel) into registers. No barriers, no
 * workgroup memory, and blocks fit the product: RM = 8 for a 6-row weight
 * matrix instead of the tiled kernel's 64.
 *
 * Why two kernels: on a GPU the tiled kernel's workgroup memory serves large
 * products (M and N of 64 and more), but small ones (a conv layer's 6 or 16
 * output channels, a batch of 64 small products) leave most of a 64 x 64 tile
 * empty; the direct kernel with 4 x 4 blocks (fewer where M or N is smaller)
 * wastes almost nothing. On Mesa's CPU rasteriser (llvmpipe:
 * `limits.software`; SwiftShader keeps the GPU choice, see isSoftwareDevice) every load costs an invocation about 25 multiply-adds
 * whether it reads storage or workgroup memory, and barriers are emulated, so
 * the direct kernel wins at every size with the largest blocks the product
 * fills (up to 32 x 32: loads per multiply-add fall as 1/RM + 1/RN). Measured
 * on llvmpipe: 512³ in 0.10 s with 32 x 32 blocks against 0.35 s tiled, and a
 * batch of 64 (6 x 784) · (784 x 25) products 30x faster than the 64 x 64 tile.
 */

import { buildMatmul, matmulDims } from './matmul';
import type { KernelPlan, OutputSpec, ViewInfo } from './plan';
import { collapseDims, grid, type KernelLimits, linearWorkgroup, offsetCode, sizeOfShape, Uniforms } from './reduce-common';

/** One invocation's block of C. */
export interface DirectBlock {
  readonly rm: number;
  readonly rn: number;
}

const SOFTWARE_SIZES = [1, 2, 4, 8, 16, 32];
const HARDWARE_SIZES = [1, 2, 4];
/** Relative cost of one load against one multiply-add, per invocation (see the module comment). */
const SOFTWARE_LOAD_COST = 25;
const HARDWARE_LOAD_COST = 2;

/**
 * The block that minimises (invocations x K x per-step cost) for an M x N x K
 * product, with per-step cost (RM + RN) loads plus RM * RN multiply-adds.
 */
export function chooseDirectBlock(M: number, N: number, K: number, software: boolean): DirectBlock {
  const sizes = software ? SOFTWARE_SIZES : HARDWARE_SIZES;
  const load = software ? SOFTWARE_LOAD_COST : HARDWARE_LOAD_COST;
  let best: DirectBlock = { rm: 1, rn: 1 };
  let bestCost = Number.POSITIVE_INFINITY;
  for (const rm of sizes) {
    for (const rn of sizes) {
      const blocks = Math.ceil(M / rm) * Math.ceil(N / rn);
      const cost = blocks * (Math.max(K, 1) * (load * (rm + rn) + rm * rn) + 4 * load * rm * rn);
      if (cost < bestCost) {
        bestCost = cost;
        best = { rm, rn };
      }
    }
  }
  return best;
}

/** Whether the tiled kernel serves this product: on a GPU, when both M and N fill a 64-wide tile. */
export function useTiled(M: number, N: number, limits: KernelLimits): boolean {
  return !limits.software && M >= 64 && N >= 64;
}

/** The matmul plan for these operands: tiled or direct (see the module comment). */
export function planMatmul(a: ViewInfo, b: ViewInfo, out: OutputSpec, limits: KernelLimits): KernelPlan {
  const nd = out.shape.length;
  const M = out.shape[nd - 2] as number;
  const N = out.shape[nd - 1] as number;
  return useTiled(M, N, limits) ? buildMatmul(a, b, out, limits) : buildMatmulDirect(a, b, out, limits);
}

/** WGSL names for an RM x RN block: accumulators c{i}_{j}. */
export function blockAccumulators(rm: number, rn: number, type: string): string {
  const lines: string[] = [];
  for (let i = 0; i < rm; i++)
    lines.push(Array.from({ length: rn }, (_, j) => `var c${i}_${j}: ${type} = ${type}(0);`).join(' '));
  return lines.join('\n  ');
}

/** WGSL multiply-adds of registers a{i} and b{j} into the block. */
export function blockProducts(rm: number, rn: number): string {
  const lines: string[] = [];
  for (let i = 0; i < rm; i++) lines.push(Array.from({ length: rn }, (_, j) => `c${i}_${j} += a${i} * b${j};`).join(' '));
  return lines.join('\n    ');
}

export function buildMatmulDirect(
  a: ViewInfo,
  b: ViewInfo,
  out: OutputSpec,
  limits: KernelLimits,
  block?: DirectBlock,
): KernelPlan {
  const { nd, M, N, K, batchShape, T } = matmulDims(a, b, out);
  const { rm, rn } = block ?? chooseDirectBlock(M, N, K, limits.software === true);
  const wg = Math.min(64, limits.maxWorkgroupSize);
  const batch = sizeOfShape(batchShape);
  const tilesM = Math.ceil(M / rm);
  const tilesN = Math.ceil(N / rn);
  const total = batch * tilesM * tilesN;
  const workgroups = grid(Math.ceil(total / wg), limits.maxWorkgroupsPerDim);
  const collapsed =
    total > 0
      ? collapseDims(batchShape, [a.strides.slice(0, nd - 2), b.strides.slice(0, nd - 2)])
      : { shape: [], strides: [[], []] };

  const u = new Uniforms();
  const wgIndex = linearWorkgroup(u, workgroups);
  const p = {
    total: u.add('total', total),
    M: u.add('M', M),
    N: u.add('N', N),
    K: u.add('K', K),
    tilesM: u.add('tilesM', tilesM),
    tilesN: u.add('tilesN', tilesN),
    aOff: u.add('aOff', a.offset),
    aRs: u.add('aRs', a.strides[nd - 2] as number),
    aCs: u.add('aCs', a.strides[nd - 1] as number),
    bOff: u.add('bOff', b.offset),
    bRs: u.add('bRs', b.strides[nd - 2] as number),
    bCs: u.add('bCs', b.strides[nd - 1] as number),
  };
  const bSizes = collapsed.shape.map((s, d) => u.add(`bs${d}`, s));
  const aBst = (collapsed.strides[0] as number[]).map((s, d) => u.add(`abs${d}`, s));
  const bBst = (collapsed.strides[1] as number[]).map((s, d) => u.add(`bbs${d}`, s));

  const I = Array.from({ length: rm }, (_, i) => i);
  const J = Array.from({ length: rn }, (_, j) => j);
  // Rows and columns past the edge read the last one (in bounds, never stored).
  const rows = I.map((i) => `let ar${i} = aBase + min(m0 + ${i}u, ${p.M} - 1u) * ${p.aRs};`).join('\n  ');
  const cols = J.map((j) => `let bc${j} = bBase + min(n0 + ${j}u, ${p.N} - 1u) * ${p.bCs};`).join('\n  ');
  const loads = [...I.map((i) => `let a${i} = a[ar${i} + ak];`), ...J.map((j) => `let b${j} = b[bc${j} + bk];`)].join('\n    ');
  const stores = I.map((i) => {
    const cells = J.map((j) => `if (n0 + ${j}u < ${p.N}) { y[o + ${j}u] = c${i}_${j}; }`).join(' ');
    return `if (m0 + ${i}u < ${p.M}) {\n    let o = cBase + (m0 + ${i}u) * ${p.N} + n0;\n    ${cells}\n  }`;
  }).join('\n  ');

  const code = `${u.declaration()}
@group(0) @binding(1) var<storage, read> a: array<${T}>;
@group(0) @binding(2) var<storage, read> b: array<${T}>;
@group(0) @binding(3) var<storage, read_write> y: array<${T}>;

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = (${wgIndex}) * ${wg}u + lid;
  if (t >= ${p.total}) { return; }
  let n0 = (t % ${p.tilesN}) * ${rn}u;
  let rest = t / ${p.tilesN};
  let m0 = (rest % ${p.tilesM}) * ${rm}u;
  let bi = rest / ${p.tilesM};
  var aBase = ${p.aOff};
  var bBase = ${p.bOff};
  ${offsetCode('bi', bSizes, [aBst, bBst], ['aBase', 'bBase'], 'q')}
  ${rows}
  ${cols}
  ${blockAccumulators(rm, rn, T)}
  var ak = 0u;
  var bk = 0u;
  for (var k = 0u; k < ${p.K}; k++) {
    ${loads}
    ${blockProducts(rm, rn)}
    ak += ${p.aCs};
    bk += ${p.bRs};
  }
  let cBase = bi * ${p.M} * ${p.N};
  ${stores}
}
`;
  return {
    name: `matmul_direct_${out.dtype}_${rm}x${rn}_b${collapsed.shape.length}`,
    code,
    workgroups,
    uniforms: u.words(),
    bindings: 'inputs-then-output',
  };
}
