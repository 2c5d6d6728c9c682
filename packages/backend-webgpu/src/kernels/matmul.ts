/**
 * The `matmul` primitive as a WGSL plan: C (..., M, N) = A (..., M, K) @ B (..., K, N).
 *
 * Tiled with workgroup memory and register blocking: a workgroup of TX x TY
 * threads owns a BM x BN tile of C (BM = TY * RM, BN = TX * RN): 128 x 128 from
 * 16 x 16 threads of 8 x 8 outputs each when M and N exceed 64, else 64 x 64
 * from 4 x 4 each (smaller where the device allows fewer invocations). Per
 * K-tile of BK, the workgroup stages A (BK x BM, k-major) and B (BK x BN) in
 * workgroup memory as vec4s, zero-filling past the edges of M, N and K, and
 * each thread accumulates its outputs in vec4 registers. A thread's rows are
 * (i * TY + ty) * 4 + e and columns (j * TX + tx) * 4 + e (e < 4), so it reads
 * whole vec4s of workgroup memory, neighbouring threads read neighbouring
 * vec4s, and rows of C are written in runs. (On llvmpipe the vec4 reads and
 * 8 x 8 blocking are worth about 5x over scalar reads and 4 x 4.)
 *
 * Operands are read through their strides and offsets: transposed, broadcast
 * (stride-0) and offset views cost no copy. Which thread loads which element
 * follows the operand's unit-stride dim so that global reads coalesce. Batch
 * dims are collapsed where both operands allow and folded, with the tile
 * indices, into one linear workgroup index (so any batch fits the dispatch
 * limits). float32 sums in f32; int32 in wrapping i32 (exact modulo 2^32).
 */
import type { KernelPlan, OutputSpec, ViewInfo } from './plan';
import {
  collapseDims,
  grid,
  type KernelLimits,
  linearWorkgroup,
  literal,
  offsetCode,
  sizeOfShape,
  Uniforms,
  wgslType,
} from './reduce-common';

/** One tiling: threads TX x TY, each RM x RN outputs; K staged BK at a time. */
export interface MatmulTiling {
  readonly tx: number;
  readonly ty: number;
  readonly rm: number;
  readonly rn: number;
  readonly bk: number;
}

/** Big tiles (8 x 8 per thread) for large products; 4 x 4 per thread when M or N is small. */
const BIG: readonly MatmulTiling[] = [
  { tx: 16, ty: 16, rm: 8, rn: 8, bk: 16 },
  { tx: 8, ty: 16, rm: 8, rn: 8, bk: 16 },
];
const SMALL: readonly MatmulTiling[] = [
  { tx: 16, ty: 16, rm: 4, rn: 4, bk: 16 },
  { tx: 16, ty: 8, rm: 4, rn: 4, bk: 16 },
  { tx: 8, ty: 8, rm: 4, rn: 4, bk: 16 },
];

/** The first tiling the limits allow: 128 x 128 (or 128 x 64) tiles when M and N exceed 64, else 64 x 64 down to 32 x 32. */
export function chooseTiling(limits: KernelLimits, M = Number.POSITIVE_INFINITY, N = Number.POSITIVE_INFINITY): MatmulTiling {
  const options = M > 64 && N > 64 ? [...BIG, ...SMALL] : SMALL;
  for (const t of options) {
    const storage = 4 * t.bk * (t.ty * t.rm + t.tx * t.rn);
    if (t.tx * t.ty <= limits.maxWorkgroupSize && storage <= limits.maxWorkgroupStorage) return t;
  }
  throw new RangeError('matmul: the device limits allow no tiling (needs 64 invocations and 4 KiB of workgroup memory)');
}

/** The validated dims of a matmul call: C (..., M, N) = A (..., M, K) @ B (..., K, N) with batch dims already broadcast. */
export interface MatmulDims {
  readonly nd: number;
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly batchShape: readonly number[];
  readonly T: 'f32' | 'i32';
}

