/**
 * The fused `conv2d` fast path as a WGSL plan: an implicit GEMM that reads the
 * NCHW input and the OIHW weight in place through their strides, with no
 * im2col table, no padded copy and no separate bias pass.
 *
 * Per image n and group g it is the product (C_out / g) x K times K x L of the
 * composite (K = C_in / g * kH * kW, L = outH * outW), computed like the direct
 * matmul (matmul-direct.ts): each invocation owns a block of RM output
 * channels by RN output positions and walks K as a loop nest over input
 * channel, kernel row and kernel column, so the input row and column of each
 * position come from additions, not divisions. Positions in the zero padding
 * read a 0; the bias is added when the block is stored.
 */
import type { FusedParams } from '@strata/core';
import { blockAccumulators, blockProducts, chooseDirectBlock, type DirectBlock } from './matmul-direct';
import type { KernelPlan, OutputSpec, ViewInfo } from './plan';
import { grid, type KernelLimits, linearWorkgroup, sizeOfShape, Uniforms } from './reduce-common';

/**
 * Plan for conv2d of `x` (N, C_in, H, W) with `w` (C_out, C_in / groups, kH, kW) and
 * optionally `bias` (C_out), all float32. Bindings: x, w, [bias], out.
 */
export function buildConv2d(
  x: ViewInfo,
  w: ViewInfo,
  bias: ViewInfo | undefined,
  params: FusedParams['conv2d'],
  out: OutputSpec,
  limits: KernelLimits,
  block?: DirectBlock,
): KernelPlan {
  for (const v of [x, w, ...(bias ? [bias] : [])]) {
    if (v.dtype !== 'float32') throw new Error(`conv2d: expects float32 operands, got ${v.dtype}`);
  }
  if (x.shape.length !== 4 || w.shape.length !== 4 || out.shape.length !== 4 || out.dtype !== 'float32') {
    throw new Error('conv2d: expects a 4-d input, weight and float32 output');
  }
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  const [cout, cinG, kH, kW] = w.shape as [number, number, number, number];
  const [, , outH, outW] = out.shape as [number, number, number, number];
  const groups = params.groups;
  if (cinG * groups !== cin || cout % groups !== 0 || out.shape[0] !== n || out.shape[1] !== cout) {
    throw new Error(`conv2d: weight [${w.shape.join(', ')}] and ${groups} groups do not fit input [${x.shape.join(', ')}]`);
  }
  const coutG = cout / groups;
  const L = outH * outW;
  const K = cinG * kH * kW;
  const { rm, rn } = block ?? chooseDirectBlock(coutG, L, K, limits.software === true);
  const wg = Math.min(64, limits.maxWorkgroupSize);
  const tilesM = Math.ceil(coutG / rm);
  const tilesN = Math.ceil(L / rn);
  const total = n * groups * tilesM * tilesN;
  const workgroups = grid(Math.ceil(total / wg), limits.maxWorkgroupsPerDim);

  const u = new Uniforms();
  const wgIndex = linearWorkgroup(u, workgroups);
  const [sH, sW] = params.stride;
  const [pH, pW] = params.padding;
  const [dH, dW] = params.dilation;
  const [xsN, xsC, xsH, xsW] = x.strides as [number, number, number, number];
  const [ws0, ws1, ws2, ws3] = w.strides as [number, number, number, number];
  const p = {
    total: u.add('total', total),
    M: u.add('M', coutG),
    L: u.add('L', L),
    tilesM: u.add('tilesM', tilesM),
    tilesN: u.add('tilesN', tilesN),
    groups: u.add('groups', groups),
    cinG: u.add('cinG', cinG),
    kH: u.add('kH', kH),
    kW: u.add('kW', kW),
    outW: u.add('outW', outW),
    H: u.add('H', h),
    W: u.add('W', wd),
    sH: u.add('sH', sH),
    sW: u.add('sW', sW),
    pH: u.add('pH', pH),
    pW: u.add('pW', pW),
    dH: u.add('dH', dH),
    dW: u.add('dW', dW),
    xOff: u.add('xOff', x.offset),
    xsN: u.add('xsN', xsN),
    xsC: u.add('xsC', xsC),
    xsH: u.add('xsH', xsH),
    xsW: u.add('xsW', xsW),
    wOff: u.add('wOff', w.offset),
    ws0: u.add('ws0', ws0),
    ws1: u.add('ws1', ws1),
    ws2: u.add('ws2', ws2),
    ws3: u.add('ws3', ws3),
    bOff: u.add('bOff', bias?.offset ?? 0),
    bs: u.add('bs', bias ? (bias.strides[0] as number) : 0),
  };

  const I = Array.from({ length: rm }, (_, i) => i);
  const J = Array.from({ length: rn }, (_, j) => j);
  const rows = I.map((i) => `let wr${i} = wBase + min(m0 + ${i}u, ${p.M} - 1u) * ${p.ws0};`).join('\n  ');
  // Output position of column j (clamped to the last one past the edge): its top-left input corner.
  const cols = J.map(
    (j) => `let l${j} = min(n0 + ${j}u, ${p.L} - 1u);
  let ih${j} = i32((l${j} / ${p.outW}) * ${p.sH}) - i32(${p.pH});
  let iw${j} = i32((l${j} % ${p.outW}) * ${p.sW}) - i32(${p.pW});`,
  ).join('\n  ');
  const rowChecks = J.map(
    (j) => `let iy${j} = ih${j} + dh;
      let r${j} = iy${j} >= 0 && iy${j} < H;
      let xr${j} = xc + u32(iy${j}) * ${p.xsH};`,
  ).join('\n      ');
  const loads = [
    ...I.map((i) => `let a${i} = w[wr${i} + wk];`),
    ...J.map(
      (j) => `let ix${j} = iw${j} + dw;
        let ok${j} = r${j} && ix${j} >= 0 && ix${j} < W;
        let b${j} = select(0.0, x[select(0u, xr${j} + u32(ix${j}) * ${p.xsW}, ok${j})], ok${j});`,
    ),
  ].join('\n        ');
  const biasLoads = bias ? I.map((i) => `let bv${i} = bias[${p.bOff} + min(co0 + ${i}u, co1) * ${p.bs}];`).join('\n  ') : '';
  const stores = I.map((i) => {
    const add = bias ? ` + bv${i}` : '';
    const cells = J.map((j) => `if (n0 + ${j}u < ${p.L}) { y[o + ${j}u] = c${i}_${j}${add}; }`).join(' ');
    return `if (m0 + ${i}u < ${p.M}) {\n    let o = (bi * ${p.M} + m0 + ${i}u) * ${p.L} + n0;\n    ${cells}\n  }`;
  }).join('\n  ');

  const code = `${u.declaration()}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
${bias ? '@group(0) @binding(3) var<storage, read> bias: array<f32>;' : ''}
@group(0) @binding(${bias ? 4 : 3}) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = (${wgIndex}) * ${wg}u + lid;
  if (t >= ${p.total}) { return; }
  let n0 = (t % ${p.tilesN}) * ${rn}u;
  let rest = t / ${p.tilesN};
  let m0 = (rest % ${p.tilesM}) * ${rm}u;
  let bi = rest / ${p.tilesM};
  let img = bi / ${p.groups};
  let g = bi % ${p.groups};
  let H = i32(${p.H});
  let W = i32(${p.W});
  let xBase = ${p.xOff} + img * ${p.xsN} + g * ${p.cinG} * ${p.xsC};
  let wBase = ${p.wOff} + g * ${p.M} * ${p.ws0};
  ${rows}
  ${cols}
  ${blockAccumulators(rm, rn, 'f32')}
  for (var ci = 0u; ci < ${p.cinG}; ci++) {
    let xc = xBase + ci * ${p.xsC};
    let wc = ci * ${p.ws1};
    for (var kh = 0u; kh < ${p.kH}; kh++) {
      let dh = i32(kh * ${p.dH});
      ${rowChecks}
      for (var kw = 0u; kw < ${p.kW}; kw++) {
        let dw = i32(kw * ${p.dW});
        let wk = wc + kh * ${p.ws2} + kw * ${p.ws3};
        ${loads}
        ${blockProducts(rm, rn).replaceAll('\n    ', '\n        ')}
      }
    }
  }
  ${bias ? `let co0 = g * ${p.M} + m0;\n  let co1 = g * ${p.M} + ${p.M} - 1u;\n  ${biasLoads}` : ''}
  ${stores}
}
`;
  const outSize = sizeOfShape(out.shape);
  return {
    name: `conv2d_${rm}x${rn}${bias ? '_bias' : ''}`,
    code,
    workgroups: outSize === 0 ? [0, 1, 1] : workgroups,
    uniforms: u.words(),
    bindings: 'inputs-then-output',
  };
}
