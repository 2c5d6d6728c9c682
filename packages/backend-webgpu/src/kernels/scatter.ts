/**
 * scatterAdd without atomics on the data, for an index shared by every row:
 * the index varies only along `axis` (stride 0, or size 1, elsewhere), which
 * is how core's col2im (fold, the conv2d input gradient) and the gradients of
 * pooling's window gathers call it. Such an index is one row of J positions
 * into an axis of S; its inverse in CSR form (for each target s, the j that
 * land there) is built in four small passes over J and S, and then one
 * invocation per output element adds its own contributions, in a loop, to its
 * base value. The float compare-exchange loop of indexing.ts costs about 60 ns
 * per element on llvmpipe; this costs two loads per contribution.
 *
 * Passes: zero the S counts; count the targets (atomicAdd, out-of-range
 * indices set the bounds flag and are skipped); an exclusive scan of the
 * counts into S + 1 starts (one workgroup, a contiguous chunk per
 * invocation); place each j (atomicSub on the count gives its slot); gather
 * and sum. Within a target the contributions are added in slot order, which
 * the atomics decide: like the atomic kernel, float sums may differ in the
 * last bits from the CPU's sequential order.
 */
import type { OutputSpec, View } from '@strata/core';
import { type Executor, viewInfo } from '../exec';
import type { GpuStorage } from '../storage';
import { storageWord, viewAccess } from '../wgsl/access';
import { flatWorkgroupSize } from './elementwise';
import { BOUNDS_BITS } from './indexing';
import type { KernelPlan, ViewInfo } from './plan';
import { grid, type KernelLimits, linearWorkgroup, sizeOfShape, Uniforms, workgroupThreads } from './reduce-common';

export interface ScatterCsrPlans {
  /** Bindings: counts (S + 1 u32). */
  readonly zero: KernelPlan;
  /** Bindings: index, counts, bounds flag. */
  readonly count: KernelPlan;
  /** Bindings: counts, starts (S + 1 u32). */
  readonly scan: KernelPlan;
  /** Bindings: index, starts, counts, slots (J u32). */
  readonly place: KernelPlan;
  /** Bindings: base, src, starts, slots, out. */
  readonly sum: KernelPlan;
  /** Elements of the scratch buffers: counts and starts (S + 1 each), slots (J). */
  readonly targets: number;
  readonly sources: number;
}

/** Storage buffers of the widest pass (sum: base, src, starts, slots, out). */
const CSR_STORAGE_BUFFERS = 5;

/** Whether scatterAdd(base, index, src) along `axis` into `out` can take the CSR path on a device with `limits`. */
export function sharedIndexRow(index: ViewInfo, axis: number, out: OutputSpec, limits: KernelLimits): boolean {
  if (out.dtype !== 'float32' && out.dtype !== 'int32') return false;
  if ((limits.maxStorageBuffers ?? 8) < CSR_STORAGE_BUFFERS) return false;
  const rows = sizeOfShape(out.shape) / Math.max(1, out.shape[axis] as number);
  if (rows < 2 || (index.shape[axis] as number) === 0) return false;
  return index.shape.every((size, d) => d === axis || (size === out.shape[d] && (index.strides[d] === 0 || size === 1)));
}

function flat(total: number, limits: KernelLimits, u: Uniforms) {
  const wg = flatWorkgroupSize(limits);
  const workgroups = grid(Math.ceil(total / wg), limits.maxWorkgroupsPerDim);
  const wid = linearWorkgroup(u, workgroups);
  const head = `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (${wid}) * ${wg}u + lid;`;
  return { workgroups, head };
}

function plan(name: string, code: string, workgroups: [number, number, number], u: Uniforms): KernelPlan {
  return { name, code, workgroups, uniforms: u.words(), bindings: 'inputs-then-output' };
}

