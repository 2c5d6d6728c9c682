/**
 * Emits the SIMD gemm, blocked the GotoBLAS way (the same scheme as core's
 * cpu/matmul.ts, here in WebAssembly):
 *
 * - B is packed KC rows x NC columns at a time into NR-column panels (k-major
 *   inside a panel), A MC rows x KC columns at a time into MR-row panels. The
 *   packers read through arbitrary strides, so transposed and broadcast views
 *   need no copy beyond the pack, and zero-pad ragged edges so the
 *   micro-kernel only ever sees full tiles.
 * - The micro-kernel keeps an MR x NR tile of C in MR * NR/4 v128 locals. Each
 *   k step loads NR/4 vectors of B and splats MR values of A (v128.load32_splat,
 *   a broadcast load on x86), then does MR * NR/4 multiply-adds: f32x4.mul +
 *   f32x4.add, or f32x4.relaxed_madd where the engine has relaxed SIMD. The k
 *   loop may be unrolled (`unroll`), though V8 runs it fastest as is.
 * - A KC x NR panel of B stays in L1 while the MC x KC block of A streams from L2.
 *
 * Results are bit-identical however the rows of C are split between threads:
 * every element is summed in the same order (KC blocks, then k within a block).
 */
import type { Local } from '../wasm/function';
import type { ModuleBuilder } from '../wasm/module';
import { op, simd, valType } from '../wasm/opcodes';

export interface GemmConfig {
  /** Rows of the micro-tile. */
  readonly mr: number;
  /** v128 columns of the micro-tile (NR = 4 * nv floats). */
  readonly nv: number;
  readonly kc: number;
  readonly mc: number;
  readonly nc: number;
  /** k steps per iteration of the micro-kernel's loop (a power of two). */
  readonly unroll: number;
  /** Use f32x4.relaxed_madd (only where validated). */
  readonly fma: boolean;
}

/**
 * 4x8 tiles, k loop not unrolled: measured in Node 20 (V8 11.3) on Zen 5, a
 * 4x8 or 5x8 tile beats 6x8 (12 accumulators + operands spill past the 16 xmm
 * registers) and unrolling the k loop by 2 or 4 halves the speed (V8 then
 * spills the extra live vectors), so the plain loop is the fast one.
 */
export const defaultGemmConfig: GemmConfig = { mr: 4, nv: 2, kc: 256, mc: 128, nc: 2048, unroll: 1, fma: false };

/** Bytes of per-thread scratch the gemm needs: packed A block, packed B block, one edge tile. */
export function gemmScratchBytes(c: GemmConfig): number {
  return 4 * (c.mc * c.kc + c.kc * c.nc + c.mr * 4 * c.nv);
}

export interface GemmFunctions {
  /**
   * gemm(a, ars, acs, b, brs, bcs, c, ldc, M, K, N, scratch, aPacked): C = A B, C overwritten.
   * Pointers in bytes, strides in elements. With `aPacked` nonzero, `a` is A as packAll wrote it.
   */
  readonly gemm: number;
  /** packAll(a, ars, acs, M, K, dst): all of A in the packed layout gemm reads with aPacked. */
  readonly packAll: number;
}

/** Bytes packAll writes for an M x K matrix: per KC block, ceil(M / MR) panels MR x kc. */
export function packedABytes(c: GemmConfig, M: number, K: number): number {
  return 4 * Math.ceil(M / c.mr) * c.mr * K;
}

const { i32, v128 } = valType;

