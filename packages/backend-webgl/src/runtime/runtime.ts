/**
 * The device side of the backend: one gpu.js GPU on the backend's WebGL2
 * context, the kernel cache, uploads and reads, and the deferred index errors.
 *
 * - Uploads run a gpu.js kernel over an `Array` argument (gpu.js packs the
 *   floats into a texture; the kernel copies them into the storage layout).
 * - Synchronous reads use gpu.js's `texture.toArray()` (readPixels); async
 *   reads go through an `asyncMode` kernel, whose readback is a pixel-pack
 *   buffer and a fence polled without blocking the page. int32 textures are
 *   first split into their halves (2n floats) by a small kernel.
 * - gather/scatterAdd cannot throw from a shader: an out-of-range index makes
 *   the kernel record a flag texture, and the next read (of any tensor) throws
 *   a RangeError naming the op, like the WebGPU backend. The op itself reads 0
 *   (gather) or skips the element (scatterAdd).
 */
import { BackendError, type DType, type StorageArray } from '@strata/core';
import { GPU, type IKernelRunShortcut, type Texture } from 'gpu.js';
import { type AcquiredContext, ContextGuard } from '../context';
import { decodeHost, encodeHost, type Layout, layoutOf, type WebGlStorage } from '../storage';
import { createGpuKernel, KernelCache, type KernelCacheStats, type KernelSpec, PIPELINE } from './kernel-cache';

export interface RuntimeStats extends KernelCacheStats {
  /** Storage textures currently alive (created by kernels or uploads and not yet freed). */
  liveTextures: number;
  uploads: number;
  reads: number;
}

/** An index check recorded by gather/scatterAdd, resolved at the next read. */
interface PendingCheck {
  readonly op: string;
  readonly flag: WebGlStorage;
  readonly detail: string;
}

/** Split an RG (int32) texture into 2n floats (hi, lo, hi, lo, ...) so that a float read sees both halves. */
const splitSpec = (params: readonly number[]): KernelSpec => ({
  name: 'read-int32',
  inputs: ['rg'],
  output: 'r',
  body: `int e = i / 2;
  vec2 p = texelFetch(t0, ivec2(e % t0Size.x, e / t0Size.x), 0).rg;
  return (i & 1) == 0 ? p.x : p.y;`,
  helpers: [],
  params,
});

export class Runtime {
  readonly guard: ContextGuard;
  readonly gpu: GPU;
  readonly cache: KernelCache;
  readonly maxElements: number;
  readonly #stats = { liveTextures: 0, uploads: 0, reads: 0 };
  readonly #uploaders: Record<Layout, IKernelRunShortcut>;
  readonly #asyncReader: IKernelRunShortcut;
  readonly #pending: PendingCheck[] = [];
  readonly #owned: boolean;
  #uploadSizes: Record<Layout, number> = { r: 0, rg: 0 };
  #asyncSize = 0;

