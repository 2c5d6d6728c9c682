/**
 * The one WebAssembly module of the backend, emitted at run time: the gemm,
 * its batch driver, the packer for constant operands, conv2d, and last-axis
 * gather / scatter-add and middle-axis reductions, all on one imported memory (shared when threads are
 * used). Every thread instantiates this same compiled module.
 */
import { ModuleBuilder } from '../wasm/module';
import { valType } from '../wasm/opcodes';
import { emitConv } from './conv';
import { emitGemm, type GemmConfig } from './gemm';
import { emitIndexing } from './indexing';
import { emitReduce } from './reduce';

/** i32 words per gemm_batch record: a, ars, acs, b, brs, bcs, c, ldc, M, K, N, (unused). */
export const GEMM_RECORD_WORDS = 12;

/** Exports a worker can be asked to run, by position (worker jobs name them by index). */
export const jobExports = ['gemmBatch', 'conv', 'gatherRows', 'scatterAddRows'] as const;
export type JobExport = (typeof jobExports)[number];

export interface KernelModuleOptions {
  readonly gemm: GemmConfig;
  readonly shared: boolean;
  /** Memory limits in 64 KiB pages. */
  readonly initialPages: number;
  readonly maximumPages: number;
}

/** The exports, typed. Pointers are byte offsets into the memory; all arguments are i32. */
export interface KernelExports {
  gemm(...args: number[]): void;
  /** gemmBatch(table, count, scratch): runs `count` gemm records from `table`. */
  gemmBatch(table: number, count: number, scratch: number): void;
  /** packA(a, ars, acs, M, K, dst): A in the layout gemm reads with aPacked. */
  packA(a: number, ars: number, acs: number, M: number, K: number, dst: number): void;
  /** conv(params, first, end, cols, scratch). */
  conv(params: number, first: number, end: number, cols: number, scratch: number): void;
  /** gatherRows(xRows, idxRows, out, rows, n, size, flag): sets the i32 at `flag` to 1 on an index out of range. */
  gatherRows(xRows: number, idxRows: number, out: number, rows: number, n: number, size: number, flag: number): void;
  /** scatterAddRows(outRows, idxRows, srcRows, rows, n, size, flag): sets the i32 at `flag` to 1 on an index out of range. */
  scatterAddRows(outRows: number, idxRows: number, srcRows: number, rows: number, n: number, size: number, flag: number): void;
  /** reduce{Sum,Max,Min}Mid(x, out, outer, mid, inner): out[o, i] = op over m of x[o, m, i]. */
  reduceSumMid(x: number, out: number, outer: number, mid: number, inner: number): void;
  reduceMaxMid(x: number, out: number, outer: number, mid: number, inner: number): void;
  reduceMinMid(x: number, out: number, outer: number, mid: number, inner: number): void;
}

export function buildKernelModule(options: KernelModuleOptions): Uint8Array<ArrayBuffer> {
  const { i32 } = valType;
  const m = new ModuleBuilder().importMemory({
    module: 'env',
    name: 'memory',
    initial: options.initialPages,
    maximum: options.maximumPages,
    shared: options.shared,
  });
  const gemm = emitGemm(m, options.gemm);
  m.export('packA', gemm.packAll);
  m.func('gemmBatch', [i32, i32, i32], [], (f) => {
    const [table, count, scratch] = f.params;
    const [i, rec] = f.locals(2);
    f.get(table).set(rec);
    f.for(i, 0, count, 1, () => {
      for (let w = 0; w < 11; w++) f.get(rec).i32Load(4 * w);
      f.get(scratch).i32(0).call(gemm.gemm);
      f.inc(rec, 4 * GEMM_RECORD_WORDS);
    });
  });
  emitConv(m, gemm);
  emitIndexing(m);
  emitReduce(m);
  return m.bytes();
}