/** C tile = (or +=) A panel x B panel: micro(pa, pb, kc, c, ldcBytes, accumulate). */
export function emitMicro(m: ModuleBuilder, cfg: GemmConfig): number {
  const { mr, nv, unroll } = cfg;
  const nr = 4 * nv;
  return m.func(undefined, [i32, i32, i32, i32, i32, i32], [], (f) => {
    const [pa, pb, kc, c, ldc, accumulate] = f.params;
    const acc = Array.from({ length: mr }, () => Array.from({ length: nv }, () => f.local(v128)));
    const b = Array.from({ length: nv }, () => f.local(v128));
    const a = f.local(v128);
    const n = f.local(i32);
    const step = (oa: number, ob: number) => {
      for (let v = 0; v < nv; v++)
        f.get(pb)
          .v128Load(ob + 16 * v)
          .set(b[v]);
      for (let r = 0; r < mr; r++) {
        f.get(pa)
          .v128Load32Splat(oa + 4 * r)
          .set(a);
        for (let v = 0; v < nv; v++) {
          const cell = acc[r][v];
          if (cfg.fma) f.get(a).get(b[v]).get(cell).simd(simd.f32x4RelaxedMadd).set(cell);
          else f.get(cell).get(a).get(b[v]).simd(simd.f32x4Mul).simd(simd.f32x4Add).set(cell);
        }
      }
    };
    const kLoop = (steps: number) => {
      f.get(n).if(() => {
        f.loop((again) => {
          for (let u = 0; u < steps; u++) step(u * mr * 4, u * nr * 4);
          f.inc(pa, steps * mr * 4).inc(pb, steps * nr * 4);
          f.get(n).i32(1).emit(op.i32Sub).tee(n).brIf(again);
        });
      });
    };
    f.assign(n, kc, op.i32ShrU, Math.log2(unroll));
    kLoop(unroll);
    if (unroll > 1) {
      f.assign(n, kc, op.i32And, unroll - 1);
      kLoop(1);
    }
    const store = (add: boolean) => {
      for (let r = 0; r < mr; r++) {
        for (let v = 0; v < nv; v++) {
          f.get(c);
          if (add)
            f.get(c)
              .v128Load(16 * v)
              .get(acc[r][v])
              .simd(simd.f32x4Add);
          else f.get(acc[r][v]);
          f.v128Store(16 * v);
        }
        if (r < mr - 1) f.inc(c, ldc);
      }
    };
    f.get(accumulate).if(
      () => store(true),
      () => store(false),
    );
  });
}

/**
 * packB(src, rs, cs, kc, nc, dst): rows [0, kc) and columns [0, nc) of B (element
 * (k, j) at src + k*rs + j*cs bytes) into NR-column panels, zero-padding the last.
 */
function emitPackB(m: ModuleBuilder, cfg: GemmConfig): number {
  const nr = 4 * cfg.nv;
  return m.func(undefined, [i32, i32, i32, i32, i32, i32], [], (f) => {
    const [src, rs, cs, kc, nc, dst] = f.params;
    const [jp, cols, s, k, j] = f.locals(5);
    const value = f.local(valType.f32);
    const col = f.locals(nr);
    f.for(jp, 0, nc, nr, () => {
      f.push(nc).push(jp).emit(op.i32Sub).set(cols).min(cols, cols, nr);
      f.push(jp).push(cs).emit(op.i32Mul).push(src).emit(op.i32Add).set(s);
      f.get(cols).i32(nr).emit(op.i32Eq).get(cs).i32(4).emit(op.i32Eq).emit(op.i32And);
      f.if(
        () => {
          f.for(k, 0, kc, 1, () => {
            for (let v = 0; v < cfg.nv; v++)
              f.get(dst)
                .get(s)
                .v128Load(16 * v)
                .v128Store(16 * v);
            f.inc(s, rs).inc(dst, nr * 4);
          });
        },
        () => {
          f.get(cols).i32(nr).emit(op.i32Eq);
          f.if(
            // A full panel of a strided B (a transposed view): one pointer per column, no branches.
            () => {
              f.get(s).set(col[0] as Local);
              for (let q = 1; q < nr; q++)
                f.get(col[q - 1] as Local)
                  .get(cs)
                  .emit(op.i32Add)
                  .set(col[q] as Local);
              f.for(k, 0, kc, 1, () => {
                for (let q = 0; q < nr; q++) {
                  f.get(dst)
                    .get(col[q] as Local)
                    .f32Load()
                    .f32Store(4 * q);
                  f.inc(col[q] as Local, rs);
                }
                f.inc(dst, nr * 4);
              });
            },
            () => packEdge(),
          );
        },
      );
    });
    /** The ragged last panel: zero-pads the columns past `cols`. */
    function packEdge(): void {
      f.for(k, 0, kc, 1, () => {
        f.for(j, 0, nr, 1, () => {
          f.f32(0).set(value);
          f.get(j).get(cols).emit(op.i32LtS);
          f.if(() => f.get(j).get(cs).emit(op.i32Mul).get(s).emit(op.i32Add).f32Load().set(value));
          f.push(j).push(2).emit(op.i32Shl).push(dst).emit(op.i32Add).get(value).f32Store();
        });
        f.inc(s, rs).inc(dst, nr * 4);
      });
    }
  });
}

/**
 * packA(src, rs, cs, kc, mc, dst): rows [0, mc) and columns [0, kc) of A (element
 * (i, k) at src + i*rs + k*cs bytes) into MR-row panels, zero-padding the last.
 */
