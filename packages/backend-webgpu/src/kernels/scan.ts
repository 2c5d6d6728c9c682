/**
 * The `scan` primitive (inclusive cumsum / cumprod along one axis) as a WGSL
 * plan. Short axes: one thread per lane walks it sequentially. Long axes
 * (≥ PARALLEL_MIN): one workgroup per lane; each thread folds a contiguous
 * chunk, the workgroup scans the chunk totals (Hillis–Steele in workgroup
 * memory), and each thread rewrites its chunk from its exclusive prefix.
 * Sums run in the output type (f32, or wrapping i32). Output is contiguous.
 */
import type { ScanOp } from '@strata/core';
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
  workgroupThreads,
} from './reduce-common';

/** From this axis length on, the workgroup-parallel kernel is used. */
export const PARALLEL_MIN = 256;

export function buildScan(x: ViewInfo, axis: number, op: ScanOp, out: OutputSpec, limits: KernelLimits): KernelPlan {
  const nd = x.shape.length;
  if (!Number.isInteger(axis) || axis < 0 || axis >= nd) throw new RangeError(`scan: axis ${axis} out of range for rank ${nd}`);
  if (out.shape.length !== nd || out.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`scan: output shape [${out.shape.join(', ')}] differs from the input's [${x.shape.join(', ')}]`);
  }
  const inT = wgslType(x.dtype, 'scan');
  const outT = wgslType(out.dtype, 'scan');
  if (outT === 'u32') throw new Error('scan: bool output is not supported (core scans bool as int32)');
  const isSum = op === 'sum';
  const identity = literal(outT, isSum ? 0 : 1);
  const fold = (a: string, b: string) => `(${a} ${isSum ? '+' : '*'} ${b})`;
  const read = (v: string) => (inT === outT ? v : `${outT}(${v})`);

  const total = sizeOfShape(x.shape);
  const L = x.shape[axis] as number;
  const lanes = L === 0 ? 0 : total / L;
  // Contiguous strides of the output; lanes run over every dim but `axis`.
  const outStrides: number[] = [];
  for (let d = nd - 1, s = 1; d >= 0; d--) {
    outStrides[d] = s;
    s *= x.shape[d] as number;
  }
  const otherShape = x.shape.filter((_, d) => d !== axis);
  const lanesDims =
    lanes > 0
      ? collapseDims(otherShape, [x.strides.filter((_, d) => d !== axis), outStrides.filter((_, d) => d !== axis)])
      : { shape: [], strides: [[], []] };

  const parallel = L >= PARALLEL_MIN;
  const wg = parallel ? workgroupThreads(limits, 4) : Math.min(64, workgroupThreads(limits, 4));
  const workgroups = grid(parallel ? lanes : Math.ceil(lanes / wg), limits.maxWorkgroupsPerDim);

  const u = new Uniforms();
  const wgIndex = linearWorkgroup(u, workgroups);
  const pLanes = u.add('lanes', lanes);
  const pL = u.add('L', L);
  const pOff = u.add('xOff', x.offset);
  const pXs = u.add('xs', L > 0 ? (x.strides[axis] as number) : 0);
  const pOs = u.add('os', L > 0 ? (outStrides[axis] as number) : 0);
  const sizes = lanesDims.shape.map((s, d) => u.add(`ls${d}`, s));
  const xSt = (lanesDims.strides[0] as number[]).map((s, d) => u.add(`lxs${d}`, s));
  const oSt = (lanesDims.strides[1] as number[]).map((s, d) => u.add(`los${d}`, s));

  const header = `${u.declaration()}
@group(0) @binding(1) var<storage, read> x: array<${inT}>;
@group(0) @binding(2) var<storage, read_write> y: array<${outT}>;
const WG = ${wg}u;`;
  const laneBases = `var xb = ${pOff};
  var ob = 0u;
  ${offsetCode('lane', sizes, [xSt, oSt], ['xb', 'ob'], 'l')}`;

  const code = parallel
    ? `${header}
var<workgroup> sh: array<${outT}, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let lane = ${wgIndex};
  if (lane >= ${pLanes}) { return; }
  ${laneBases}
  let chunk = (${pL} + WG - 1u) / WG;
  let start = min(${pL}, lid * chunk);
  let end = min(${pL}, start + chunk);
  var local: ${outT} = ${identity};
  for (var k = start; k < end; k++) {
    local = ${fold('local', read(`x[xb + k * ${pXs}]`))};
  }
  sh[lid] = local;
  workgroupBarrier();
  for (var s = 1u; s < WG; s = s << 1u) {
    var v = sh[lid];
    if (lid >= s) { v = ${fold('sh[lid - s]', 'v')}; }
    workgroupBarrier();
    sh[lid] = v;
    workgroupBarrier();
  }
  var acc: ${outT} = ${identity};
  if (lid > 0u) { acc = sh[lid - 1u]; }
  for (var k = start; k < end; k++) {
    acc = ${fold('acc', read(`x[xb + k * ${pXs}]`))};
    y[ob + k * ${pOs}] = acc;
  }
}
`
    : `${header}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let lane = (${wgIndex}) * WG + lid;
  if (lane >= ${pLanes}) { return; }
  ${laneBases}
  var acc: ${outT} = ${identity};
  for (var k = 0u; k < ${pL}; k++) {
    acc = ${fold('acc', read(`x[xb + k * ${pXs}]`))};
    y[ob + k * ${pOs}] = acc;
  }
}
`;
  return {
    name: `scan_${op}_${x.dtype}_${parallel ? 'wg' : 'seq'}_l${lanesDims.shape.length}`,
    code,
    workgroups,
    uniforms: u.words(),
    bindings: 'inputs-then-output',
  };
}
