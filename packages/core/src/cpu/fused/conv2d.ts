import type { FusedKernel } from '../../backend/fused';
import type { View } from '../../backend/primitives';
import type { StorageArray } from '../../dtype';
import { DTypeError } from '../../errors';
import { isContiguous, sizeOf } from '../../shape';
import { gemm } from '../matmul';

interface Geometry {
  readonly h: number;
  readonly w: number;
  readonly outH: number;
  readonly outW: number;
  readonly kH: number;
  readonly kW: number;
  readonly sH: number;
  readonly sW: number;
  readonly pH: number;
  readonly pW: number;
  readonly dH: number;
  readonly dW: number;
}

/** First and one-past-last output column whose input column `ow * sW - pW + off` lies in [0, w). */
function validColumns(g: Geometry, off: number): [number, number] {
  const lo = Math.max(0, Math.ceil((g.pW - off) / g.sW));
  const hi = Math.min(g.outW, Math.floor((g.w - 1 + g.pW - off) / g.sW) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * im2col of `channels` channels of one image into `cols` ((channels * kH * kW) x L,
 * row-major), reading x through its strides; padding becomes zeros.
 */
function im2col(
  data: Float32Array,
  base: number,
  cStride: number,
  hStride: number,
  wStride: number,
  channels: number,
  g: Geometry,
  cols: Float32Array,
): void {
  const L = g.outH * g.outW;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const cBase = base + c * cStride;
    for (let ki = 0; ki < g.kH; ki++) {
      for (let kj = 0; kj < g.kW; kj++, row++) {
        const off = kj * g.dW;
        const [lo, hi] = validColumns(g, off);
        let o = row * L;
        for (let oh = 0; oh < g.outH; oh++, o += g.outW) {
          const ih = oh * g.sH - g.pH + ki * g.dH;
          if (ih < 0 || ih >= g.h || lo >= hi) {
            cols.fill(0, o, o + g.outW);
            continue;
          }
          if (lo > 0) cols.fill(0, o, o + lo);
          let src = cBase + ih * hStride + (lo * g.sW - g.pW + off) * wStride;
          const step = g.sW * wStride;
          for (let ow = lo; ow < hi; ow++, src += step) cols[o + ow] = data[src] as number;
          if (hi < g.outW) cols.fill(0, o + hi, o + g.outW);
        }
      }
    }
  }
}

/**
 * One input channel into `outs` output planes (a depthwise group): each output
 * is a float64 sum over the kernel, accumulated plane-wise in `acc`.
 */
function depthwise(
  data: Float32Array,
  cBase: number,
  hStride: number,
  wStride: number,
  weights: Float32Array,
  wOff: number,
  outs: number,
  g: Geometry,
  result: Float32Array,
  rOff: number,
  acc: Float64Array,
): void {
  const L = g.outH * g.outW;
  for (let m = 0; m < outs; m++) {
    acc.fill(0, 0, L);
    for (let ki = 0; ki < g.kH; ki++) {
      for (let kj = 0; kj < g.kW; kj++) {
        const wv = weights[wOff + (m * g.kH + ki) * g.kW + kj] as number;
        const off = kj * g.dW;
        const [lo, hi] = validColumns(g, off);
        const step = g.sW * wStride;
        for (let oh = 0; oh < g.outH; oh++) {
          const ih = oh * g.sH - g.pH + ki * g.dH;
          if (ih < 0 || ih >= g.h) continue;
          let src = cBase + ih * hStride + (lo * g.sW - g.pW + off) * wStride;
          const o = oh * g.outW;
          for (let ow = lo; ow < hi; ow++, src += step) acc[o + ow] = (acc[o + ow] as number) + wv * (data[src] as number);
        }
      }
    }
    const r = rOff + m * L;
    for (let l = 0; l < L; l++) result[r + l] = acc[l] as number;
  }
}

/** The weight (C_out, C_in / groups, kH, kW) as a contiguous Float32Array (a subarray when it already is one). */
function packedWeight(w: View<StorageArray>): Float32Array {
  const data = w.storage as Float32Array;
  const n = sizeOf(w.shape);
  if (isContiguous(w.shape, w.strides)) return data.subarray(w.offset, w.offset + n);
  const out = new Float32Array(n);
  const [a, b, c, d] = w.shape as [number, number, number, number];
  const [sa, sb, sc, sd] = w.strides as [number, number, number, number];
  let p = 0;
  for (let i = 0; i < a; i++)
    for (let j = 0; j < b; j++)
      for (let k = 0; k < c; k++)
        for (let l = 0; l < d; l++) out[p++] = data[w.offset + i * sa + j * sb + k * sc + l * sd] as number;
  return out;
}

/**
 * conv2d on the CPU: per image and group, im2col straight from x's strides
 * into one reused Float32Array, then the blocked gemm of cpu/matmul.ts:
 * (C_out / g) x K times K x L, written in place into the output. A 1x1, stride
 * 1, unpadded convolution of a contiguous input skips im2col (x already is the
 * column matrix); one input channel per group (depthwise) runs a direct loop.
 */
export const conv2dKernel: FusedKernel<StorageArray, 'conv2d'> = (inputs, params, out) => {
  const [x, w, b] = inputs as [View<StorageArray>, View<StorageArray>, View<StorageArray> | undefined];
  if (x.dtype !== 'float32' || w.dtype !== 'float32' || (b && b.dtype !== 'float32') || out.dtype !== 'float32') {
    throw new DTypeError(`conv2d (cpu fused): expects float32, got input ${x.dtype}, weight ${w.dtype} -> ${out.dtype}`);
  }
  const [n, , h, wd] = x.shape as [number, number, number, number];
  const [cout, cinG, kH, kW] = w.shape as [number, number, number, number];
  const [, , outH, outW] = out.shape as [number, number, number, number];
  const groups = params.groups;
  const coutG = cout / groups;
  const K = cinG * kH * kW;
  const L = outH * outW;
  const result = new Float32Array(n * cout * L);
  if (result.length === 0) return result;
  const g: Geometry = {
    h,
    w: wd,
    outH,
    outW,
    kH,
    kW,
    sH: params.stride[0],
    sW: params.stride[1],
    pH: params.padding[0],
    pW: params.padding[1],
    dH: params.dilation[0],
    dW: params.dilation[1],
  };
  const data = x.storage as Float32Array;
  const [xsN, xsC, xsH, xsW] = x.strides as [number, number, number, number];
  const weights = packedWeight(w);
  const pointwise =
    kH === 1 && kW === 1 && g.sH === 1 && g.sW === 1 && g.pH === 0 && g.pW === 0 && isContiguous(x.shape, x.strides);
  const cols = cinG === 1 || pointwise ? undefined : new Float32Array(K * L);
  const acc = cinG === 1 ? new Float64Array(L) : undefined;
  for (let img = 0; img < n; img++) {
    for (let grp = 0; grp < groups; grp++) {
      const base = x.offset + img * xsN + grp * cinG * xsC;
      const rOff = (img * cout + grp * coutG) * L;
      if (acc) {
        depthwise(data, base, xsH, xsW, weights, grp * coutG * K, coutG, g, result, rOff, acc);
        continue;
      }
      const colMatrix = cols ?? data.subarray(base, base + K * L);
      if (cols) im2col(data, base, xsC, xsH, xsW, cinG, g, cols);
      gemm(
        weights.subarray(grp * coutG * K, (grp + 1) * coutG * K),
        colMatrix,
        result.subarray(rOff, rOff + coutG * L),
        coutG,
        K,
        L,
      );
    }
  }
  if (b) {
    const bias = b.storage as Float32Array;
    for (let img = 0; img < n; img++) {
      for (let co = 0; co < cout; co++) {
        const v = bias[b.offset + co * (b.strides[0] as number)] as number;
        const o = (img * cout + co) * L;
        for (let l = 0; l < L; l++) result[o + l] = (result[o + l] as number) + v;
      }
    }
  }
  return result;
};