function emitPackA(m: ModuleBuilder, cfg: GemmConfig): number {
  const { mr } = cfg;
  return m.func(undefined, [i32, i32, i32, i32, i32, i32], [], (f) => {
    const [src, rs, cs, kc, mc, dst] = f.params;
    const [ip, rows, k, r] = f.locals(4);
    const value = f.local(valType.f32);
    const row = f.locals(mr);
    f.for(ip, 0, mc, mr, () => {
      f.push(mc).push(ip).emit(op.i32Sub).set(rows).min(rows, rows, mr);
      f.push(ip).push(rs).emit(op.i32Mul).push(src).emit(op.i32Add).set(row[0]);
      for (let q = 1; q < mr; q++)
        f.push(row[q - 1])
          .push(rs)
          .emit(op.i32Add)
          .set(row[q]);
      f.get(rows).i32(mr).emit(op.i32Eq);
      f.if(
        () => {
          f.for(k, 0, kc, 1, () => {
            for (let q = 0; q < mr; q++) {
              f.get(dst)
                .get(row[q])
                .f32Load()
                .f32Store(4 * q);
              f.inc(row[q], cs);
            }
            f.inc(dst, mr * 4);
          });
        },
        () => {
          const p = row[0];
          f.for(k, 0, kc, 1, () => {
            f.for(r, 0, mr, 1, () => {
              f.f32(0).set(value);
              f.get(r).get(rows).emit(op.i32LtS);
              f.if(() => f.get(r).get(rs).emit(op.i32Mul).get(p).emit(op.i32Add).f32Load().set(value));
              f.push(r).push(2).emit(op.i32Shl).push(dst).emit(op.i32Add).get(value).f32Store();
            });
            f.inc(p, cs).inc(dst, mr * 4);
          });
        },
      );
    });
  });
}

/** edge(e, c, ldc, rows, cols, accumulate): the valid rows x cols of an NR-wide tile at e into C. */
function emitEdge(m: ModuleBuilder, cfg: GemmConfig): number {
  const nr = 4 * cfg.nv;
  return m.func(undefined, [i32, i32, i32, i32, i32, i32], [], (f) => {
    const [e, c, ldc, rows, cols, accumulate] = f.params;
    const [r, j, dst] = [f.local(), f.local(), f.local()];
    const value = f.local(valType.f32);
    f.for(r, 0, rows, 1, () => {
      f.for(j, 0, cols, 1, () => {
        f.push(j).push(2).emit(op.i32Shl).push(c).emit(op.i32Add).set(dst);
        f.push(r).push(nr).emit(op.i32Mul).push(j).emit(op.i32Add).push(2).emit(op.i32Shl).push(e).emit(op.i32Add).f32Load();
        f.set(value);
        f.get(accumulate).if(() => {
          f.get(dst).f32Load().get(value).emit(op.f32Add).set(value);
        });
        f.get(dst).get(value).f32Store();
      });
      f.inc(c, ldc);
    });
  });
}

