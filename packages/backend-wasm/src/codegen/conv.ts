/**
 * Emits conv2d as im2col + the SIMD gemm, one call per work item: an
 * (image, group, chunk of output rows) triple. Chunking the output rows keeps
 * the column matrix of one item (K x chunkRows*outW floats) in L2 while the
 * gemm packs it, and gives threads independent items even for batch 1. The
 * weights are packed once per call (gemm's packAll) and read by every item.
 *
 * The parameters live in a struct of i32 words in memory (`convField`), since
 * there are more of them than fit comfortably in a signature.
 */
import type { FunctionBuilder, Local } from '../wasm/function';
import type { ModuleBuilder } from '../wasm/module';
import { op, valType } from '../wasm/opcodes';
import type { GemmFunctions } from './gemm';

/** Word index of each field of the conv parameter struct. `lo`/`hi` are kW-long tables. */
export const convField = {
  x: 0,
  weights: 1, // packed per group, each `packedBytes` long
  out: 2,
  bias: 3, // 0 when there is none
  groups: 4,
  cinG: 5,
  coutG: 6,
  h: 7,
  w: 8,
  kH: 9,
  kW: 10,
  sH: 11,
  sW: 12,
  pH: 13,
  pW: 14,
  dH: 15,
  dW: 16,
  outH: 17,
  outW: 18,
  pointwise: 19, // 1x1, stride 1, no padding: x already is the column matrix
  chunkRows: 20,
  chunks: 21,
  packedBytes: 22,
  /** First of kW words: the first output column whose input column is inside the image, per kernel column. */
  lo: 23,
} as const;

export const convStructWords = (kW: number): number => convField.lo + 2 * kW;

export interface ConvFunctions {
  /** conv(params, first, end, cols, scratch): work items [first, end). */
  readonly conv: number;
}

const { i32 } = valType;

/** Stores zeros to `count` floats at `dst` (advances dst). */
function zero(f: FunctionBuilder, dst: Local, count: Local): void {
  f.block((exit) => {
    f.loop((again) => {
      f.get(count).i32(4).emit(op.i32LtS).brIf(exit);
      f.get(dst).v128Zero().v128Store();
      f.inc(dst, 16).assign(count, count, op.i32Sub, 4).br(again);
    });
  });
  f.block((exit) => {
    f.loop((again) => {
      f.get(count).i32(0).emit(op.i32LeS).brIf(exit);
      f.get(dst).f32(0).f32Store();
      f.inc(dst, 4).assign(count, count, op.i32Sub, 1).br(again);
    });
  });
}

/** Copies `count` floats from src (element step `step` bytes) to dst (advances both). */
function copy(f: FunctionBuilder, dst: Local, src: Local, count: Local, step: Local): void {
  f.get(step)
    .i32(4)
    .emit(op.i32Eq)
    .if(() => {
      f.block((exit) => {
        f.loop((again) => {
          f.get(count).i32(4).emit(op.i32LtS).brIf(exit);
          f.get(dst).get(src).v128Load().v128Store();
          f.inc(dst, 16).inc(src, 16).assign(count, count, op.i32Sub, 4).br(again);
        });
      });
    });
  f.block((exit) => {
    f.loop((again) => {
      f.get(count).i32(0).emit(op.i32LeS).brIf(exit);
      f.get(dst).get(src).f32Load().f32Store();
      f.inc(dst, 4).inc(src, step).assign(count, count, op.i32Sub, 1).br(again);
    });
  });
}

