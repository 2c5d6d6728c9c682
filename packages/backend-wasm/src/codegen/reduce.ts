/**
 * Emits sum / max / min over the middle axis of an (outer, mid, inner) block:
 * out[o, i] = op over m of x[o, m, i]. Any run of adjacent reduced axes of a
 * row-major tensor has this form (pooling windows, a batch sum of gradients),
 * and with inner >= 4 the loop runs four outputs per v128 with contiguous
 * loads. max and min propagate NaN, like the CPU kernel.
 */
import type { ModuleBuilder } from '../wasm/module';
import { op, type SimdOp, simd, valType } from '../wasm/opcodes';

const { i32 } = valType;

export type ReduceMidOp = 'sum' | 'max' | 'min';

const vectorOp: Record<ReduceMidOp, SimdOp> = { sum: simd.f32x4Add, max: simd.f32x4Max, min: simd.f32x4Min };
const scalarOp: Record<ReduceMidOp, number> = { sum: op.f32Add, max: op.f32Max, min: op.f32Min };

/** Export name of the kernel for `which`. */
export const reduceMidExport = (which: ReduceMidOp): 'reduceSumMid' | 'reduceMaxMid' | 'reduceMinMid' =>
  which === 'sum' ? 'reduceSumMid' : which === 'max' ? 'reduceMaxMid' : 'reduceMinMid';

/** reduceXMid(x, out, outer, mid, inner), mid >= 1. */
function emitReduceMid(m: ModuleBuilder, which: ReduceMidOp): number {
  return m.func(reduceMidExport(which), [i32, i32, i32, i32, i32], [], (f) => {
    const [x, out, outer, mid, inner] = f.params;
    const [o, i, k, p, rowBytes, vecEnd] = f.locals(6);
    const acc = f.local(valType.v128);
    const s = f.local(valType.f32);
    f.get(inner).i32(2).emit(op.i32Shl).set(rowBytes);
    f.get(inner).i32(-4).emit(op.i32And).set(vecEnd);
    f.for(o, 0, outer, 1, () => {
      f.for(i, 0, vecEnd, 4, () => {
        f.get(i).i32(2).emit(op.i32Shl).get(x).emit(op.i32Add).tee(p).v128Load().set(acc);
        f.for(k, 1, mid, 1, () => {
          f.inc(p, rowBytes);
          f.get(acc).get(p).v128Load().simd(vectorOp[which]).set(acc);
        });
        f.get(out).get(acc).v128Store();
        f.inc(out, 16);
      });
      f.for(i, vecEnd, inner, 1, () => {
        f.get(i).i32(2).emit(op.i32Shl).get(x).emit(op.i32Add).tee(p).f32Load().set(s);
        f.for(k, 1, mid, 1, () => {
          f.inc(p, rowBytes);
          f.get(s).get(p).f32Load().emit(scalarOp[which]).set(s);
        });
        f.get(out).get(s).f32Store();
        f.inc(out, 4);
      });
      // x += mid * inner floats
      f.get(mid).get(rowBytes).emit(op.i32Mul).get(x).emit(op.i32Add).set(x);
    });
  });
}

export function emitReduce(m: ModuleBuilder): void {
  for (const which of ['sum', 'max', 'min'] as const) emitReduceMid(m, which);
}