export function emitGemm(m: ModuleBuilder, cfg: GemmConfig): GemmFunctions {
  const { mr, mc, kc: KC, nc: NC } = cfg;
  const nr = 4 * cfg.nv;
  if (mc % mr !== 0 || NC % nr !== 0) throw new Error(`gemm config: mc must be a multiple of ${mr}, nc of ${nr}`);
  const micro = emitMicro(m, cfg);
  const packA = emitPackA(m, cfg);
  const packB = emitPackB(m, cfg);
  const edge = emitEdge(m, cfg);
  const gemm = m.func('gemm', Array<typeof i32>(13).fill(i32), [], (f) => {
    const [a, ars, acs, b, brs, bcs, c, ldc, M, K, N, scratch, aPacked] = f.params;
    const [pa, pb, tile, i0, j0, k0, mcL, ncL, kcL, jr, ir, cols, rows, cTile, aPanel, bPanel, aBlock, mPad] = f.locals(18);
    const bytes = (x: Local) => f.push(x).push(2).emit(op.i32Shl).set(x);
    f.get(M)
      .i32(0)
      .emit(op.i32LeS)
      .get(N)
      .i32(0)
      .emit(op.i32LeS)
      .emit(op.i32Or)
      .if(() => f.return());
    for (const s of [ars, acs, brs, bcs, ldc]) bytes(s);
    f.get(K)
      .i32(0)
      .emit(op.i32LeS)
      .if(() => {
        f.for(i0, 0, M, 1, () => {
          f.push(i0).push(ldc).emit(op.i32Mul).push(c).emit(op.i32Add).i32(0).push(N).push(2).emit(op.i32Shl).memoryFill();
        });
        f.return();
      });
    f.get(scratch).set(pa);
    f.push(pa)
      .push(4 * mc * KC)
      .emit(op.i32Add)
      .set(pb);
    f.push(pb)
      .push(4 * KC * NC)
      .emit(op.i32Add)
      .set(tile);
    f.get(M)
      .i32(mr - 1)
      .emit(op.i32Add)
      .i32(mr)
      .emit(op.i32DivU)
      .i32(mr)
      .emit(op.i32Mul)
      .set(mPad);
    f.for(j0, 0, N, NC, () => {
      f.push(N).push(j0).emit(op.i32Sub).set(ncL).min(ncL, ncL, NC);
      f.for(k0, 0, K, KC, () => {
        f.push(K).push(k0).emit(op.i32Sub).set(kcL).min(kcL, kcL, KC);
        // packB(b + k0*brs + j0*bcs, brs, bcs, kc, nc, pb)
        f.get(b).get(k0).get(brs).emit(op.i32Mul, op.i32Add).get(j0).get(bcs).emit(op.i32Mul, op.i32Add);
        f.get(brs).get(bcs).get(kcL).get(ncL).get(pb).call(packB);
        f.for(i0, 0, M, mc, () => {
          f.push(M).push(i0).emit(op.i32Sub).set(mcL).min(mcL, mcL, mc);
          f.get(aPacked).if(
            // The block (k0, i0) of a packed A: k0 * mPad + i0 * kc floats in.
            () => {
              f.get(k0).get(mPad).emit(op.i32Mul).get(i0).get(kcL).emit(op.i32Mul, op.i32Add).i32(2).emit(op.i32Shl);
              f.get(a).emit(op.i32Add).set(aBlock);
            },
            () => {
              f.get(a).get(i0).get(ars).emit(op.i32Mul, op.i32Add).get(k0).get(acs).emit(op.i32Mul, op.i32Add);
              f.get(ars).get(acs).get(kcL).get(mcL).get(pa).call(packA);
              f.get(pa).set(aBlock);
            },
          );
          // The macro-kernel: B micro-panels outside (each stays in L1), A panels inside.
          f.for(jr, 0, ncL, nr, () => {
            f.push(ncL).push(jr).emit(op.i32Sub).set(cols).min(cols, cols, nr);
            f.get(jr).get(kcL).emit(op.i32Mul).push(2).emit(op.i32Shl).get(pb).emit(op.i32Add).set(bPanel);
            f.for(ir, 0, mcL, mr, () => {
              f.push(mcL).push(ir).emit(op.i32Sub).set(rows).min(rows, rows, mr);
              f.get(ir).get(kcL).emit(op.i32Mul).push(2).emit(op.i32Shl).get(aBlock).emit(op.i32Add).set(aPanel);
              // cTile = c + (i0 + ir) * ldc + (j0 + jr) * 4
              f.get(i0).get(ir).emit(op.i32Add).get(ldc).emit(op.i32Mul).get(c).emit(op.i32Add);
              f.get(j0).get(jr).emit(op.i32Add).push(2).emit(op.i32Shl).emit(op.i32Add).set(cTile);
              f.get(rows).i32(mr).emit(op.i32Eq).get(cols).i32(nr).emit(op.i32Eq).emit(op.i32And);
              f.if(
                () => {
                  f.get(aPanel).get(bPanel).get(kcL).get(cTile).get(ldc).get(k0).call(micro);
                },
                () => {
                  f.get(aPanel)
                    .get(bPanel)
                    .get(kcL)
                    .get(tile)
                    .i32(nr * 4)
                    .i32(0)
                    .call(micro);
                  f.get(tile).get(cTile).get(ldc).get(rows).get(cols).get(k0).call(edge);
                },
              );
            });
          });
        });
      });
    });
  });
  const packAll = m.func(undefined, [i32, i32, i32, i32, i32, i32], [], (f) => {
    const [a, ars, acs, M, K, dst] = f.params;
    const [k0, kcL, mPad] = f.locals(3);
    f.get(M)
      .i32(mr - 1)
      .emit(op.i32Add)
      .i32(mr)
      .emit(op.i32DivU)
      .i32(mr)
      .emit(op.i32Mul)
      .set(mPad);
    f.for(k0, 0, K, KC, () => {
      f.push(K).push(k0).emit(op.i32Sub).set(kcL).min(kcL, kcL, KC);
      f.get(a).get(k0).get(acs).emit(op.i32Mul).i32(2).emit(op.i32Shl, op.i32Add);
      f.get(ars).i32(2).emit(op.i32Shl).get(acs).i32(2).emit(op.i32Shl).get(kcL).get(M);
      f.get(k0).get(mPad).emit(op.i32Mul).i32(2).emit(op.i32Shl).get(dst).emit(op.i32Add).call(packA);
    });
  });
  return { gemm, packAll };
}
