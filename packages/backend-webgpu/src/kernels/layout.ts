/**
 * concat and pad: pure data movement, copying storage words (float16 goes
 * through the runtime's float32 bridge, which is exact for copies).
 */
import type { OutputSpec, PadMode } from '@strata/core';
import { storageWord, viewAccess } from '../wgsl/access';
import { constantWord, flatWorkgroupSize } from './elementwise';
import type { KernelPlan, ViewInfo } from './plan';
import { grid, type KernelLimits, linearWorkgroup, sizeOfShape, Uniforms } from './reduce-common';

function launch(total: number, limits: KernelLimits, u: Uniforms) {
  const wg = flatWorkgroupSize(limits);
  const workgroups = grid(Math.ceil(total / wg), limits.maxWorkgroupsPerDim);
  const wid = linearWorkgroup(u, workgroups);
  return {
    workgroups,
    main: `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (${wid}) * ${wg}u + lid;`,
  };
}

/**
 * Copies one concat input into its slab of the output: the input's element e
 * (row-major) lands at (e / block) * outBlock + start * inner + e % block, where
 * block = len * inner and outBlock = total * inner. Bindings: 1 = x, 2 = out.
 */
export function buildConcatPart(x: ViewInfo, axis: number, start: number, out: OutputSpec, limits: KernelLimits): KernelPlan {
  const n = sizeOfShape(x.shape);
  let inner = 1;
  for (let d = axis + 1; d < out.shape.length; d++) inner *= out.shape[d] as number;
  const u = new Uniforms();
  const count = u.add('n', n);
  const block = u.add('block', (x.shape[axis] as number) * inner);
  const outBlock = u.add('outBlock', (out.shape[axis] as number) * inner);
  const startInner = u.add('startInner', start * inner);
  const access = viewAccess(x.shape, [x], 'i', u);
  const { workgroups, main } = launch(n, limits, u);
  const word = storageWord(x.dtype);
  const code = `${u.declaration()}
@group(0) @binding(1) var<storage, read> x: array<${word}>;
@group(0) @binding(2) var<storage, read_write> out: array<${word}>;
${main}
  if (i >= ${count}) { return; }
  ${access.code}
  out[(i / ${block}) * ${outBlock} + ${startInner} + i % ${block}] = x[o0];
}
`;
  return { name: 'concat', code, workgroups, uniforms: u.words(), bindings: 'inputs-then-output' };
}

/** Where an out-of-range coordinate `c` (i32) reads from, per mode. */
function wrapCode(mode: PadMode, size: string): string {
  if (mode === 'replicate') return `c = clamp(c, 0, i32(${size}) - 1);`;
  if (mode === 'reflect') return `c = select(2 * (i32(${size}) - 1) - c, -c, c < 0);`;
  return 'inside = false;';
}

/** Pads `x` by `pads[d] = [before, after]`; `value` fills in constant mode. Bindings: 1 = x, 2 = out. */
export function buildPad(
  x: ViewInfo,
  pads: readonly (readonly [number, number])[],
  mode: PadMode,
  value: number,
  out: OutputSpec,
  limits: KernelLimits,
): KernelPlan {
  const n = sizeOfShape(out.shape);
  const u = new Uniforms();
  const count = u.add('n', n);
  const fill = u.add('fill', constantWord(value, x.dtype).word);
  const off = u.add('off', x.offset);
  const nd = out.shape.length;
  const lines: string[] = ['var r = i;', `var at = ${off};`, 'var inside = true;', 'var c = 0i;'];
  for (let d = nd - 1; d >= 0; d--) {
    const osize = u.add(`osize${d}`, out.shape[d] as number);
    const isize = u.add(`isize${d}`, x.shape[d] as number);
    const before = u.add(`before${d}`, pads[d]?.[0] ?? 0);
    const stride = u.add(`stride${d}`, x.strides[d] as number);
    lines.push(
      d === 0 ? 'c = i32(r);' : `c = i32(r % ${osize});`,
      d === 0 ? '' : `r = r / ${osize};`,
      `c = c - i32(${before});`,
      `if (c < 0 || c >= i32(${isize})) { ${wrapCode(mode, isize)} }`,
      `at = at + u32(max(c, 0)) * ${stride};`,
    );
  }
  const { workgroups, main } = launch(n, limits, u);
  const word = storageWord(x.dtype);
  const code = `${u.declaration()}
@group(0) @binding(1) var<storage, read> x: array<${word}>;
@group(0) @binding(2) var<storage, read_write> out: array<${word}>;
${main}
  if (i >= ${count}) { return; }
  ${lines.filter((l) => l !== '').join('\n  ')}
  if (inside) { out[i] = x[at]; } else { out[i] = bitcast<${word}>(${fill}); }
}
`;
  return { name: `pad:${mode}`, code, workgroups, uniforms: u.words(), bindings: 'inputs-then-output' };
}
