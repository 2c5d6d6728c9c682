/**
 * The layout of the one WebAssembly memory, and a bump allocator over it.
 *
 *   [0, 64 KiB)                 control words (one slot per thread, see worker-source.ts)
 *   [64 KiB, heapBase)          per-thread gemm scratch: packed A block, packed B block, edge tile
 *   [heapBase, ...)             per-call operands: reset at the start of every kernel call
 *
 * Kernels are synchronous and never nest, so one bump allocator, reset per
 * call, is all the allocation there is. The memory grows on demand (with a
 * quarter of headroom) and never shrinks: WebAssembly memories cannot.
 * Growing a shared memory keeps its buffer in place, so views made before a
 * growth stay valid (only shorter); views are refreshed when the buffer changes.
 */

export const PAGE_BYTES = 65536;
export const CONTROL_BYTES = PAGE_BYTES;
/** 2 GiB: pointers stay below 2^31, so the emitted code may compare them as signed i32. */
export const MAX_PAGES = 32768;
const ALIGN = 64;

/** The operands of one call do not fit in the memory's maximum size. */
export class ArenaFullError extends Error {
  override name = 'ArenaFullError';
}

export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly heapBase: number;
  #top: number;
  #buffer: ArrayBufferLike | undefined;
  #f32 = new Float32Array(0);
  #i32 = new Int32Array(0);

  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    this.heapBase = heapBase;
    this.#top = heapBase;
    this.ensure(heapBase);
  }

  /** Frees everything allocated since the last reset. */
  reset(): void {
    this.#top = this.heapBase;
  }

  /** Reserves `bytes` (64-byte aligned) and returns their address; grows the memory if needed. */
  alloc(bytes: number): number {
    const at = Math.ceil(this.#top / ALIGN) * ALIGN;
    const end = at + bytes;
    this.ensure(end);
    this.#top = end;
    return at;
  }

  /** Grows the memory to hold at least `bytes`. */
  ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const limit = MAX_PAGES * PAGE_BYTES;
    if (bytes > limit) {
      throw new ArenaFullError(`wasm backend: an op needs ${bytes} bytes of WebAssembly memory, over the ${limit}-byte maximum`);
    }
    const target = Math.min(limit, Math.max(bytes, Math.ceil(have * 1.25)));
    try {
      this.memory.grow(Math.ceil((target - have) / PAGE_BYTES));
    } catch (error) {
      throw new ArenaFullError(`wasm backend: could not grow WebAssembly memory to ${target} bytes (${String(error)})`);
    }
  }

  f32(): Float32Array {
    this.#refresh();
    return this.#f32;
  }

  i32(): Int32Array {
    this.#refresh();
    return this.#i32;
  }

  #refresh(): void {
    const buffer = this.memory.buffer;
    if (buffer === this.#buffer && this.#f32.byteLength === buffer.byteLength) return;
    this.#buffer = buffer;
    this.#f32 = new Float32Array(buffer);
    this.#i32 = new Int32Array(buffer);
  }
}
