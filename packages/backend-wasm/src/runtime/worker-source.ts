/**
 * The code a worker thread runs, as source text: workers are started from a
 * string (Node: `eval: true`; browsers: a Blob URL), so the package needs no
 * separate worker file, no build step and no bundler support for workers.
 *
 * `serveJobs` must stay self-contained (it is stringified): no imports, no
 * outer variables. It instantiates the shared module on the shared memory,
 * says it is ready, then loops: sleep on the slot's `go` word with
 * Atomics.wait, run the requested export with the slot's arguments, publish
 * the generation in `done` and Atomics.notify the main thread.
 */

/** What the main thread sends a worker to start it. */
export interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Export names; a job names one by its position here. */
  readonly exportNames: readonly string[];
  /** First Int32 word of this worker's control slot. */
  readonly base: number;
  readonly words: number;
}

/** Word offsets inside a control slot. */
export const slot = { go: 0, done: 1, fn: 2, failed: 3, args: 4 } as const;
/** Words per slot: the header above and up to 12 i32 arguments. */
export const SLOT_WORDS = 16;
export const MAX_ARGS = SLOT_WORDS - slot.args;
/** `go` value that asks a worker to exit its loop. */
export const STOP = -1;

export type WorkerMessage = { readonly type: 'ready' } | { readonly type: 'error'; readonly message: string };

function serveJobs(init: WorkerInit, post: (message: WorkerMessage) => void): void {
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  } catch (error) {
    post({ type: 'error', message: String(error) });
    return;
  }
  const fns = init.exportNames.map((name) => instance.exports[name] as (...args: number[]) => void);
  // The control words sit at the start of the memory: growing a shared memory never moves them.
  const ctl = new Int32Array(init.memory.buffer, 0, init.words);
  const go = init.base;
  const done = init.base + 1;
  const fn = init.base + 2;
  const failed = init.base + 3;
  const args = init.base + 4;
  // Read the generation before saying ready: the main thread may dispatch as soon as it hears it.
  let seen = Atomics.load(ctl, go);
  post({ type: 'ready' });
  for (;;) {
    Atomics.wait(ctl, go, seen);
    const gen = Atomics.load(ctl, go);
    if (gen === seen) continue;
    if (gen === -1) return;
    seen = gen;
    try {
      const f = fns[ctl[fn] as number] as (...a: number[]) => void;
      f(
        ctl[args] as number,
        ctl[args + 1] as number,
        ctl[args + 2] as number,
        ctl[args + 3] as number,
        ctl[args + 4] as number,
        ctl[args + 5] as number,
        ctl[args + 6] as number,
        ctl[args + 7] as number,
        ctl[args + 8] as number,
        ctl[args + 9] as number,
        ctl[args + 10] as number,
        ctl[args + 11] as number,
      );
      ctl[failed] = 0;
    } catch (error) {
      ctl[failed] = 1;
      post({ type: 'error', message: String(error) });
    }
    Atomics.store(ctl, done, gen);
    Atomics.notify(ctl, done);
  }
}

/** Source for a Node `new Worker(source, { eval: true, workerData: init })`. */
export const nodeWorkerSource = `const { workerData, parentPort } = require('node:worker_threads');
(${serveJobs.toString()})(workerData, (m) => parentPort.postMessage(m));`;

/** Source for a browser Worker (a Blob URL): the init arrives as the first message. */
export const browserWorkerSource = `self.onmessage = (e) => { self.onmessage = null; (${serveJobs.toString()})(e.data, (m) => self.postMessage(m)); };`;
