/**
 * The backend's WebAssembly runtime: the compiled kernel module, its memory
 * and allocator, and the thread pool. Kernels ask it for scratch and operand
 * space and hand it one job per thread; it runs them and returns when all
 * are done.
 */

import { type GemmConfig, gemmScratchBytes } from '../codegen/gemm';
import { buildKernelModule, type JobExport, jobExports, type KernelExports } from '../codegen/kernel-module';
import { Arena, CONTROL_BYTES, MAX_PAGES, PAGE_BYTES } from './arena';
import { type Job, type SpawnWorker, ThreadPool } from './pool';
import { SLOT_WORDS } from './worker-source';

export interface RuntimeOptions {
  readonly threads: number;
  /** A shared (SharedArrayBuffer-backed) memory: required for threads > 1. */
  readonly shared: boolean;
  readonly gemm: GemmConfig;
  /** Starts a worker; required for threads > 1. */
  readonly spawn?: SpawnWorker;
  /** Kernels with fewer multiply-adds than this run on one thread (see `threadsFor`). */
  readonly parallelMinMacs?: number;
}

/** Below this many multiply-adds a kernel runs on one thread: waking a worker costs tens of microseconds. */
export const PARALLEL_MIN_MACS = 1 << 19;

/** One job per thread: an export of the kernel module and its arguments. */
export interface ThreadJob {
  readonly fn: JobExport;
  readonly args: readonly number[];
}

export class WasmRuntime {
  readonly exports: KernelExports;
  readonly arena: Arena;
  readonly gemm: GemmConfig;
  readonly parallelMinMacs: number;
  readonly #scratch: readonly number[];
  readonly #pool: ThreadPool | undefined;

  private constructor(
    exports: KernelExports,
    arena: Arena,
    gemm: GemmConfig,
    parallelMinMacs: number,
    scratch: number[],
    pool?: ThreadPool,
  ) {
    this.exports = exports;
    this.arena = arena;
    this.gemm = gemm;
    this.parallelMinMacs = parallelMinMacs;
    this.#scratch = scratch;
    this.#pool = pool;
  }

  static async create(options: RuntimeOptions): Promise<WasmRuntime> {
    const { threads, shared, gemm } = options;
    if (threads > 1 && (!shared || !options.spawn))
      throw new Error('WasmRuntime: threads > 1 needs a shared memory and a spawner');
    const scratchBytes = Math.ceil(gemmScratchBytes(gemm) / 64) * 64;
    const heapBase = CONTROL_BYTES + threads * scratchBytes;
    const initialPages = Math.ceil(heapBase / PAGE_BYTES) + 16;
    const bytes = buildKernelModule({ gemm, shared, initialPages: 1, maximumPages: MAX_PAGES });
    const module = await WebAssembly.compile(bytes);
    const memory = new WebAssembly.Memory(
      shared ? { initial: initialPages, maximum: MAX_PAGES, shared: true } : { initial: initialPages, maximum: MAX_PAGES },
    );
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const exports = instance.exports as unknown as KernelExports;
    const arena = new Arena(memory, heapBase);
    const scratch = Array.from({ length: threads }, (_, t) => CONTROL_BYTES + t * scratchBytes);
    let pool: ThreadPool | undefined;
    if (threads > 1 && options.spawn) {
      const ctl = new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4);
      if (threads * SLOT_WORDS * 4 > CONTROL_BYTES)
        throw new Error(`WasmRuntime: at most ${CONTROL_BYTES / 4 / SLOT_WORDS} threads`);
      pool = await ThreadPool.start(
        threads - 1,
        { module, memory, exportNames: jobExports, words: CONTROL_BYTES / 4 },
        ctl,
        options.spawn,
      );
    }
    return new WasmRuntime(exports, arena, gemm, options.parallelMinMacs ?? PARALLEL_MIN_MACS, scratch, pool);
  }

  /** Threads a `run` can use, the calling one included. */
  get threads(): number {
    return this.#scratch.length;
  }

  /** Threads worth using for a kernel of `macs` multiply-adds. */
  threadsFor(macs: number): number {
    return macs >= this.parallelMinMacs ? this.threads : 1;
  }

  /** Address of thread `t`'s gemm scratch. */
  scratch(thread: number): number {
    return this.#scratch[thread] as number;
  }

  /** Runs jobs[t] on thread t (jobs[0] on the calling thread) and returns when all are done. */
  run(jobs: readonly ThreadJob[]): void {
    const call = (job: ThreadJob) => {
      const f = this.exports[job.fn] as (...args: number[]) => void;
      f(...job.args);
    };
    if (!this.#pool || jobs.length <= 1) {
      for (const job of jobs) call(job);
      return;
    }
    const indexed: Job[] = jobs.map((job) => ({ fn: jobExports.indexOf(job.fn), args: job.args }));
    this.#pool.run(indexed, (job) => call({ fn: jobExports[job.fn] as JobExport, args: job.args }));
  }

  destroy(): void {
    this.#pool?.destroy();
  }
}
