/**
 * Emits gather and scatter-add along the last axis, row by row. Core's im2col
 * (unfold), its adjoint (fold) and pooling with its backward all come down to
 * these two primitives with an index table, so they carry conv backprop and
 * pooling in training.
 *
 * The caller resolves every leading dimension (strides, broadcasts) to one
 * byte address per row in small tables, so the emitted loops only walk the
 * last axis, where the operands are contiguous. An index outside [0, size)
 * stops the kernel and sets its `flag` word (a worker's return value is
 * lost); the caller then reruns the op on the CPU kernel, which throws the
 * error that names the index. Rows are independent (distinct index rows reach
 * distinct output rows), so threads split them.
 */
import type { ModuleBuilder } from '../wasm/module';
import { op, valType } from '../wasm/opcodes';

const { i32 } = valType;

export interface IndexingFunctions {
  /** gatherRows(xRows, idxRows, out, rows, n, size, flag): *flag = 1 on a bad index. */
  readonly gatherRows: number;
  /** scatterAddRows(outRows, idxRows, srcRows, rows, n, size, flag): *flag = 1 on a bad index. */
  readonly scatterAddRows: number;
}

export function emitIndexing(m: ModuleBuilder): IndexingFunctions {
  // out[r, j] = x_r[idx_r[j]]: x_r, idx_r from the row tables, out contiguous.
  const gatherRows = m.func('gatherRows', [i32, i32, i32, i32, i32, i32, i32], [], (f) => {
    const [xRows, idxRows, out, rows, n, size, flag] = f.params;
    const [r, j, xb, ib, k] = f.locals(5);
    f.for(r, 0, rows, 1, () => {
      f.get(xRows).i32Load().set(xb);
      f.get(idxRows).i32Load().set(ib);
      f.for(j, 0, n, 1, () => {
        f.get(ib)
          .i32Load()
          .tee(k)
          .get(size)
          .emit(op.i32GeU)
          .if(() => f.get(flag).i32(1).i32Store().return());
        f.get(out).get(k).i32(2).emit(op.i32Shl).get(xb).emit(op.i32Add).f32Load().f32Store();
        f.inc(out, 4).inc(ib, 4);
      });
      f.inc(xRows, 4).inc(idxRows, 4);
    });
  });
  // out_r[idx_r[j]] += src_r[j], in j order within a row and rows in order (the CPU kernel's order).
  const scatterAddRows = m.func('scatterAddRows', [i32, i32, i32, i32, i32, i32, i32], [], (f) => {
    const [outRows, idxRows, srcRows, rows, n, size, flag] = f.params;
    const [r, j, ob, ib, sb, k, at] = f.locals(7);
    f.for(r, 0, rows, 1, () => {
      f.get(outRows).i32Load().set(ob);
      f.get(idxRows).i32Load().set(ib);
      f.get(srcRows).i32Load().set(sb);
      f.for(j, 0, n, 1, () => {
        f.get(ib)
          .i32Load()
          .tee(k)
          .get(size)
          .emit(op.i32GeU)
          .if(() => f.get(flag).i32(1).i32Store().return());
        f.get(k).i32(2).emit(op.i32Shl).get(ob).emit(op.i32Add).set(at);
        f.get(at).get(at).f32Load().get(sb).f32Load().emit(op.f32Add).f32Store();
        f.inc(ib, 4).inc(sb, 4);
      });
      f.inc(outRows, 4).inc(idxRows, 4).inc(srcRows, 4);
    });
  });
  return { gatherRows, scatterAddRows };
}