  constructor(acquired: AcquiredContext) {
    const { canvas, gl, owned } = acquired;
    this.#owned = owned;
    this.guard = new ContextGuard(canvas, gl);
    const maxSize = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number;
    this.maxElements = maxSize * maxSize;
    // gpu.js resizes the canvas it is given to the largest output it renders, allocating a drawing
    // buffer nothing reads (256 MiB for an 8192² output). Kernels render into textures only, so it
    // gets a stand-in that keeps the sizes; the real canvas stays 1×1.
    const sizeSink = { width: 1, height: 1 };
    this.gpu = new GPU({ mode: 'webgl2', canvas: sizeSink, context: gl });
    this.cache = new KernelCache(this.gpu);
    this.#uploaders = {
      r: createGpuKernel(this.gpu, 'function(a) { return a[this.thread.x]; }', {
        ...PIPELINE,
        output: [1],
        argumentTypes: { a: 'Array' },
        returnType: 'Float',
      }),
      rg: createGpuKernel(this.gpu, 'function(a) { return [a[this.thread.x * 2], a[this.thread.x * 2 + 1]]; }', {
        ...PIPELINE,
        output: [1],
        argumentTypes: { a: 'Array' },
        returnType: 'Array(2)',
      }),
    };
    this.#asyncReader = createGpuKernel(this.gpu, 'function(x) { return x[this.thread.x]; }', {
      output: [1],
      dynamicOutput: true,
      dynamicArguments: true,
      tactic: 'precision',
      precision: 'single',
      argumentTypes: { x: 'ArrayTexture(1)' },
      returnType: 'Float',
      asyncMode: true,
    });
  }

  get stats(): RuntimeStats {
    return { ...this.cache.stats, ...this.#stats };
  }

  #wrap(texture: Texture | null, size: number, layout: Layout): WebGlStorage {
    if (texture) this.#stats.liveTextures++;
    return { texture, size, layout };
  }

  #checkSize(size: number, op: string): void {
    if (size > this.maxElements) {
      throw new BackendError(
        `webgl ${op}: a tensor of ${size} elements is larger than this GPU's largest texture ` +
          `(${this.maxElements} elements); split it, or use the webgpu or cpu backend for it`,
      );
    }
  }

  /** Runs a kernel spec over storages into new storage of `size` elements. */
  run(spec: KernelSpec, inputs: readonly WebGlStorage[], size: number): WebGlStorage {
    this.guard.check(spec.name);
    if (size === 0) return this.#wrap(null, 0, spec.output);
    this.#checkSize(size, spec.name);
    const textures = inputs.map((s) => {
      if (!s.texture) throw new Error(`webgl ${spec.name}: an empty input reached a kernel (a backend bug)`);
      return s.texture;
    });
    return this.#wrap(this.cache.run(spec, textures, size), size, spec.output);
  }

  upload(data: StorageArray, dtype: DType): WebGlStorage {
    this.guard.check('upload');
    const layout = layoutOf(dtype);
    const size = data.length;
    if (size === 0) return this.#wrap(null, 0, layout);
    this.#checkSize(size, 'upload');
    const kernel = this.#uploaders[layout];
    if (this.#uploadSizes[layout] !== size) {
      kernel.setOutput([size]);
      this.#uploadSizes[layout] = size;
    }
    this.#stats.uploads++;
    return this.#wrap(kernel(encodeHost(data, dtype)) as Texture, size, layout);
  }

  free(storage: WebGlStorage): void {
    if (!storage.texture) return;
    this.#stats.liveTextures--;
    if (this.guard.usable) storage.texture.delete();
  }

  /** Records an index check: `flag` is a 1-element float storage, non-zero when an index was out of range. */
  defer(op: string, flag: WebGlStorage, detail: string): void {
    this.#pending.push({ op, flag, detail });
  }

  /** Resolves the recorded index checks; throws a RangeError for the first that failed. */
  #resolveChecks(): void {
    if (this.#pending.length === 0) return;
    const pending = this.#pending.splice(0);
    let failed: PendingCheck | undefined;
    for (const check of pending) {
      const value = (check.flag.texture?.toArray() as Float32Array | undefined)?.[0] ?? 0;
      if (value !== 0 && !failed) failed = check;
      this.free(check.flag);
    }
    if (failed) throw new RangeError(`webgl ${failed.op}: ${failed.detail}`);
  }

  /** `storage` as floats (int32: hi/lo pairs), and a storage to free afterwards if one was made. */
  #floatView(storage: WebGlStorage): WebGlStorage {
    return storage.layout === 'rg' ? this.run(splitSpec([]), [storage], 2 * storage.size) : storage;
  }

  readSync(storage: WebGlStorage, dtype: DType, size: number): StorageArray {
    this.guard.check('read');
    this.#resolveChecks();
    this.#stats.reads++;
    if (size === 0 || !storage.texture) return decodeHost(new Float32Array(0), dtype, 0);
    const view = this.#floatView(storage);
    try {
      return decodeHost(view.texture?.toArray() as Float32Array, dtype, size);
    } finally {
      if (view !== storage) this.free(view);
    }
  }

  async read(storage: WebGlStorage, dtype: DType, size: number): Promise<StorageArray> {
    this.guard.check('read');
    this.#resolveChecks();
    this.#stats.reads++;
    if (size === 0 || !storage.texture) return decodeHost(new Float32Array(0), dtype, 0);
    const view = this.#floatView(storage);
    let values: Float32Array;
    try {
      const n = view.size;
      if (this.#asyncSize !== n) {
        this.#asyncReader.setOutput([n]);
        this.#asyncSize = n;
      }
      // The readback is issued now (ordered after the kernels that made the texture); only the
      // wait for the GPU is asynchronous.
      const pending = this.#asyncReader(view.texture as Texture) as unknown as Promise<Float32Array>;
      if (view !== storage) this.free(view);
      values = await pending;
    } catch (error) {
      this.guard.check('read');
      throw error;
    }
    return decodeHost(values, dtype, size);
  }

  destroy(): void {
    if (!this.guard.usable) {
      this.guard.markDestroyed();
      return;
    }
    this.guard.markDestroyed();
    this.cache.clear();
    for (const kernel of [this.#uploaders.r, this.#uploaders.rg, this.#asyncReader]) {
      try {
        kernel.destroy(false);
      } catch {
        // never built
      }
    }
    if (this.#owned) this.guard.gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
