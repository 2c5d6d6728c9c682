/**
 * Getting a WebGL2 context that can render to float textures, and watching it.
 *
 * The backend creates its own canvas and context (or takes the caller's) and
 * hands both to gpu.js, so it can check what gpu.js would otherwise discover
 * late (WebGL2, EXT_color_buffer_float) and give a clear error instead. Context
 * loss (driver reset, too many contexts, WEBGL_lose_context) invalidates every
 * texture: afterwards each op and read throws a BackendError saying so.
 */
import { BackendError } from '@strata/core';

export interface WebGlBackendOptions {
  /** A canvas to draw with (HTMLCanvasElement or OffscreenCanvas); by default the backend makes one. */
  readonly canvas?: HTMLCanvasElement | OffscreenCanvas;
  /** An existing WebGL2 context (its canvas is then used); the backend will not lose it on destroy. */
  readonly context?: WebGL2RenderingContext;
  readonly powerPreference?: WebGLPowerPreference;
}

export const NO_WEBGL2 =
  'WebGL2 is not available in this environment. The webgl backend runs in browsers with WebGL2 ' +
  '(Chrome/Edge 56+, Firefox 51+, Safari 15+); in Node use the cpu, wasm or webgpu backend ' +
  "(initBackend(['webgpu', 'webgl', 'wasm', 'cpu']) picks the first that works).";

const NO_FLOAT_TARGETS =
  'WebGL2 is available but cannot render to float textures (EXT_color_buffer_float is missing), ' +
  'which the webgl backend needs for float32 tensors. Use the webgpu or cpu backend on this device.';

function createCanvas(): HTMLCanvasElement | OffscreenCanvas | undefined {
  if (typeof document !== 'undefined' && typeof document.createElement === 'function') {
    const canvas = document.createElement('canvas');
    canvas.width = 1;
    canvas.height = 1;
    return canvas;
  }
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(1, 1);
  return undefined;
}

export interface AcquiredContext {
  readonly canvas: HTMLCanvasElement | OffscreenCanvas;
  readonly gl: WebGL2RenderingContext;
  /** Whether the backend created the context (and so may lose it on destroy). */
  readonly owned: boolean;
}

/** A WebGL2 context with EXT_color_buffer_float enabled, or a BackendError saying why not. */
export function acquireContext(options: WebGlBackendOptions): AcquiredContext {
  if (options.context) {
    const gl = options.context;
    if (typeof WebGL2RenderingContext === 'undefined' || !(gl instanceof WebGL2RenderingContext)) {
      throw new BackendError('webgl: options.context must be a WebGL2RenderingContext');
    }
    if (!gl.getExtension('EXT_color_buffer_float')) throw new BackendError(NO_FLOAT_TARGETS);
    return { canvas: gl.canvas, gl, owned: false };
  }
  const canvas = options.canvas ?? createCanvas();
  if (!canvas || typeof WebGL2RenderingContext === 'undefined') throw new BackendError(NO_WEBGL2);
  const attributes: WebGLContextAttributes = {
    alpha: false,
    antialias: false,
    depth: false,
    stencil: false,
    premultipliedAlpha: false,
    preserveDrawingBuffer: false,
    powerPreference: options.powerPreference ?? 'high-performance',
  };
  const gl = canvas.getContext('webgl2', attributes) as WebGL2RenderingContext | null;
  if (!gl) throw new BackendError(`${NO_WEBGL2} (this browser returned no WebGL2 context: it may be disabled or blocklisted)`);
  if (!gl.getExtension('EXT_color_buffer_float')) throw new BackendError(NO_FLOAT_TARGETS);
  return { canvas, gl, owned: true };
}

/**
 * Tracks loss of the context. `check(op)` is called before every op and read;
 * gl.isContextLost() answers at once, where the 'webglcontextlost' event
 * arrives only in a later task.
 */
export class ContextGuard {
  #lost = false;
  #destroyed = false;
  readonly #onLost = (event: Event) => {
    // Without preventDefault the browser never restores; we do not restore either
    // (every texture is gone), but we say so instead of leaving it to the browser.
    event.preventDefault();
    this.#lost = true;
  };

  constructor(
    readonly canvas: HTMLCanvasElement | OffscreenCanvas,
    readonly gl: WebGL2RenderingContext,
  ) {
    canvas.addEventListener('webglcontextlost', this.#onLost as EventListener);
  }

  get lost(): boolean {
    if (!this.#lost && this.gl.isContextLost()) this.#lost = true;
    return this.#lost;
  }

  /** Whether textures may still be touched (not lost, not destroyed). */
  get usable(): boolean {
    return !this.#destroyed && !this.lost;
  }

  check(op: string): void {
    if (this.#destroyed) throw new BackendError(`webgl ${op}: the backend was destroyed; create a new one`);
    if (this.lost) {
      throw new BackendError(
        `webgl ${op}: the WebGL context was lost (GPU reset, driver update, or too many WebGL contexts); ` +
          'every tensor on this backend is gone. Create a new backend (createWebGlBackend()) and recreate the tensors.',
      );
    }
  }

  markDestroyed(): void {
    this.#destroyed = true;
    this.canvas.removeEventListener('webglcontextlost', this.#onLost as EventListener);
  }
}
