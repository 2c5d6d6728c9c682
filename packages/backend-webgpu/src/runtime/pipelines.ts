/**
 * Compute pipelines cached by their WGSL source. Kernel builders put sizes in
 * uniforms, so the source depends only on the structure of a call and a model
 * compiles a few dozen pipelines, once.
 *
 * createComputePipeline is synchronous but reports errors asynchronously, so
 * each first compile runs inside a validation error scope; a failure is turned
 * into a `KernelCompileError` naming the kernel, with each compiler message
 * next to the offending source line, and is thrown (once) by the next op or read.
 */
import { BackendError } from '@strata/core';
import { type KernelLayout, LayoutCache } from './layouts';

export class KernelCompileError extends BackendError {
  override name = 'KernelCompileError';
}

/** Formats compiler messages with the source lines they point at. */
export function formatCompileError(
  name: string,
  code: string,
  messages: readonly GPUCompilationMessage[],
  fallback: string,
): string {
  const lines = code.split('\n');
  const parts = messages
    .filter((m) => m.type === 'error')
    .map((m) => {
      const source = m.lineNum > 0 ? lines[m.lineNum - 1] : undefined;
      const where = m.lineNum > 0 ? `line ${m.lineNum}:${m.linePos}: ` : '';
      return source === undefined ? `  ${where}${m.message}` : `  ${where}${m.message}\n    ${m.lineNum} | ${source.trim()}`;
    });
  const detail = parts.length > 0 ? parts.join('\n') : `  ${fallback}`;
  return `WebGPU kernel '${name}' failed to compile:\n${detail}\n(this is a bug in @strata/backend-webgpu; please report it with the message above)`;
}

/** A compiled kernel and its (shared, explicit) layout. */
export interface CachedPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: KernelLayout;
}

export class PipelineCache {
  readonly #pipelines = new Map<string, CachedPipeline>();
  readonly #checks = new Set<Promise<void>>();
  #error: KernelCompileError | undefined;
  #compiles = 0;
  #failures = 0;
  readonly #layouts: LayoutCache;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxEntries = 2048,
  ) {
    this.#layouts = new LayoutCache(device);
  }

  /** The pipeline for `code` (entry point `main`), compiling it on first use. */
  get(name: string, code: string): CachedPipeline {
    const cached = this.#pipelines.get(code);
    if (cached) return cached;
    const layout = this.#layouts.forCode(code);
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code, label: name });
    const pipeline = this.device.createComputePipeline({
      layout: layout.pipelineLayout,
      compute: { module, entryPoint: 'main' },
      label: name,
    });
    const check = this.device
      .popErrorScope()
      .then(async (error) => {
        if (!error) return;
        this.#failures++;
        const info = await module.getCompilationInfo();
        this.#error ??= new KernelCompileError(formatCompileError(name, code, info.messages, error.message));
      })
      .finally(() => this.#checks.delete(check));
    this.#checks.add(check);
    if (this.#pipelines.size >= this.maxEntries) {
      const oldest = this.#pipelines.keys().next().value;
      if (oldest !== undefined) this.#pipelines.delete(oldest);
    }
    const entry = { pipeline, layout };
    this.#pipelines.set(code, entry);
    this.#compiles++;
    return entry;
  }

  /**
   * Throws the first compile error seen since the last report, once: the batch
   * that used the broken kernel is lost, but later ops still run.
   */
  throwIfFailed(): void {
    const error = this.#error;
    this.#error = undefined;
    if (error) throw error;
  }

  /** Waits for every pending compile check, then throws the first error, if any. */
  async settle(): Promise<void> {
    while (this.#checks.size > 0) await Promise.all([...this.#checks]);
    this.throwIfFailed();
  }

  get size(): number {
    return this.#pipelines.size;
  }

  /** Kernels that failed to compile so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Pipelines compiled so far (a hit costs nothing, so this counts misses). */
  get compiles(): number {
    return this.#compiles;
  }
}
