/**
 * The runtime under every kernel: one device, a buffer pool, a uniform ring, a
 * pipeline cache, and one open command encoder into which dispatches are
 * recorded. Work is submitted lazily: before a read, when `maxQueuedDispatches`
 * are waiting, and at the end of the current task (a microtask), so a burst of
 * ops costs one submit.
 *
 * Freed buffers go back to the pool at once and kernels may reuse them in
 * the same batch (commands run in order). Uploads may not: they write through
 * `queue.writeBuffer`, which runs *before* the open encoder's commands, so a
 * buffer freed while its batch is open is kept from uploads until that batch
 * is submitted, lest an upload overwrite data a queued kernel has yet to read.
 */
import { BackendError } from '@strata/core';
import type { KernelLimits } from '../kernels/reduce-common';
import { BindGroupCache } from './bindgroups';
import { BufferUsage, MapMode } from './flags';
import { PipelineCache } from './pipelines';
import { BufferPool, type PoolStats } from './pool';
import { UniformRing } from './uniforms';

/** One compute dispatch: uniforms at binding 0 (omitted when empty), `buffers` at bindings 1..n. */
export interface Dispatch {
  readonly name: string;
  readonly code: string;
  readonly workgroups: readonly [number, number, number];
  readonly uniforms: Uint32Array;
  readonly buffers: readonly GPUBuffer[];
}

export interface RuntimeOptions {
  /** Submit once this many dispatches are queued (default 128). */
  readonly maxQueuedDispatches?: number;
  /** Objects to keep reachable as long as the runtime (Dawn's GPU instance in Node). */
  readonly keepAlive?: readonly object[];
}

export interface RuntimeStats {
  readonly buffers: PoolStats;
  readonly staging: PoolStats;
  readonly uniformChunks: number;
  readonly pipelines: number;
  readonly compiles: number;
  readonly bindGroupHits: number;
  readonly bindGroupMisses: number;
  readonly submits: number;
  readonly dispatches: number;
}

const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

export class GpuRuntime {
  readonly pool: BufferPool;
  readonly staging: BufferPool;
  readonly uniforms: UniformRing;
  readonly pipelines: PipelineCache;
  readonly bindGroups: BindGroupCache;
  readonly limits: KernelLimits;
  /** What must stay reachable while the device is in use (Dawn's GPU instance in Node). */
  readonly keepAlive: readonly object[];
  readonly #maxQueued: number;
  #encoder: GPUCommandEncoder | undefined;
  #pass: GPUComputePassEncoder | undefined;
  #queued = 0;
  /** Freed while the open batch may still read them: not for uploads until it is submitted. */
  readonly #busy = new Set<GPUBuffer>();
  #flushScheduled = false;
  #lost: string | undefined;
  #destroyed = false;
  #deviceError: string | undefined;
  #submits = 0;
  readonly #boundsFlag: GPUBuffer;
  #boundsUsed = false;
  #dispatches = 0;

  constructor(
    readonly device: GPUDevice,
    options: RuntimeOptions = {},
  ) {
    this.#maxQueued = options.maxQueuedDispatches ?? 128;
    this.keepAlive = options.keepAlive ?? [];
    // Kernels bind whole buffers, so no storage buffer may exceed the binding limit.
    const maxStorage = Math.min(device.limits.maxBufferSize, device.limits.maxStorageBufferBindingSize);
    this.pool = new BufferPool(device, STORAGE_USAGE, 'strata-webgpu', 256, maxStorage);
    this.staging = new BufferPool(device, BufferUsage.MAP_READ | BufferUsage.COPY_DST, 'strata-webgpu-staging', 256);
    this.uniforms = new UniformRing(device);
    this.pipelines = new PipelineCache(device);
    this.bindGroups = new BindGroupCache(device);
    this.#boundsFlag = device.createBuffer({ size: 16, usage: STORAGE_USAGE, label: 'strata-bounds-flag' });
    this.limits = {
      maxWorkgroupSize: Math.min(device.limits.maxComputeInvocationsPerWorkgroup, device.limits.maxComputeWorkgroupSizeX),
      maxWorkgroupStorage: device.limits.maxComputeWorkgroupStorageSize,
      maxWorkgroupsPerDim: device.limits.maxComputeWorkgroupsPerDimension,
      maxStorageBuffers: device.limits.maxStorageBuffersPerShaderStage,
      software: isSoftwareDevice(device),
    };
    device.lost.then((info) => {
      this.#lost = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
    });
    device.addEventListener('uncapturederror', (event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      // Knock-on errors name their root cause, which is reported on its own (a KernelCompileError or an earlier error).
      if (error.message.includes('due to a previous error')) return;
      this.#deviceError ??= error.message;
    });
  }