export function matmulDims(a: ViewInfo, b: ViewInfo, out: OutputSpec): MatmulDims {
  const nd = out.shape.length;
  if (nd < 2 || a.shape.length !== nd || b.shape.length !== nd) {
    throw new Error(`matmul: operands and output need the same rank ≥ 2, got ${a.shape.length}, ${b.shape.length}, ${nd}`);
  }
  const M = out.shape[nd - 2] as number;
  const N = out.shape[nd - 1] as number;
  const K = a.shape[nd - 1] as number;
  if (a.shape[nd - 2] !== M || b.shape[nd - 1] !== N || b.shape[nd - 2] !== K) {
    throw new Error(`matmul: shapes [${a.shape.join(', ')}] @ [${b.shape.join(', ')}] do not give [${out.shape.join(', ')}]`);
  }
  const batchShape = out.shape.slice(0, nd - 2);
  for (let d = 0; d < nd - 2; d++) {
    if (a.shape[d] !== batchShape[d] || b.shape[d] !== batchShape[d]) {
      throw new Error('matmul: batch dims must already be broadcast to the output (stride 0 where repeated)');
    }
  }
  const T = wgslType(out.dtype, 'matmul');
  if (T === 'u32' || a.dtype !== out.dtype || b.dtype !== out.dtype) {
    throw new Error(`matmul: supports float32 and int32 with matching operands, got ${a.dtype} @ ${b.dtype} -> ${out.dtype}`);
  }
  return { nd, M, N, K, batchShape, T };
}

