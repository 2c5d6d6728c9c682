/**
 * A pool of GPU buffers in power-of-two size classes. Tensors come and go at
 * the rate of ops (thousands per second), and createBuffer/destroy on every op
 * is slow and fragments memory, so freed buffers wait in a per-class free list
 * for the next request of that class. The pool never destroys a buffer on its
 * own; `trim()` and `destroy()` do.
 *
 * Rounding up to a power of two wastes at most half of a buffer; a request
 * whose class would exceed `maxBytes` (the device's limit) gets its exact size,
 * rounded to 4, and one above `maxBytes` is refused with a clear error.
 */
export interface PoolStats {
  /** Buffers handed out and not yet released. */
  readonly live: number;
  /** Buffers waiting in the free lists. */
  readonly free: number;
  /** Bytes held by live and free buffers together. */
  readonly bytes: number;
  /** Buffers ever created (a flat count over a steady loop means reuse works). */
  readonly created: number;
}

export class BufferPool {
  readonly #free = new Map<number, GPUBuffer[]>();
  readonly #live = new Set<GPUBuffer>();
  #freeCount = 0;
  #bytes = 0;
  #created = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    private readonly label: string,
    private readonly minBytes = 256,
    private readonly maxBytes = device.limits.maxBufferSize,
  ) {}

  /** The size a request of `bytes` is rounded up to. */
  sizeClass(bytes: number): number {
    const want = Math.max(this.minBytes, Math.ceil(bytes / 4) * 4);
    let size = this.minBytes;
    while (size < want) size *= 2;
    return size <= this.maxBytes ? size : want;
  }

  /**
   * A buffer of at least `bytes` bytes; reused from the free list (most
   * recently freed first) when one of its class is there and not in `avoid`.
   */
  acquire(bytes: number, avoid?: ReadonlySet<GPUBuffer>): GPUBuffer {
    const size = this.sizeClass(bytes);
    if (size > this.maxBytes) {
      throw new RangeError(
        `${this.label}: a buffer of ${bytes} bytes exceeds this device's limit of ${this.maxBytes} bytes ` +
          '(maxBufferSize / maxStorageBufferBindingSize); split the tensor into smaller ones',
      );
    }
    const list = this.#free.get(size);
    let buffer: GPUBuffer | undefined;
    if (list) {
      for (let i = list.length - 1; i >= 0; i--) {
        const candidate = list[i] as GPUBuffer;
        if (avoid?.has(candidate)) continue;
        buffer = candidate;
        list.splice(i, 1);
        break;
      }
    }
    if (buffer) {
      this.#freeCount--;
    } else {
      buffer = this.device.createBuffer({ size, usage: this.usage, label: `${this.label}:${size}` });
      this.#bytes += size;
      this.#created++;
    }
    this.#live.add(buffer);
    return buffer;
  }

  /** Returns a buffer from `acquire` to its free list. */
  release(buffer: GPUBuffer): void {
    if (!this.#live.delete(buffer)) throw new Error(`${this.label}: released a buffer the pool does not own (or twice)`);
    let list = this.#free.get(buffer.size);
    if (!list) {
      list = [];
      this.#free.set(buffer.size, list);
    }
    list.push(buffer);
    this.#freeCount++;
  }

  /** Destroys every free buffer (live ones stay). */
  trim(): void {
    for (const list of this.#free.values()) {
      for (const b of list) {
        this.#bytes -= b.size;
        b.destroy();
      }
    }
    this.#free.clear();
    this.#freeCount = 0;
  }

  /** Destroys every buffer, live or free. */
  destroy(): void {
    this.trim();
    for (const b of this.#live) b.destroy();
    this.#live.clear();
    this.#bytes = 0;
  }

  get stats(): PoolStats {
    return { live: this.#live.size, free: this.#freeCount, bytes: this.#bytes, created: this.#created };
  }
}
