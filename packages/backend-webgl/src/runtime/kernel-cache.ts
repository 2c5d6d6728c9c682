/**
 * Kernel specs → compiled gpu.js kernels, cached.
 *
 * A `KernelSpec` is what every primitive builder produces: the GLSL body of
 * one function of the flat output index `i`, the texture inputs it samples
 * (t0, t1, ...), and its int parameters (u0, u1, ...: sizes, strides, offsets,
 * constants as bit patterns). The cache turns a spec into a gpu.js kernel:
 *
 *   function(t0, t1, u0, u1) { return strata_main(this.thread.x, t0, t1, u0, u1); }
 *
 * with `strata_main` the spec's body as a gpu.js native function and the math
 * helpers it calls injected as native GLSL. Every kernel is created with
 * `pipeline: true` (outputs stay on the GPU as textures), `immutable: true`
 * (each call returns its own texture: a plain pipeline kernel renders its next
 * call into the texture it returned last time, silently overwriting that
 * result), and `dynamicOutput` / `dynamicArguments`, so that sizes, strides
 * and constants never recompile: the cache key is the spec's structure only.
 *
 * gpu.js keeps, per kernel, the texture it rendered last: when the caller has
 * freed that result the next call renders into it again (no allocation); when
 * the result is still alive, gpu.js allocates a fresh texture. Kernels live
 * until the backend is destroyed: a gpu.js texture calls back into the kernel
 * that made it (to read or delete it), so a kernel cannot go while its outputs
 * may be alive. Keys carry no sizes, so a model compiles a bounded set.
 */
import { BackendError } from '@strata/core';
import type { GPU, IGPUKernelSettings, IKernelRunShortcut, Texture } from 'gpu.js';
import { ACCESS_GLSL } from '../glsl/access';
import { helperSource } from '../glsl/math';
import type { Layout } from '../storage';

export interface KernelSpec {
  /** The primitive (or step) it implements: names the kernel in errors and stats. */
  readonly name: string;
  readonly inputs: readonly Layout[];
  readonly output: Layout;
  /**
   * GLSL statements of `float|vec2 strata_main(int i, ...)`: `i` is the flat output index,
   * input k is `sampler2D tk` with `ivec2 tkSize` (read with ld_f / ld_i from glsl/access.ts),
   * parameter j is `int uj`. Must end in a `return` of the output layout (float or vec2).
   */
  readonly body: string;
  /** Helper functions (glsl/math.ts names) the body calls. */
  readonly helpers: Iterable<string>;
  /** Values of u0, u1, ... for this call. */
  readonly params: readonly number[];
  /** Extra GLSL functions the body calls (emitted before it). */
  readonly prelude?: string;
}

export interface KernelCacheStats {
  /** Kernels compiled (gpu.js translation + GLSL compile and link, measured on their first call). */
  compiles: number;
  /** Total milliseconds of those first calls. */
  compileMs: number;
  /** Calls that found their kernel already compiled. */
  hits: number;
  runs: number;
  /** Kernels currently cached. */
  cached: number;
}

/** What gpu.js accepts beyond its published typings (argument types by texture channel count, injected GLSL). */
type ArgumentType = 'ArrayTexture(1)' | 'ArrayTexture(2)' | 'Integer' | 'Array';
interface NativeFunction {
  readonly name: string;
  readonly source: string;
  readonly returnType: 'Float' | 'Array(2)';
  readonly argumentTypes: Record<string, ArgumentType>;
}
export interface GpuJsKernelSettings extends Omit<IGPUKernelSettings, 'argumentTypes' | 'nativeFunctions'> {
  argumentTypes: Record<string, ArgumentType>;
  returnType?: 'Float' | 'Array(2)';
  nativeFunctions?: NativeFunction[];
  injectedNative?: string;
}

/** gpu.js settings every backend kernel shares: textures in and out, sizes as uniforms, highp everywhere. */
export const PIPELINE: Pick<
  GpuJsKernelSettings,
  'pipeline' | 'immutable' | 'dynamicOutput' | 'dynamicArguments' | 'tactic' | 'precision'
> = {
  pipeline: true,
  immutable: true,
  dynamicOutput: true,
  dynamicArguments: true,
  tactic: 'precision',
  precision: 'single',
};

export function createGpuKernel(gpu: GPU, source: string, settings: GpuJsKernelSettings): IKernelRunShortcut {
  return gpu.createKernel(source, settings as unknown as IGPUKernelSettings);
}

/** gpu.js texture wrappers share one WebGL texture (`texture`) between a result and its clones. */
interface GlTextureWrapper {
  readonly texture: WebGLTexture;
}
const glTexture = (t: Texture | undefined): WebGLTexture | undefined => (t as unknown as GlTextureWrapper | undefined)?.texture;

/** Whether one of `inputs` is the texture `kernel` will render into next. */
function feedsBack(kernel: IKernelRunShortcut, inputs: readonly Texture[]): boolean {
  const target = glTexture(kernel.kernel.texture);
  return target !== undefined && inputs.some((t) => glTexture(t) === target);
}