export function buildScatterAddCsr(
  base: ViewInfo,
  index: ViewInfo,
  src: ViewInfo,
  axis: number,
  out: OutputSpec,
  limits: KernelLimits,
): ScatterCsrPlans {
  const S = out.shape[axis] as number;
  const J = index.shape[axis] as number;
  const T = storageWord(out.dtype);

  const zu = new Uniforms();
  const zn = zu.add('n', S + 1);
  const z = flat(S + 1, limits, zu);
  const zero = plan(
    'scatterAdd_csr_zero',
    `${zu.declaration()}
@group(0) @binding(1) var<storage, read_write> counts: array<u32>;
${z.head}
  if (i < ${zn}) { counts[i] = 0u; }
}
`,
    z.workgroups,
    zu,
  );

  const cu = new Uniforms();
  const cJ = cu.add('J', J);
  const cS = cu.add('S', S);
  const cOff = cu.add('off', index.offset);
  const cSt = cu.add('stride', index.strides[axis] as number);
  const c = flat(J, limits, cu);
  const count = plan(
    'scatterAdd_csr_count',
    `${cu.declaration()}
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read_write> counts: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> flag: array<atomic<u32>>;
${c.head}
  if (i >= ${cJ}) { return; }
  let k = index[${cOff} + i * ${cSt}];
  if (k < 0 || u32(k) >= ${cS}) {
    atomicOr(&flag[0], ${BOUNDS_BITS.scatterAdd}u);
    return;
  }
  atomicAdd(&counts[u32(k)], 1u);
}
`,
    c.workgroups,
    cu,
  );

  const wg = workgroupThreads(limits, 4);
  const su = new Uniforms();
  const sS = su.add('S', S);
  const sChunk = su.add('chunk', Math.ceil(S / wg));
  const scan = plan(
    'scatterAdd_csr_scan',
    `${su.declaration()}
@group(0) @binding(1) var<storage, read> counts: array<u32>;
@group(0) @binding(2) var<storage, read_write> starts: array<u32>;
var<workgroup> part: array<u32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) lid: u32) {
  let lo = min(lid * ${sChunk}, ${sS});
  let hi = min(lo + ${sChunk}, ${sS});
  var total = 0u;
  for (var s = lo; s < hi; s++) { total += counts[s]; }
  part[lid] = total;
  workgroupBarrier();
  for (var d = 1u; d < ${wg}u; d = d << 1u) {
    var v = 0u;
    if (lid >= d) { v = part[lid - d]; }
    workgroupBarrier();
    part[lid] += v;
    workgroupBarrier();
  }
  var run = part[lid] - total;
  for (var s = lo; s < hi; s++) { starts[s] = run; run += counts[s]; }
  if (lid == ${wg - 1}u) { starts[${sS}] = part[lid]; }
}
`,
    [1, 1, 1],
    su,
  );

  const pu = new Uniforms();
  const pJ = pu.add('J', J);
  const pS = pu.add('S', S);
  const pOff = pu.add('off', index.offset);
  const pSt = pu.add('stride', index.strides[axis] as number);
  const pl = flat(J, limits, pu);
  const place = plan(
    'scatterAdd_csr_place',
    `${pu.declaration()}
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read> starts: array<u32>;
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> slots: array<u32>;
${pl.head}
  if (i >= ${pJ}) { return; }
  let k = index[${pOff} + i * ${pSt}];
  if (k < 0 || u32(k) >= ${pS}) { return; }
  slots[starts[u32(k)] + atomicSub(&counts[u32(k)], 1u) - 1u] = i;
}
`,
    pl.workgroups,
    pu,
  );

  const n = sizeOfShape(out.shape);
  const au = new Uniforms();
  const an = au.add('n', n);
  const aS = au.add('S', S);
  const inner = au.add('inner', sizeOfShape(out.shape.slice(axis + 1)));
  const srcStride = au.add('srcStride', src.strides[axis] as number);
  const row: ViewInfo = { ...src, shape: out.shape, strides: src.strides.map((s, d) => (d === axis ? 0 : s)) };
  const access = viewAccess(out.shape, [base, row], 'i', au);
  const sm = flat(n, limits, au);
  const sum = plan(
    'scatterAdd_csr_sum',
    `${au.declaration()}
@group(0) @binding(1) var<storage, read> base: array<${T}>;
@group(0) @binding(2) var<storage, read> src: array<${T}>;
@group(0) @binding(3) var<storage, read> starts: array<u32>;
@group(0) @binding(4) var<storage, read> slots: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<${T}>;
${sm.head}
  if (i >= ${an}) { return; }
  ${access.code}
  let s = (i / ${inner}) % ${aS};
  var acc = base[o0];
  let end = starts[s + 1u];
  for (var q = starts[s]; q < end; q++) { acc += src[o1 + slots[q] * ${srcStride}]; }
  out[i] = acc;
}
`,
    sm.workgroups,
    au,
  );
  return { zero, count, scan, place, sum, targets: S + 1, sources: J };
}

/** Runs the CSR passes for scatterAdd (when `sharedIndexRow` holds) into fresh storage. */
export function scatterAddCsr(
  exec: Executor,
  base: View<GpuStorage>,
  index: View<GpuStorage>,
  src: View<GpuStorage>,
  axis: number,
  out: OutputSpec,
): GpuStorage {
  const rt = exec.rt;
  const plans = buildScatterAddCsr(viewInfo(base), viewInfo(index), viewInfo(src), axis, out, rt.limits);
  const counts = rt.alloc(plans.targets * 4);
  const starts = rt.alloc(plans.targets * 4);
  const slots = rt.alloc(plans.sources * 4);
  const result = exec.allocate(out.dtype, sizeOfShape(out.shape));
  exec.dispatch(plans.zero, [], counts);
  exec.dispatch(plans.count, [index.storage.buffer], counts, rt.boundsFlag);
  exec.dispatch(plans.scan, [counts], starts);
  exec.dispatch(plans.place, [index.storage.buffer, starts], counts, slots);
  exec.dispatch(plans.sum, [base.storage.buffer, src.storage.buffer, starts, slots], result.buffer);
  for (const b of [counts, starts, slots]) rt.release(b);
  return result;
}
