/**
 * The `reduce` primitive as a WGSL plan: a group of T threads (T a power of
 * two, up to the workgroup size) per output element, several groups per
 * workgroup when the reduced block is short. Each thread folds a strided
 * stripe of the block (r = lane, lane + T, ...), then the group combines the
 * partials in a pairwise tree in workgroup memory.
 *
 * Semantics match the CPU reference: max/min propagate NaN; argmax/argmin give
 * the first flat index of the extreme within the reduced block, NaN counting as
 * the extreme (first NaN wins). max/min track the index too, so ties between
 * -0 and +0 resolve to the first one like the sequential CPU loop. Sums run in
 * the output type (f32, or wrapping i32); an empty block gives the identity.
 */
import type { ReduceOp } from '@strata/core';
import type { KernelPlan, OutputSpec, ViewInfo } from './plan';
import {
  collapseDims,
  grid,
  IS_NAN_FN,
  type KernelLimits,
  linearWorkgroup,
  literal,
  nextPow2,
  offsetCode,
  sizeOfShape,
  Uniforms,
  type WgslScalar,
  wgslType,
  workgroupThreads,
} from './reduce-common';

const NONE = '0xffffffffu';

/** The value/accumulator type, the WGSL that turns one input element `v` into it, and the fold. */
interface OpSpec {
  readonly acc: WgslScalar;
  readonly read: (v: string) => string;
  /** Folds for sum/prod/any/all: identity and binary combine. */
  readonly identity?: string;
  readonly combine?: (a: string, b: string) => string;
  /** For max/min/argmax/argmin: true for the max family. */
  readonly isMax?: boolean;
}

function opSpec(op: ReduceOp, inT: WgslScalar, outT: WgslScalar): OpSpec {
  const nonzero = (v: string) =>
    inT === 'f32' ? `select(0u, 1u, (bitcast<u32>(${v}) & 0x7fffffffu) != 0u)` : `select(0u, 1u, ${v} != ${literal(inT, 0)})`;
  switch (op) {
    case 'sum':
    case 'prod': {
      if (outT === 'u32') throw new Error(`reduce: ${op} into bool is not supported`);
      const isSum = op === 'sum';
      return {
        acc: outT,
        read: (v) => (inT === outT ? v : `${outT}(${v})`),
        identity: literal(outT, isSum ? 0 : 1),
        combine: (a, b) => `(${a} ${isSum ? '+' : '*'} ${b})`,
      };
    }
    case 'any':
    case 'all':
      return {
        acc: 'u32',
        read: nonzero,
        identity: op === 'any' ? '0u' : '1u',
        combine: (a, b) => `(${a} ${op === 'any' ? '|' : '&'} ${b})`,
      };
    case 'max':
    case 'min':
    case 'argmax':
    case 'argmin':
      return { acc: inT, read: (v) => v, isMax: op === 'max' || op === 'argmax' };
  }
}

/** WGSL `better(va, ia, vb, ib)`: whether (vb, ib) replaces (va, ia) as the running extreme. */
function betterFn(t: WgslScalar, isMax: boolean): string {
  const nan =
    t === 'f32'
      ? `
  let na = isNan(va);
  let nb = isNan(vb);
  if (na || nb) {
    if (na && nb) { return ib < ia; }
    return nb;
  }`
      : '';
  return `fn better(va: ${t}, ia: u32, vb: ${t}, ib: u32) -> bool {
  if (ib == ${NONE}) { return false; }
  if (ia == ${NONE}) { return true; }${nan}
  if (vb == va) { return ib < ia; }
  return vb ${isMax ? '>' : '<'} va;
}`;
}

/**
 * Reduces `x` over `axes` (sorted, unique) into a contiguous output of
 * `out.shape` (x's shape without the axes). Bindings: 1 = x, 2 = out.
 */
