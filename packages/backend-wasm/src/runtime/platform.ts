/**
 * What differs between Node and browsers: how a worker is started, how many
 * cores there are, and whether this thread may block in Atomics.wait.
 *
 * - Node: worker_threads started from source (`eval: true`); the main thread
 *   may block, so kernels stay synchronous with any number of threads.
 * - Browsers: a Worker from a Blob URL, and shared memory only when the page
 *   is crossOriginIsolated. A page's main thread can never block, so there the
 *   backend runs one thread; code running inside a Worker may use threads.
 */
import type { SpawnWorker } from './pool';
import { browserWorkerSource, nodeWorkerSource } from './worker-source';

interface NodeWorkerThreads {
  Worker: new (
    source: string,
    options: { eval: true; workerData: unknown; name?: string },
  ) => {
    on(event: 'message', listener: (message: never) => void): void;
    on(event: 'error', listener: (error: Error) => void): void;
    unref(): void;
    terminate(): Promise<number>;
  };
}

export const isNode: boolean =
  typeof process === 'object' && typeof process.versions === 'object' && typeof process.versions.node === 'string';

/** Whether this thread may call Atomics.wait: Node always, browsers only off the main thread. */
export function canBlock(): boolean {
  if (isNode) return true;
  return typeof document === 'undefined' && typeof (globalThis as { importScripts?: unknown }).importScripts === 'function';
}

/** Whether SharedArrayBuffer-backed memories can be shared with workers here. */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  if (isNode) return true;
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** Cores available: os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers. */
export async function availableParallelism(): Promise<number> {
  if (isNode) {
    const os = await import('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/** The platform's way to start a worker that serves jobs (see worker-source.ts). */
export async function workerSpawner(): Promise<SpawnWorker> {
  if (isNode) {
    const wt = (await import('node:worker_threads')) as unknown as NodeWorkerThreads;
    return (init, onMessage) => {
      const worker = new wt.Worker(nodeWorkerSource, { eval: true, workerData: init, name: 'strata-wasm' });
      worker.on('message', onMessage);
      worker.on('error', (error) => onMessage({ type: 'error', message: error.message }));
      worker.unref(); // idle workers must not keep a Node process alive
      return { terminate: () => void worker.terminate() };
    };
  }
  const url = URL.createObjectURL(new Blob([browserWorkerSource], { type: 'text/javascript' }));
  return (init, onMessage) => {
    const worker = new Worker(url, { name: 'strata-wasm' });
    worker.onmessage = (event: MessageEvent) => onMessage(event.data);
    worker.onerror = (event: ErrorEvent) => onMessage({ type: 'error', message: event.message });
    worker.postMessage(init);
    return { terminate: () => worker.terminate() };
  };
}