/** im2col(x, params, cols, oh0, oh1): rows (c, ki, kj) of output rows [oh0, oh1) of one image's group. */
function emitIm2col(m: ModuleBuilder): number {
  return m.func(undefined, [i32, i32, i32, i32, i32], [], (f) => {
    const [x, g, cols, oh0, oh1] = f.params;
    const field = (name: keyof typeof convField) => f.get(g).i32Load(4 * convField[name]);
    const [cinG, h, w, kH, kW, sH, sWBytes, pH, pW, dH, dW, outW] = f.locals(12);
    const [c, ki, kj, oh, ih, lo, hi, n, dst, src, plane] = f.locals(11);
    const load = (dstLocal: Local, name: keyof typeof convField) => field(name).set(dstLocal);
    load(cinG, 'cinG');
    load(h, 'h');
    load(w, 'w');
    load(kH, 'kH');
    load(kW, 'kW');
    field('sW').i32(2).emit(op.i32Shl).set(sWBytes);
    load(sH, 'sH');
    load(pH, 'pH');
    load(pW, 'pW');
    load(dH, 'dH');
    load(dW, 'dW');
    load(outW, 'outW');
    f.get(cols).set(dst);
    f.for(c, 0, cinG, 1, () => {
      f.get(c).get(h).emit(op.i32Mul).get(w).emit(op.i32Mul).i32(2).emit(op.i32Shl).get(x).emit(op.i32Add).set(plane);
      f.for(ki, 0, kH, 1, () => {
        f.for(kj, 0, kW, 1, () => {
          f.get(kj)
            .i32(2)
            .emit(op.i32Shl)
            .get(g)
            .emit(op.i32Add)
            .i32Load(4 * convField.lo)
            .set(lo);
          f.get(kj)
            .get(kW)
            .emit(op.i32Add)
            .i32(2)
            .emit(op.i32Shl)
            .get(g)
            .emit(op.i32Add)
            .i32Load(4 * convField.lo)
            .set(hi);
          f.for(oh, oh0, oh1, 1, () => {
            // ih = oh * sH - pH + ki * dH; rows outside the image (ih < 0 too, compared unsigned) are zeros.
            f.get(oh).get(sH).emit(op.i32Mul).get(pH).emit(op.i32Sub).get(ki).get(dH).emit(op.i32Mul, op.i32Add).set(ih);
            f.get(ih).get(h).emit(op.i32LtU).get(lo).get(hi).emit(op.i32LtS).emit(op.i32And);
            f.if(
              () => {
                f.get(lo).set(n);
                zero(f, dst, n);
                // src = plane + (ih * w + lo * sW - pW + kj * dW) * 4
                f.get(ih).get(w).emit(op.i32Mul).get(pW).emit(op.i32Sub).get(kj).get(dW).emit(op.i32Mul, op.i32Add);
                f.i32(2).emit(op.i32Shl).get(lo).get(sWBytes).emit(op.i32Mul, op.i32Add).get(plane).emit(op.i32Add).set(src);
                f.get(hi).get(lo).emit(op.i32Sub).set(n);
                copy(f, dst, src, n, sWBytes);
                f.get(outW).get(hi).emit(op.i32Sub).set(n);
                zero(f, dst, n);
              },
              () => {
                f.get(outW).set(n);
                zero(f, dst, n);
              },
            );
          });
        });
      });
    });
  });
}

/** addBias(c, rows, cols, ldcBytes, bias): row r of C += bias[r]. */
function emitAddBias(m: ModuleBuilder): number {
  return m.func(undefined, [i32, i32, i32, i32, i32], [], (f) => {
    const [c, rows, cols, ldc, bias] = f.params;
    const [r, j, p] = f.locals(3);
    const v = f.local(valType.v128);
    f.for(r, 0, rows, 1, () => {
      f.get(bias).v128Load32Splat().set(v);
      f.get(c).set(p);
      f.i32(0).set(j);
      f.block((exit) => {
        f.loop((again) => {
          f.get(j).i32(4).emit(op.i32Add).get(cols).emit(op.i32GtS).brIf(exit);
          f.get(p).get(p).v128Load().get(v).simd(0xe4).v128Store();
          f.inc(p, 16).inc(j, 4).br(again);
        });
      });
      f.block((exit) => {
        f.loop((again) => {
          f.get(j).get(cols).emit(op.i32GeS).brIf(exit);
          f.get(p).get(p).f32Load().get(bias).f32Load().emit(op.f32Add).f32Store();
          f.inc(p, 4).inc(j, 1).br(again);
        });
      });
      f.inc(c, ldc).inc(bias, 4);
    });
  });
}

