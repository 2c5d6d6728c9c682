/**
 * A pool of worker threads that run exports of the shared module on the
 * shared memory, synchronously from the caller's view: `run` hands each worker
 * its job through its control slot (Atomics.store + notify), runs the caller's
 * own share on the calling thread, then blocks in Atomics.wait until every
 * worker has published the generation it finished. Backend kernels therefore
 * stay synchronous.
 *
 * Blocking is only allowed off a browser's main thread, so threads > 1 needs
 * Node, or a browser worker that is crossOriginIsolated (see platform.ts).
 */
import { MAX_ARGS, SLOT_WORDS, STOP, slot, type WorkerInit, type WorkerMessage } from './worker-source';

/** A started worker, whatever the platform. */
export interface WorkerHandle {
  terminate(): void;
}

/** Starts one worker with `init`; calls `onMessage` with what it posts. */
export type SpawnWorker = (init: WorkerInit, onMessage: (message: WorkerMessage) => void) => WorkerHandle;

/** One unit of work: an export (by position in `exportNames`) and its i32 arguments. */
export interface Job {
  readonly fn: number;
  readonly args: readonly number[];
}

export class WorkerError extends Error {
  override name = 'WorkerError';
}

export class ThreadPool {
  readonly #ctl: Int32Array;
  readonly #workers: WorkerHandle[] = [];
  #gen = 0;
  #lastError = '';
  #destroyed = false;

  private constructor(ctl: Int32Array) {
    this.#ctl = ctl;
  }

  /**
   * Starts `count` workers (slots 1..count; slot 0 is the calling thread) and
   * resolves once each has instantiated the module.
   */
  static async start(
    count: number,
    base: Omit<WorkerInit, 'base'>,
    ctl: Int32Array,
    spawn: SpawnWorker,
    timeoutMs = 30_000,
  ): Promise<ThreadPool> {
    const pool = new ThreadPool(ctl);
    const ready = Array.from({ length: count }, (_, i) => {
      const base_ = (i + 1) * SLOT_WORDS;
      Atomics.store(ctl, base_ + slot.go, 0);
      Atomics.store(ctl, base_ + slot.done, 0);
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new WorkerError(`wasm backend: worker ${i + 1} did not start in ${timeoutMs} ms`)),
          timeoutMs,
        );
        const handle = spawn({ ...base, base: base_ }, (message) => {
          if (message.type === 'ready') {
            clearTimeout(timer);
            resolve();
          } else {
            pool.#lastError = message.message;
            clearTimeout(timer);
            reject(new WorkerError(`wasm backend: worker ${i + 1} failed: ${message.message}`));
          }
        });
        pool.#workers.push(handle);
      });
    });
    try {
      await Promise.all(ready);
    } catch (error) {
      pool.destroy();
      throw error;
    }
    return pool;
  }

  /** Number of threads a `run` uses: the workers plus the calling thread. */
  get threads(): number {
    return this.#workers.length + 1;
  }

  /**
   * Runs `jobs[0]` on the calling thread via `local`, and `jobs[i]` on worker i,
   * returning when all are done. Fewer jobs than threads leave workers idle.
   */
  run(jobs: readonly Job[], local: (job: Job) => void): void {
    if (this.#destroyed) throw new WorkerError('wasm backend: the backend was destroyed');
    if (jobs.length > this.threads) throw new Error(`ThreadPool.run: ${jobs.length} jobs for ${this.threads} threads`);
    const ctl = this.#ctl;
    const gen = ++this.#gen;
    for (let w = 1; w < jobs.length; w++) {
      const job = jobs[w] as Job;
      if (job.args.length > MAX_ARGS) throw new Error(`ThreadPool.run: at most ${MAX_ARGS} arguments`);
      const b = w * SLOT_WORDS;
      ctl[b + slot.fn] = job.fn;
      for (let i = 0; i < job.args.length; i++) ctl[b + slot.args + i] = job.args[i] as number;
      Atomics.store(ctl, b + slot.go, gen);
      Atomics.notify(ctl, b + slot.go);
    }
    let localError: unknown;
    try {
      if (jobs[0]) local(jobs[0]);
    } catch (error) {
      localError = error;
    }
    let failed = false;
    for (let w = 1; w < jobs.length; w++) {
      const b = w * SLOT_WORDS;
      for (;;) {
        const seen = Atomics.load(ctl, b + slot.done);
        if (seen === gen) break;
        Atomics.wait(ctl, b + slot.done, seen);
      }
      if (ctl[b + slot.failed] !== 0) failed = true;
    }
    if (localError !== undefined) throw localError;
    if (failed) throw new WorkerError(`wasm backend: a worker failed${this.#lastError ? `: ${this.#lastError}` : ''}`);
  }

  /** Stops and terminates every worker. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (let w = 1; w <= this.#workers.length; w++) {
      Atomics.store(this.#ctl, w * SLOT_WORDS + slot.go, STOP);
      Atomics.notify(this.#ctl, w * SLOT_WORDS + slot.go);
    }
    for (const worker of this.#workers) worker.terminate();
    this.#workers.length = 0;
  }
}
