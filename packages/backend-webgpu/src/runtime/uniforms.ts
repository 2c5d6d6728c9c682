/**
 * Per-dispatch uniform parameters without a createBuffer per dispatch.
 *
 * A batch of dispatches (one command encoder) sub-allocates its uniforms from
 * a few fixed chunks, aligned to minUniformBufferOffsetAlignment; the words are
 * staged on the CPU and uploaded with one writeBuffer per chunk just before the
 * batch is submitted. The chunks are reused by the next batch at once: queue
 * operations run in order, so a writeBuffer issued after a submit cannot change
 * what that submitted batch reads. The ring only grows when one batch needs
 * more chunks than any batch before it.
 */
import { BufferUsage } from './flags';

export interface UniformSlice {
  readonly buffer: GPUBuffer;
  readonly offset: number;
  readonly size: number;
}

interface Chunk {
  readonly buffer: GPUBuffer;
  readonly staging: Uint32Array;
}

export class UniformRing {
  readonly #chunks: Chunk[] = [];
  #chunk = 0;
  #cursor = 0;
  readonly #chunkBytes: number;
  readonly #align: number;

  constructor(
    private readonly device: GPUDevice,
    chunkBytes = 65536,
  ) {
    this.#align = Math.max(16, device.limits.minUniformBufferOffsetAlignment);
    this.#chunkBytes = Math.min(chunkBytes, device.limits.maxUniformBufferBindingSize);
  }

  /** Copies `words` into this batch's uniform memory; the slice stays valid until `upload`. */
  alloc(words: Uint32Array): UniformSlice {
    const size = Math.max(16, Math.ceil(words.byteLength / 16) * 16);
    if (size > this.#chunkBytes) {
      throw new RangeError(`uniform block of ${words.byteLength} bytes exceeds the ${this.#chunkBytes}-byte chunk size`);
    }
    if (this.#cursor + size > this.#chunkBytes) {
      this.#chunk++;
      this.#cursor = 0;
    }
    const chunk = this.#chunkAt(this.#chunk);
    const offset = this.#cursor;
    chunk.staging.fill(0, offset / 4, (offset + size) / 4);
    chunk.staging.set(words, offset / 4);
    this.#cursor = Math.ceil((offset + size) / this.#align) * this.#align;
    return { buffer: chunk.buffer, offset, size };
  }

  /** Whether nothing has been allocated since the last upload. */
  get empty(): boolean {
    return this.#chunk === 0 && this.#cursor === 0;
  }

  /** Writes the batch's uniforms to the GPU (call right before submitting the batch) and starts a new batch. */
  upload(queue: GPUQueue): void {
    for (let c = 0; c <= this.#chunk && c < this.#chunks.length; c++) {
      const chunk = this.#chunks[c] as Chunk;
      const used = c < this.#chunk ? this.#chunkBytes : this.#cursor;
      if (used > 0) queue.writeBuffer(chunk.buffer, 0, chunk.staging.buffer, 0, Math.min(used, this.#chunkBytes));
    }
    this.#chunk = 0;
    this.#cursor = 0;
  }

  /** How many chunks exist (flat over a steady loop: no allocation per dispatch). */
  get chunkCount(): number {
    return this.#chunks.length;
  }

  destroy(): void {
    for (const c of this.#chunks) c.buffer.destroy();
    this.#chunks.length = 0;
  }

  #chunkAt(index: number): Chunk {
    let chunk = this.#chunks[index];
    if (!chunk) {
      chunk = {
        buffer: this.device.createBuffer({
          size: this.#chunkBytes,
          usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
          label: `uniforms:${index}`,
        }),
        staging: new Uint32Array(this.#chunkBytes / 4),
      };
      this.#chunks.push(chunk);
    }
    return chunk;
  }
}
