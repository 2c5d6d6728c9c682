/**
 * Stable argsort along one axis by a bitonic network per lane, in global
 * memory: an init pass writes (key, index) pairs padded to a power of two P,
 * log2(P)·(log2(P)+1)/2 compare-exchange passes sort them, a final pass writes
 * the indices. Keys are u32 whose unsigned order is the wanted order: floats
 * flipped on the sign bit (-0 made +0, every NaN made one NaN above +inf),
 * int32 offset by 2^31, and inverted for descending. Comparing (key, index)
 * pairs makes equal values keep their original order, so the result matches
 * the CPU's stable sort exactly: NaN last ascending, first descending.
 */
import { storageWord, viewAccess } from '../wgsl/access';
import { flatWorkgroupSize } from './elementwise';
import type { KernelPlan, ViewInfo } from './plan';
import { grid, type KernelLimits, linearWorkgroup, nextPow2, sizeOfShape, Uniforms } from './reduce-common';

export interface ArgsortPlans {
  /** (key, index) pairs: lanes * padded u32 pairs. */
  readonly scratchElements: number;
  /** Bindings: 1 = x, 2 = scratch. */
  readonly init: KernelPlan;
  /** Bindings: 1 = scratch (read_write, as the "output"). */
  readonly passes: readonly KernelPlan[];
  /** Bindings: 1 = scratch, 2 = out. */
  readonly finish: KernelPlan;
}

function launch(total: number, limits: KernelLimits, u: Uniforms) {
  const wg = flatWorkgroupSize(limits);
  const workgroups = grid(Math.max(1, Math.ceil(total / wg)), limits.maxWorkgroupsPerDim);
  const wid = linearWorkgroup(u, workgroups);
  return {
    workgroups,
    main: `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = (${wid}) * ${wg}u + lid;`,
  };
}

function keyCode(x: ViewInfo, descending: boolean): string {
  let key: string;
  if (x.dtype === 'int32') key = 'bitcast<u32>(v) ^ 0x80000000u';
  else if (x.dtype === 'bool') key = 'v';
  else {
    key = `sortableFloat(v)`;
  }
  return descending ? `~(${key})` : key;
}

const SORTABLE_FLOAT = `fn sortableFloat(v: f32) -> u32 {
  var bits = bitcast<u32>(v);
  if ((bits & 0x7fffffffu) > 0x7f800000u) { bits = 0x7fc00000u; }
  if (bits == 0x80000000u) { bits = 0u; }
  return select(bits | 0x80000000u, ~bits, (bits >> 31u) == 1u);
}`;

export function buildArgsort(x: ViewInfo, axis: number, descending: boolean, limits: KernelLimits): ArgsortPlans {
  const len = x.shape[axis] as number;
  const padded = nextPow2(Math.max(len, 1));
  const lanesShape = x.shape.map((d, i) => (i === axis ? 1 : d));
  const lanes = sizeOfShape(lanesShape);
  const word = storageWord(x.dtype);

  const ui = new Uniforms();
  const total = ui.add('total', lanes * padded);
  const pad = ui.add('padded', padded);
  const length = ui.add('len', len);
  const stride = ui.add('stride', x.strides[axis] as number);
  const access = viewAccess(lanesShape, [{ ...x, shape: lanesShape }], 'lane', ui);
  const initLaunch = launch(lanes * padded, limits, ui);
  const init: KernelPlan = {
    name: 'argsort:init',
    code: `${ui.declaration()}
@group(0) @binding(1) var<storage, read> x: array<${word}>;
@group(0) @binding(2) var<storage, read_write> pairs: array<vec2<u32>>;
${SORTABLE_FLOAT}
${initLaunch.main}
  if (t >= ${total}) { return; }
  let lane = t / ${pad};
  let j = t % ${pad};
  if (j >= ${length}) { pairs[t] = vec2<u32>(0xffffffffu, 0xffffffffu); return; }
  ${access.code}
  let v = x[o0 + j * ${stride}];
  pairs[t] = vec2<u32>(${keyCode(x, descending)}, j);
}
`,
    workgroups: initLaunch.workgroups,
    uniforms: ui.words(),
    bindings: 'inputs-then-output',
  };

  const passes: KernelPlan[] = [];
  const halfTotal = (lanes * padded) / 2;
  for (let k = 2; k <= padded; k *= 2) {
    for (let j = k / 2; j >= 1; j /= 2) {
      const up = new Uniforms();
      const count = up.add('count', halfTotal);
      const half = up.add('half', padded / 2);
      const pad2 = up.add('padded', padded);
      const kk = up.add('k', k);
      const jj = up.add('j', j);
      const l = launch(halfTotal, limits, up);
      passes.push({
        name: 'argsort:pass',
        code: `${up.declaration()}
@group(0) @binding(1) var<storage, read_write> pairs: array<vec2<u32>>;
fn greater(a: vec2<u32>, b: vec2<u32>) -> bool { return a.x > b.x || (a.x == b.x && a.y > b.y); }
${l.main}
  if (t >= ${count}) { return; }
  let lane = t / ${half};
  let q = t % ${half};
  let i = 2u * ${jj} * (q / ${jj}) + q % ${jj};
  let a = lane * ${pad2} + i;
  let b = a + ${jj};
  let pa = pairs[a];
  let pb = pairs[b];
  let ascending = (i & ${kk}) == 0u;
  if (greater(pa, pb) == ascending) {
    pairs[a] = pb;
    pairs[b] = pa;
  }
}
`,
        workgroups: l.workgroups,
        uniforms: up.words(),
        bindings: 'inputs-then-output',
      });
    }
  }

  let inner = 1;
  for (let d = axis + 1; d < x.shape.length; d++) inner *= x.shape[d] as number;
  const uf = new Uniforms();
  const n = uf.add('n', lanes * len);
  const lenF = uf.add('len', len);
  const innerF = uf.add('inner', inner);
  const padF = uf.add('padded', padded);
  const fl = launch(lanes * len, limits, uf);
  const finish: KernelPlan = {
    name: 'argsort:finish',
    code: `${uf.declaration()}
@group(0) @binding(1) var<storage, read> pairs: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;
${fl.main}
  if (t >= ${n}) { return; }
  // t walks the output row-major: (outer, j, inner); the lane is (outer, inner).
  let innerIdx = t % ${innerF};
  let j = (t / ${innerF}) % ${lenF};
  let outer = t / (${innerF} * ${lenF});
  let lane = outer * ${innerF} + innerIdx;
  out[t] = i32(pairs[lane * ${padF} + j].y);
}
`,
    workgroups: fl.workgroups,
    uniforms: uf.words(),
    bindings: 'inputs-then-output',
  };
  return { scratchElements: lanes * padded * 2, init, passes, finish };
}