  /** Throws a clear error when the device is gone or a kernel failed; every op calls this first. */
  check(op: string): void {
    if (this.#destroyed)
      throw new BackendError(`${op}: this WebGPU backend was destroyed; create a new one with createWebGpuBackend()`);
    if (this.#lost !== undefined) {
      throw new BackendError(
        `${op}: the WebGPU device was lost (${this.#lost}); its tensors are gone. Create a new backend with createWebGpuBackend() and recreate the tensors`,
      );
    }
    this.pipelines.throwIfFailed();
    const deviceError = this.#deviceError;
    this.#deviceError = undefined;
    if (deviceError !== undefined) throw new BackendError(`${op}: an earlier WebGPU command failed: ${deviceError}`);
  }

  /** A storage buffer of at least `bytes` bytes for a kernel to write, from the pool. */
  alloc(bytes: number): GPUBuffer {
    return this.pool.acquire(bytes);
  }

  /** A storage buffer for `write` (an upload): never one the open batch may still read. */
  allocForUpload(bytes: number): GPUBuffer {
    return this.pool.acquire(bytes, this.#busy);
  }

  /** Returns a buffer to the pool. */
  release(buffer: GPUBuffer): void {
    if (this.#destroyed) return;
    if (this.#encoder) this.#busy.add(buffer);
    this.pool.release(buffer);
  }

  /**
   * A u32 flag kernels set (atomicOr) when they meet an out-of-range index;
   * the next read reports it (see `boundsMessage`).
   */
  get boundsFlag(): GPUBuffer {
    this.#boundsUsed = true;
    return this.#boundsFlag;
  }

  /** Writes host bytes into `buffer` (queue-ordered before any not-yet-submitted kernel). */
  write(buffer: GPUBuffer, data: ArrayBufferView<ArrayBuffer>): void {
    if (data.byteLength === 0) return;
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  }

  /** Records one dispatch into the open batch. */
  dispatch(d: Dispatch): void {
    const [x, y, z] = d.workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const { pipeline, layout } = this.pipelines.get(d.name, d.code);
    const uniform = layout.uniform ? this.uniforms.alloc(d.uniforms) : undefined;
    const bindGroup = this.bindGroups.get(layout.bindGroupLayout, uniform, d.buffers);
    const pass = this.#computePass();
    pass.setPipeline(pipeline);
    if (uniform) pass.setBindGroup(0, bindGroup, [uniform.offset]);
    else pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y, z);
    this.#queued++;
    this.#dispatches++;
    if (this.#queued >= this.#maxQueued) this.flush();
    else this.#scheduleFlush();
  }

  /** Records a buffer-to-buffer copy (sizes in bytes, multiples of 4). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    if (bytes === 0) return;
    this.#endPass();
    this.#encoderOrNew().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    this.#queued++;
    this.#scheduleFlush();
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (!this.#encoder || this.#destroyed) return;
    this.#endPass();
    const commands = this.#encoder.finish();
    this.#encoder = undefined;
    this.uniforms.upload(this.device.queue);
    this.device.queue.submit([commands]);
    this.#submits++;
    this.#queued = 0;
    this.#busy.clear();
  }

  /** Copies `bytes` bytes from the start of `buffer` to the host, after all queued work. */
  async read(buffer: GPUBuffer, bytes: number, op = 'read'): Promise<ArrayBuffer> {
    await this.settle(op);
    const size = Math.ceil(bytes / 4) * 4;
    if (size === 0) return new ArrayBuffer(0);
    const checkBounds = this.#boundsUsed;
    this.#boundsUsed = false;
    const flagAt = Math.ceil(size / 8) * 8; // getMappedRange offsets are multiples of 8
    const mapped = checkBounds ? flagAt + 16 : size;
    const staging = this.staging.acquire(mapped);
    this.copy(buffer, 0, staging, 0, size);
    if (checkBounds) this.copy(this.#boundsFlag, 0, staging, flagAt, 16);
    this.flush();
    try {
      await staging.mapAsync(MapMode.READ, 0, mapped);
    } catch (error) {
      this.check(op);
      throw new BackendError(`${op}: reading a WebGPU buffer failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const data = staging.getMappedRange(0, size).slice(0, bytes);
    const flag = checkBounds ? new Uint32Array(staging.getMappedRange(flagAt, 16))[0] : 0;
    staging.unmap();
    this.staging.release(staging);
    await this.settle(op);
    if (flag) {
      this.write(this.#boundsFlag, new Uint32Array(4));
      throw new RangeError(boundsMessage(flag));
    }
    return data;
  }

  /** Waits for compile checks; throws what they (or the device) reported. */
  async settle(op: string): Promise<void> {
    await this.pipelines.settle();
    this.check(op);
  }

  get stats(): RuntimeStats {
    return {
      buffers: this.pool.stats,
      staging: this.staging.stats,
      uniformChunks: this.uniforms.chunkCount,
      pipelines: this.pipelines.size,
      compiles: this.pipelines.compiles,
      bindGroupHits: this.bindGroups.stats.hits,
      bindGroupMisses: this.bindGroups.stats.misses,
      submits: this.#submits,
      dispatches: this.#dispatches,
    };
  }

  /** Releases every buffer; `ownsDevice` also destroys the device. */
  destroy(ownsDevice: boolean): void {
    if (this.#destroyed) return;
    this.flush();
    this.#destroyed = true;
    this.bindGroups.clear();
    this.pool.destroy();
    this.staging.destroy();
    this.uniforms.destroy();
    this.#boundsFlag.destroy();
    if (ownsDevice) this.device.destroy();
  }

  #encoderOrNew(): GPUCommandEncoder {
    this.#encoder ??= this.device.createCommandEncoder({ label: 'strata-batch' });
    return this.#encoder;
  }

  #computePass(): GPUComputePassEncoder {
    this.#pass ??= this.#encoderOrNew().beginComputePass();
    return this.#pass;
  }

  #endPass(): void {
    this.#pass?.end();
    this.#pass = undefined;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.flush();
    });
  }
}

/**
 * Mesa's CPU rasterisers, whose LLVM JIT compiles big register blocks quickly. Not
 * SwiftShader: its JIT takes 15 s for an 8 x 8 conv2d block, and Chromium's GPU process
 * was lost while it compiled 8 x 16 (headless Chromium), so it keeps the GPU tiling.
 */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe/i;

/** Whether the device runs on a Mesa CPU rasteriser, from its adapter info (false when the browser hides it). */
export function isSoftwareDevice(device: GPUDevice): boolean {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  if (!info) return false;
  return SOFTWARE_ADAPTER.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

/** The error a read reports when a gather/scatterAdd kernel met an index out of range. */
export function boundsMessage(flag: number): string {
  const ops = [flag & 1 ? 'gather' : '', flag & 2 ? 'scatterAdd' : ''].filter((o) => o !== '').join(' and ');
  return (
    `${ops}: an index was out of bounds for its dimension (found on the GPU after the op ran: gather read 0 and ` +
    'scatterAdd skipped those positions). Check the indices, e.g. index.min() >= 0 and index.max() < size'
  );
}