export function buildReduce(
  x: ViewInfo,
  axes: readonly number[],
  op: ReduceOp,
  out: OutputSpec,
  limits: KernelLimits,
): KernelPlan {
  const nd = x.shape.length;
  axes.forEach((a, i) => {
    if (!Number.isInteger(a) || a < 0 || a >= nd || (i > 0 && a <= (axes[i - 1] as number))) {
      throw new RangeError(`reduce: axes must be sorted, unique and within rank ${nd}, got [${axes.join(', ')}]`);
    }
  });
  const inT = wgslType(x.dtype, 'reduce');
  const outT = wgslType(out.dtype, 'reduce');
  const isArg = op === 'argmax' || op === 'argmin';
  if (isArg && outT !== 'i32') throw new Error(`reduce: ${op} produces int32, got ${out.dtype}`);
  if ((op === 'max' || op === 'min') && outT !== inT) throw new Error(`reduce: ${op} keeps the dtype, got ${out.dtype}`);
  if ((op === 'any' || op === 'all') && outT !== 'u32') throw new Error(`reduce: ${op} produces bool, got ${out.dtype}`);
  const spec = opSpec(op, inT, outT);
  const tracked = spec.isMax !== undefined;

  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  x.shape.forEach((d, i) => {
    if (axes.includes(i)) {
      redShape.push(d);
      redStrides.push(x.strides[i] as number);
    } else {
      keptShape.push(d);
      keptStrides.push(x.strides[i] as number);
    }
  });
  const outCount = sizeOfShape(keptShape);
  if (sizeOfShape(out.shape) !== outCount) {
    throw new Error(`reduce: output shape [${out.shape.join(', ')}] does not match the kept dims [${keptShape.join(', ')}]`);
  }
  const R = sizeOfShape(redShape);
  if (tracked && R === 0 && outCount > 0) throw new Error(`reduce: ${op} over an empty block has no identity`);
  const kept = outCount > 0 ? collapseDims(keptShape, [keptStrides]) : { shape: [], strides: [[]] };
  const red = R > 0 ? collapseDims(redShape, [redStrides]) : { shape: [], strides: [[]] };

  const bytesPerThread = 4 * (tracked ? 2 : 1);
  const wg = workgroupThreads(limits, bytesPerThread);
  // Threads per output: about four elements each before the tree, at most a workgroup.
  const lanes = R <= 8 ? 1 : Math.min(wg, nextPow2(Math.ceil(R / 4)));
  const groups = wg / lanes;
  const workgroups = grid(Math.ceil(outCount / groups), limits.maxWorkgroupsPerDim);

  const u = new Uniforms();
  const wgIndex = linearWorkgroup(u, workgroups);
  const pOut = u.add('outCount', outCount);
  const pR = u.add('R', R);
  const pLanes = u.add('lanes', lanes);
  const pOff = u.add('xOff', x.offset);
  const keptSizes = kept.shape.map((s, d) => u.add(`ks${d}`, s));
  const keptSt = (kept.strides[0] as number[]).map((s, d) => u.add(`kst${d}`, s));
  const redSizes = red.shape.map((s, d) => u.add(`rs${d}`, s));
  const redSt = (red.strides[0] as number[]).map((s, d) => u.add(`rst${d}`, s));

  const A = spec.acc;
  const relCode =
    redSizes.length === 1
      ? `let rel = r * ${redSt[0]};`
      : `var rel = 0u;\n      ${offsetCode('r', redSizes, [redSt], ['rel'], 'q')}`;
  const elem = spec.read(`x[base + rel]`);
  const stripe = tracked
    ? `if (better(acc, idx, v, r)) { acc = v; idx = r; }`
    : `acc = ${(spec.combine as (a: string, b: string) => string)('acc', 'v')};`;
  const tree = tracked
    ? `if (better(sv[lid], si[lid], sv[lid + s], si[lid + s])) { sv[lid] = sv[lid + s]; si[lid] = si[lid + s]; }`
    : `sv[lid] = ${(spec.combine as (a: string, b: string) => string)('sv[lid]', 'sv[lid + s]')};`;

  const code = `${u.declaration()}
@group(0) @binding(1) var<storage, read> x: array<${inT}>;
@group(0) @binding(2) var<storage, read_write> y: array<${outT}>;
const WG = ${wg}u;
var<workgroup> sv: array<${A}, WG>;
${tracked ? 'var<workgroup> si: array<u32, WG>;' : ''}
${inT === 'f32' && tracked ? IS_NAN_FN : ''}
${tracked ? betterFn(A, spec.isMax === true) : ''}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let T = ${pLanes};
  let lane = lid % T;
  let o = (${wgIndex}) * (WG / T) + lid / T;
  let live = o < ${pOut};
  var acc: ${A} = ${tracked ? literal(A, 0) : spec.identity};
  ${tracked ? `var idx = ${NONE};` : ''}
  if (live) {
    var base = ${pOff};
    ${offsetCode('o', keptSizes, [keptSt], ['base'], 'k')}
    for (var r = lane; r < ${pR}; r += T) {
      ${relCode}
      let v = ${elem};
      ${stripe}
    }
  }
  sv[lid] = acc;
  ${tracked ? 'si[lid] = idx;' : ''}
  workgroupBarrier();
  for (var s = T >> 1u; s > 0u; s = s >> 1u) {
    if (lane < s) {
      ${tree}
    }
    workgroupBarrier();
  }
  if (live && lane == 0u) {
    y[o] = ${isArg ? 'i32(si[lid])' : 'sv[lid]'};
  }
}
`;
  return {
    name: `reduce_${op}_${x.dtype}_k${kept.shape.length}_r${red.shape.length}`,
    code,
    workgroups,
    uniforms: u.words(),
    bindings: 'inputs-then-output',
  };
}