export function emitConv(m: ModuleBuilder, gemm: GemmFunctions): ConvFunctions {
  const im2col = emitIm2col(m);
  const addBias = emitAddBias(m);
  const conv = m.func('conv', [i32, i32, i32, i32, i32], [], (f) => {
    const [g, first, end, cols, scratch] = f.params;
    const field = (name: keyof typeof convField) => f.get(g).i32Load(4 * convField[name]);
    const [t, ig, chunk, grp, img, oh0, oh1, nL, L, K, xg, b, ldb, cOut, groups, chunks, coutG, cinG, plane] = f.locals(19);
    const [outH, outW, chunkRows] = f.locals(3);
    field('groups').set(groups);
    field('chunks').set(chunks);
    field('coutG').set(coutG);
    field('cinG').set(cinG);
    field('outH').set(outH);
    field('outW').set(outW);
    field('chunkRows').set(chunkRows);
    f.assign(L, outH, op.i32Mul, outW);
    field('h');
    field('w');
    f.emit(op.i32Mul).set(plane);
    field('kH');
    field('kW');
    f.emit(op.i32Mul).get(cinG).emit(op.i32Mul).set(K);
    f.for(t, first, end, 1, () => {
      // t = (img * groups + grp) * chunks + chunk
      f.assign(ig, t, op.i32DivU, chunks);
      f.get(t).get(ig).get(chunks).emit(op.i32Mul, op.i32Sub).set(chunk);
      f.assign(img, ig, op.i32DivU, groups);
      f.get(ig).get(img).get(groups).emit(op.i32Mul, op.i32Sub).set(grp);
      f.assign(oh0, chunk, op.i32Mul, chunkRows);
      f.assign(oh1, oh0, op.i32Add, chunkRows).min(oh1, oh1, outH);
      f.get(oh1).get(oh0).emit(op.i32Sub).get(outW).emit(op.i32Mul).set(nL);
      // xg = x + ig * cinG * plane floats
      f.get(ig).get(cinG).emit(op.i32Mul).get(plane).emit(op.i32Mul).i32(2).emit(op.i32Shl);
      field('x');
      f.emit(op.i32Add).set(xg);
      field('pointwise');
      f.if(
        () => {
          f.get(oh0).get(outW).emit(op.i32Mul).i32(2).emit(op.i32Shl).get(xg).emit(op.i32Add).set(b);
          f.get(L).set(ldb);
        },
        () => {
          f.get(xg).get(g).get(cols).get(oh0).get(oh1).call(im2col);
          f.get(cols).set(b);
          f.get(nL).set(ldb);
        },
      );
      // cOut = out + (ig * coutG * L + oh0 * outW) floats
      f.get(ig).get(coutG).emit(op.i32Mul).get(L).emit(op.i32Mul).get(oh0).get(outW).emit(op.i32Mul, op.i32Add);
      f.i32(2).emit(op.i32Shl);
      field('out');
      f.emit(op.i32Add).set(cOut);
      // gemm(weights + grp * packedBytes, -, -, b, ldb, 1, cOut, L, coutG, K, nL, scratch, aPacked = 1)
      f.get(grp);
      field('packedBytes');
      f.emit(op.i32Mul);
      field('weights');
      f.emit(op.i32Add).i32(0).i32(0);
      f.get(b).get(ldb).i32(1).get(cOut).get(L).get(coutG).get(K).get(nL).get(scratch).i32(1).call(gemm.gemm);
      field('bias');
      f.if(() => {
        f.get(cOut).get(coutG).get(nL).get(L).i32(2).emit(op.i32Shl);
        f.get(grp).get(coutG).emit(op.i32Mul).i32(2).emit(op.i32Shl);
        field('bias');
        f.emit(op.i32Add).call(addBias);
      });
    });
  });
  return { conv };
}
