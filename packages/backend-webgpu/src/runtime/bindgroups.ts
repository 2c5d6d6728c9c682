/**
 * Bind groups cached by (layout, uniform chunk and block size, buffers). createBindGroup is
 * the most expensive call of a dispatch in Dawn (tens of microseconds, more
 * than a small kernel runs on llvmpipe), and steady loops repeat the same
 * combinations: the pool hands buffers back in LIFO order, and the uniform
 * block is bound with a dynamic offset (layouts.ts), so where a dispatch's
 * uniforms land in the ring does not matter. Cached groups hold their buffers alive, so
 * the cache is cleared whenever the pool destroys buffers.
 */
import type { UniformSlice } from './uniforms';

export class BindGroupCache {
  readonly #ids = new WeakMap<object, number>();
  #nextId = 1;
  readonly #groups = new Map<string, GPUBindGroup>();
  #hits = 0;
  #misses = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxEntries = 4096,
  ) {}

  #id(o: object): number {
    let id = this.#ids.get(o);
    if (id === undefined) {
      id = this.#nextId++;
      this.#ids.set(o, id);
    }
    return id;
  }

  /**
   * The bind group with `uniform`'s chunk at binding 0 (offset 0, bound with a
   * dynamic offset at dispatch; when given) and `buffers` at 1..n.
   */
  get(layout: GPUBindGroupLayout, uniform: UniformSlice | undefined, buffers: readonly GPUBuffer[]): GPUBindGroup {
    let key = `${this.#id(layout)}`;
    if (uniform) key += `u${this.#id(uniform.buffer)}:${uniform.size}`;
    for (const b of buffers) key += `,${this.#id(b)}`;
    let group = this.#groups.get(key);
    if (group) {
      this.#hits++;
      return group;
    }
    this.#misses++;
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } }));
    if (uniform) entries.push({ binding: 0, resource: { buffer: uniform.buffer, offset: 0, size: uniform.size } });
    group = this.device.createBindGroup({ layout, entries });
    if (this.#groups.size >= this.maxEntries) this.#groups.clear();
    this.#groups.set(key, group);
    return group;
  }

  clear(): void {
    this.#groups.clear();
  }

  get stats(): { readonly hits: number; readonly misses: number; readonly size: number } {
    return { hits: this.#hits, misses: this.#misses, size: this.#groups.size };
  }
}