export function buildMatmul(a: ViewInfo, b: ViewInfo, out: OutputSpec, limits: KernelLimits, tiling?: MatmulTiling): KernelPlan {
  const { nd, M, N, K, batchShape, T } = matmulDims(a, b, out);
  const t = tiling ?? chooseTiling(limits, M, N);
  const BM = t.ty * t.rm;
  const BN = t.tx * t.rn;
  const WG = t.tx * t.ty;
  if ((BM * t.bk) % WG !== 0 || (BN * t.bk) % WG !== 0 || t.rm % 4 !== 0 || t.rn % 4 !== 0) {
    throw new Error('matmul: a tiling needs rm, rn multiples of 4 and tiles that the workgroup loads evenly');
  }

  const batch = sizeOfShape(batchShape);
  const tilesM = Math.ceil(M / BM);
  const tilesN = Math.ceil(N / BN);
  const total = batch * tilesM * tilesN;
  const workgroups = grid(total, limits.maxWorkgroupsPerDim);
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

  // Load mappings: consecutive threads walk the operand's unit-stride dim.
  const aKFast = !(a.strides[nd - 2] === 1 && a.strides[nd - 1] !== 1);
  const bNFast = !(b.strides[nd - 2] === 1 && b.strides[nd - 1] !== 1);
  const zero = literal(T, 0);
  const loadA = [];
  for (let i = 0; i < (BM * t.bk) / WG; i++) {
    const at = `lid + ${i * WG}u`;
    const [mm, kk] = aKFast ? [`(${at}) / BK`, `(${at}) % BK`] : [`(${at}) % BM`, `(${at}) / BM`];
    loadA.push(`{
      let mm = ${mm};
      let kk = ${kk};
      let gr = row0 + mm;
      let gk = k0 + kk;
      var v = ${zero};
      if (gr < ${p.M} && gk < ${p.K}) { v = a[aBase + gr * ${p.aRs} + gk * ${p.aCs}]; }
      As[kk * (BM / 4u) + mm / 4u][mm % 4u] = v;
    }`);
  }
  const loadB = [];
  for (let i = 0; i < (BN * t.bk) / WG; i++) {
    const at = `lid + ${i * WG}u`;
    const [nn, kk] = bNFast ? [`(${at}) % BN`, `(${at}) / BN`] : [`(${at}) / BK`, `(${at}) % BK`];
    loadB.push(`{
      let nn = ${nn};
      let kk = ${kk};
      let gc = col0 + nn;
      let gk = k0 + kk;
      var v = ${zero};
      if (gc < ${p.N} && gk < ${p.K}) { v = b[bBase + gk * ${p.bRs} + gc * ${p.bCs}]; }
      Bs[kk * (BN / 4u) + nn / 4u][nn % 4u] = v;
    }`);
  }
  // Thread (tx, ty) owns rows (i * TY + ty) * 4 + e and columns (j * TX + tx) * 4 + e (e < 4):
  // one vec4 of A and one of B per (i, j) and k, read from workgroup memory as whole vectors.
  const I = Array.from({ length: t.rm / 4 }, (_, i) => i);
  const J = Array.from({ length: t.rn / 4 }, (_, j) => j);
  const E = ['x', 'y', 'z', 'w'];
  const V = `vec4<${T}>`;
  const accDecl = I.flatMap((i) => E.flatMap((_, e) => J.map((j) => `var c${i * 4 + e}_${j} = ${V}();`))).join('\n  ');
  const loadRegs = [
    ...I.map((i) => `let a${i} = As[kk * (BM / 4u) + ty + ${i * t.ty}u];`),
    ...J.map((j) => `let b${j} = Bs[kk * (BN / 4u) + tx + ${j * t.tx}u];`),
  ].join('\n      ');
  const fmas = I.flatMap((i) => E.flatMap((x, e) => J.map((j) => `c${i * 4 + e}_${j} += a${i}.${x} * b${j};`))).join('\n      ');
  const stores = I.flatMap((i) =>
    E.map((_, e) => {
      const row = `row0 + (ty + ${i * t.ty}u) * 4u + ${e}u`;
      const cols = J.flatMap((j) =>
        E.map((x, c) => {
          const col = `col0 + (tx + ${j * t.tx}u) * 4u + ${c}u`;
          return `if (${col} < ${p.N}) { y[o + ${col}] = c${i * 4 + e}_${j}.${x}; }`;
        }),
      );
      return `if (${row} < ${p.M}) {\n    let o = cBase + (${row}) * ${p.N};\n    ${cols.join('\n    ')}\n  }`;
    }),
  ).join('\n  ');

  const code = `${u.declaration()}
@group(0) @binding(1) var<storage, read> a: array<${T}>;
@group(0) @binding(2) var<storage, read> b: array<${T}>;
@group(0) @binding(3) var<storage, read_write> y: array<${T}>;
const BM = ${BM}u;
const BN = ${BN}u;
const BK = ${t.bk}u;
var<workgroup> As: array<vec4<${T}>, ${(BM * t.bk) / 4}>;
var<workgroup> Bs: array<vec4<${T}>, ${(BN * t.bk) / 4}>;

@compute @workgroup_size(${t.tx}, ${t.ty})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let w = ${wgIndex};
  if (w >= ${p.total}) { return; }
  let tx = lid3.x;
  let ty = lid3.y;
  let col0 = (w % ${p.tilesN}) * BN;
  let rest = w / ${p.tilesN};
  let row0 = (rest % ${p.tilesM}) * BM;
  let bi = rest / ${p.tilesM};
  var aBase = ${p.aOff};
  var bBase = ${p.bOff};
  ${offsetCode('bi', bSizes, [aBst, bBst], ['aBase', 'bBase'], 'q')}
  let cBase = bi * ${p.M} * ${p.N};
  ${accDecl}
  for (var k0 = 0u; k0 < ${p.K}; k0 += BK) {
    ${loadA.join('\n    ')}
    ${loadB.join('\n    ')}
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      ${loadRegs}
      ${fmas}
    }
    workgroupBarrier();
  }
  ${stores}
}
`;
  return {
    name: `matmul_${out.dtype}_${BM}x${BN}x${t.bk}_b${collapsed.shape.length}_${aKFast ? 'ak' : 'am'}${bNFast ? 'bn' : 'bk'}`,
    code,
    workgroups,
    uniforms: u.words(),
    bindings: 'inputs-then-output',
  };
}
