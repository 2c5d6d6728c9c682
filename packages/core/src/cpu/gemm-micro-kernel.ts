/**
 * The CPU gemm's micro-kernel (see matmul.ts): a 4 x 4 tile of C in sixteen
 * local float64 accumulators while k runs over one packed A panel and one
 * packed B panel, so each of the eight values loaded per step feeds four
 * multiply-adds and C is touched once per depth block.
 */
import { PANEL } from './gemm-pack';

const MR = PANEL;
const NR = PANEL;

/**
 * C tile (MR x NR at c[co], row stride ldc) = (or +=, when `accumulate`) the
 * product of the A panel at pa[ao] and the B panel at pb[bo], kc deep. The
 * first step is peeled so the accumulators start out as doubles, which keeps
 * them unboxed through the loop.
 */
export function microKernel(
  pa: number[],
  ao: number,
  pb: number[],
  bo: number,
  kc: number,
  c: Float32Array,
  co: number,
  ldc: number,
  accumulate: boolean,
): void {
  const x0 = pa[ao] as number;
  const x1 = pa[ao + 1] as number;
  const x2 = pa[ao + 2] as number;
  const x3 = pa[ao + 3] as number;
  const y0 = pb[bo] as number;
  const y1 = pb[bo + 1] as number;
  const y2 = pb[bo + 2] as number;
  const y3 = pb[bo + 3] as number;
  let c00 = x0 * y0;
  let c01 = x0 * y1;
  let c02 = x0 * y2;
  let c03 = x0 * y3;
  let c10 = x1 * y0;
  let c11 = x1 * y1;
  let c12 = x1 * y2;
  let c13 = x1 * y3;
  let c20 = x2 * y0;
  let c21 = x2 * y1;
  let c22 = x2 * y2;
  let c23 = x2 * y3;
  let c30 = x3 * y0;
  let c31 = x3 * y1;
  let c32 = x3 * y2;
  let c33 = x3 * y3;
  const end = ao + kc * MR;
  for (let ia = ao + MR, ib = bo + NR; ia < end; ia += MR, ib += NR) {
    const a0 = pa[ia] as number;
    const a1 = pa[ia + 1] as number;
    const a2 = pa[ia + 2] as number;
    const a3 = pa[ia + 3] as number;
    const b0 = pb[ib] as number;
    const b1 = pb[ib + 1] as number;
    const b2 = pb[ib + 2] as number;
    const b3 = pb[ib + 3] as number;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  const o0 = co;
  const o1 = o0 + ldc;
  const o2 = o1 + ldc;
  const o3 = o2 + ldc;
  if (accumulate) {
    c[o0] = (c[o0] as number) + c00;
    c[o0 + 1] = (c[o0 + 1] as number) + c01;
    c[o0 + 2] = (c[o0 + 2] as number) + c02;
    c[o0 + 3] = (c[o0 + 3] as number) + c03;
    c[o1] = (c[o1] as number) + c10;
    c[o1 + 1] = (c[o1 + 1] as number) + c11;
    c[o1 + 2] = (c[o1 + 2] as number) + c12;
    c[o1 + 3] = (c[o1 + 3] as number) + c13;
    c[o2] = (c[o2] as number) + c20;
    c[o2 + 1] = (c[o2 + 1] as number) + c21;
    c[o2 + 2] = (c[o2 + 2] as number) + c22;
    c[o2 + 3] = (c[o2 + 3] as number) + c23;
    c[o3] = (c[o3] as number) + c30;
    c[o3 + 1] = (c[o3 + 1] as number) + c31;
    c[o3 + 2] = (c[o3 + 2] as number) + c32;
    c[o3 + 3] = (c[o3 + 3] as number) + c33;
  } else {
    c[o0] = c00;
    c[o0 + 1] = c01;
    c[o0 + 2] = c02;
    c[o0 + 3] = c03;
    c[o1] = c10;
    c[o1 + 1] = c11;
    c[o1 + 2] = c12;
    c[o1 + 3] = c13;
    c[o2] = c20;
    c[o2 + 1] = c21;
    c[o2 + 2] = c22;
    c[o2 + 3] = c23;
    c[o3] = c30;
    c[o3 + 1] = c31;
    c[o3 + 2] = c32;
    c[o3 + 3] = c33;
  }
}