const textureType = (layout: Layout): ArgumentType => (layout === 'rg' ? 'ArrayTexture(2)' : 'ArrayTexture(1)');

/** One compiled kernel and the output size it is currently set up for. */
export class CompiledKernel {
  #size = 0;
  #built = false;

  get built(): boolean {
    return this.#built;
  }

  constructor(
    readonly key: string,
    readonly name: string,
    private readonly kernel: IKernelRunShortcut,
    private readonly stats: KernelCacheStats,
  ) {}

  run(inputs: readonly Texture[], params: readonly number[], size: number): Texture {
    // setOutput gives the kernel a fresh render target. Besides resizing, that is needed when an
    // input *is* the kernel's current render target (its own previous result, fed back): gpu.js then
    // swaps in an older texture it kept for the argument, whose size may be stale under dynamic
    // output, and renders garbage. With a fresh target that path is never taken.
    if (size !== this.#size || (this.#built && feedsBack(this.kernel, inputs))) {
      this.kernel.setOutput([size]);
      this.#size = size;
    }
    const first = !this.#built;
    const start = first ? performance.now() : 0;
    let out: unknown;
    try {
      out = this.kernel(...inputs, ...params);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BackendError(`webgl: the '${this.name}' kernel failed${first ? ' to compile' : ''}: ${reason}`);
    }
    if (first) {
      this.#built = true;
      this.stats.compiles++;
      this.stats.compileMs += performance.now() - start;
    }
    this.stats.runs++;
    return out as Texture;
  }

  destroy(): void {
    try {
      this.kernel.destroy(false);
    } catch {
      // A kernel that never built has nothing to release.
    }
  }
}

export class KernelCache {
  readonly stats: KernelCacheStats = { compiles: 0, compileMs: 0, hits: 0, runs: 0, cached: 0 };
  readonly #kernels = new Map<string, CompiledKernel>();

  constructor(private readonly gpu: GPU) {}

  /** Runs `spec` on `inputs` (textures in the layouts it names) into a new texture of `size` elements. */
  run(spec: KernelSpec, inputs: readonly Texture[], size: number): Texture {
    const kernel = this.get(spec);
    try {
      return kernel.run(inputs, spec.params, size);
    } catch (error) {
      if (!kernel.built) this.#drop(kernel.key);
      throw error;
    }
  }

  /** The compiled kernel for `spec`'s structure (its params are only counted, not part of the key). */
  get(spec: KernelSpec): CompiledKernel {
    const helpers = [...new Set(spec.helpers)].sort();
    const key = `${spec.name}|${spec.inputs.join()}>${spec.output}|${spec.params.length}|${helpers.join()}|${spec.body}|${spec.prelude ?? ''}`;
    const found = this.#kernels.get(key);
    if (found) {
      this.stats.hits++;
      return found;
    }
    const compiled = new CompiledKernel(key, spec.name, this.#compile(spec, helpers), this.stats);
    this.#kernels.set(key, compiled);
    this.stats.cached = this.#kernels.size;
    return compiled;
  }

  #compile(spec: KernelSpec, helpers: readonly string[]): IKernelRunShortcut {
    const textures = spec.inputs.map((_, k) => `t${k}`);
    const ints = spec.params.map((_, j) => `u${j}`);
    const names = [...textures, ...ints];
    const argumentTypes: Record<string, ArgumentType> = {};
    spec.inputs.forEach((layout, k) => {
      argumentTypes[`t${k}`] = textureType(layout);
    });
    for (const u of ints) argumentTypes[u] = 'Integer';
    const signature = [
      'int i',
      ...textures.map((t) => `sampler2D ${t}, ivec2 ${t}Size, ivec3 ${t}Dim`),
      ...ints.map((u) => `int ${u}`),
    ].join(', ');
    const returnType = spec.output === 'rg' ? 'Array(2)' : 'Float';
    const main: NativeFunction = {
      name: 'strata_main',
      source: `${spec.output === 'rg' ? 'vec2' : 'float'} strata_main(${signature}) {\n  ${spec.body}\n}`,
      returnType,
      argumentTypes: { i: 'Integer', ...argumentTypes },
    };
    const source = `function(${names.join(', ')}) { return strata_main(this.thread.x${names.map((n) => `, ${n}`).join('')}); }`;
    return createGpuKernel(this.gpu, source, {
      ...PIPELINE,
      output: [1],
      argumentTypes,
      returnType,
      nativeFunctions: [main],
      injectedNative: `${helperSource(helpers)}\n${ACCESS_GLSL}\n${spec.prelude ?? ''}`,
    });
  }

  #drop(key: string): void {
    const kernel = this.#kernels.get(key);
    if (!kernel) return;
    this.#kernels.delete(key);
    kernel.destroy();
    this.stats.cached = this.#kernels.size;
  }

  clear(): void {
    for (const kernel of this.#kernels.values()) kernel.destroy();
    this.#kernels.clear();
    this.stats.cached = 0;
  }
}
