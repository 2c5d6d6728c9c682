/**
 * createWasmBackend: storage is the CPU backend's typed arrays, so every CPU
 * kernel serves the cold primitives unchanged; the hot ones (matmul, the fused
 * conv2d) run as WebAssembly SIMD, optionally across worker threads.
 */
import {
  type Backend,
  createCpuBackend,
  type FusedKernels,
  type KernelTable,
  registerBackend,
  type StorageArray,
} from '@strata/core';
import { defaultGemmConfig, type GemmConfig } from './codegen/gemm';
import { createConv2dKernel } from './kernels/conv2d';
import { createGatherKernel, createScatterAddKernel } from './kernels/indexing';
import { createMatmulKernel } from './kernels/matmul';
import { createPadKernel } from './kernels/pad';
import { createReduceKernel } from './kernels/reduce';
import { availableParallelism, canBlock, canShareMemory, isNode, workerSpawner } from './runtime/platform';
import { WasmRuntime } from './runtime/runtime';
import { detectFeatures, type Validate, type WasmFeatures } from './wasm/features';

export interface WasmBackendOptions {
  /**
   * Threads for large kernels, the calling thread included. Default: the
   * number of cores (os.availableParallelism() in Node). Browsers use 1 on a
   * page's main thread (it may not block) or without crossOriginIsolated.
   */
  readonly threads?: number;
  /** Where the one-time notices go (a missing feature, fewer threads than asked). Default: console.warn. */
  readonly log?: (message: string) => void;
  /** Feature probe; tests pass a stand-in to simulate an engine without SIMD. Default: WebAssembly.validate. */
  readonly validate?: Validate;
  /** Tile and block sizes of the gemm (for tuning). */
  readonly gemm?: Partial<GemmConfig>;
  /**
   * Kernels with fewer multiply-adds than this stay on the calling thread
   * (default 2^19: waking workers costs tens of microseconds). Tests pass 0 to
   * send every kernel through the worker pool.
   */
  readonly parallelMinMacs?: number;
}

export interface WasmBackend extends Backend<StorageArray> {
  /** Threads kernels run on (1 when the SIMD kernels are off or threads are unavailable). */
  readonly threads: number;
  /** Whether the SIMD kernels are in use (false: every kernel is the CPU's). */
  readonly simd: boolean;
  readonly features: WasmFeatures;
  /** Bytes of WebAssembly memory the kernels hold (0 without SIMD): it grows to the largest op's operands, then stays. */
  wasmMemoryBytes(): number;
  /** Terminates the worker threads. */
  destroy(): void;
}

const noticed = new Set<string>();

/** Logs `message` once per process (per distinct message). */
function notice(log: (message: string) => void, message: string): void {
  if (noticed.has(message)) return;
  noticed.add(message);
  log(`[@strata/backend-wasm] ${message}`);
}

/** Picks the thread count and says why it is lower than asked, if it is. */
async function resolveThreads(requested: number | undefined, features: WasmFeatures, log: (m: string) => void): Promise<number> {
  const wanted = requested ?? (await availableParallelism());
  if (!Number.isInteger(wanted) || wanted < 1)
    throw new RangeError(`createWasmBackend: threads must be a positive integer, got ${wanted}`);
  if (wanted === 1) return 1;
  const reason = !canShareMemory()
    ? 'SharedArrayBuffer needs a crossOriginIsolated page (COOP/COEP headers)'
    : !features.sharedMemory
      ? 'this engine has no shared WebAssembly memory'
      : !canBlock()
        ? "a browser's main thread cannot block in Atomics.wait (create the backend inside a Worker for threads)"
        : undefined;
  if (reason === undefined) return wanted;
  notice(log, `running on one thread instead of ${wanted}: ${reason}.`);
  return 1;
}

export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const log = options.log ?? ((message: string) => console.warn(message));
  const cpu = createCpuBackend();
  const features = detectFeatures(options.validate);
  const base = {
    name: 'wasm',
    capabilities: cpu.capabilities,
    upload: cpu.upload,
    read: cpu.read,
    readSync: cpu.readSync,
    free: cpu.free,
    features,
  };
  if (!features.simd) {
    notice(log, 'WebAssembly SIMD is not supported here; the wasm backend runs the CPU kernels.');
    return {
      ...base,
      kernels: cpu.kernels,
      ...(cpu.fused ? { fused: cpu.fused } : {}),
      threads: 1,
      simd: false,
      wasmMemoryBytes: () => 0,
      destroy() {},
    };
  }
  const threads = await resolveThreads(options.threads, features, log);
  const minMacs = options.parallelMinMacs;
  if (minMacs !== undefined && !(Number.isFinite(minMacs) && minMacs >= 0)) {
    throw new RangeError(`createWasmBackend: parallelMinMacs must be a non-negative number, got ${minMacs}`);
  }
  const gemm: GemmConfig = { ...defaultGemmConfig, fma: features.relaxedSimd, ...options.gemm };
  const shared = features.sharedMemory && canShareMemory() && (threads > 1 || isNode);
  const runtime = await WasmRuntime.create({
    threads,
    shared,
    gemm,
    ...(threads > 1 ? { spawn: await workerSpawner() } : {}),
    ...(options.parallelMinMacs !== undefined ? { parallelMinMacs: options.parallelMinMacs } : {}),
  });
  const kernels: KernelTable<StorageArray> = {
    ...cpu.kernels,
    matmul: createMatmulKernel(runtime, cpu.kernels.matmul),
    gather: createGatherKernel(runtime, cpu.kernels.gather),
    scatterAdd: createScatterAddKernel(runtime, cpu.kernels.scatterAdd),
    reduce: createReduceKernel(runtime, cpu.kernels.reduce),
    pad: createPadKernel(cpu.kernels.pad),
  };
  const cpuConv = cpu.fused?.conv2d;
  const fused: FusedKernels<StorageArray> = cpuConv
    ? { ...cpu.fused, conv2d: createConv2dKernel(runtime, cpuConv) }
    : { ...cpu.fused };
  return {
    ...base,
    kernels,
    fused,
    threads,
    simd: true,
    wasmMemoryBytes: () => runtime.arena.memory.buffer.byteLength,
    destroy: () => runtime.destroy(),
  };
}

/**
 * Registers the backend with core under 'wasm' at priority 3: below the GPU
 * backends (webgpu 10, webgl 5), above the CPU's (0), so `initBackend()` with
 * no list picks wasm where no GPU backend initialises.
 */
export function registerWasmBackend(options: WasmBackendOptions = {}, priority = 3): void {
  registerBackend('wasm', () => createWasmBackend(options), { priority });
}
