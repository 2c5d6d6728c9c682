/**
 * Packing for the CPU gemm (see matmul.ts): a block of a strided matrix is
 * copied into panels PANEL wide, depth-major inside a panel, so the
 * micro-kernel reads both operands sequentially. A's row panels and B's
 * column panels are the same operation with the roles of the two strides
 * swapped, because the micro-tile is square.
 */
import type { StorageArray } from '../dtype';

/** Rows of A (and columns of B) per panel: the micro-tile is PANEL x PANEL. */
export const PANEL = 4;

/**
 * Packs panel-axis indices [p0, p0 + pn) and depth indices [k0, k0 + kc) of
 * `src` (element (p, k) at off + p * ps + k * ks) into PANEL-wide panels:
 * panel q, step k holds indices p0 + q*PANEL .. +PANEL-1 at
 * dst[q*PANEL*kc + k*PANEL ..]. Indices past the end are zeros, so the
 * micro-kernel only ever sees full tiles.
 *
 * A (M x K) packs with (ps, ks) = (row stride, column stride); B (K x N) with
 * (ps, ks) = (column stride, row stride).
 */
export function packPanels(
  dst: number[],
  src: StorageArray,
  off: number,
  ps: number,
  ks: number,
  p0: number,
  pn: number,
  k0: number,
  kc: number,
): void {
  let d = 0;
  for (let p = p0; p < p0 + pn; p += PANEL) {
    const width = Math.min(PANEL, p0 + pn - p);
    let o = off + p * ps + k0 * ks;
    if (width === PANEL) {
      for (let k = 0; k < kc; k++, o += ks, d += PANEL) {
        dst[d] = src[o] as number;
        dst[d + 1] = src[o + ps] as number;
        dst[d + 2] = src[o + 2 * ps] as number;
        dst[d + 3] = src[o + 3 * ps] as number;
      }
    } else {
      for (let k = 0; k < kc; k++, o += ks) {
        for (let r = 0; r < PANEL; r++) dst[d++] = r < width ? (src[o + r * ps] as number) : 0;
      }
    }
  }
}
