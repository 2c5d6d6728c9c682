import type { Backend } from '../backend/backend';
import type { DType } from '../dtype';
import { DisposedError, fmtShape } from '../errors';
import type { TensorExtensions } from '../index';
import type { Shape } from '../shape';
import { track } from './scope';
import { type Storage, statsFor } from './storage';

const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

/**
 * Safety net for tensors dropped without dispose(): when the GC collects the
 * handle, its storage reference is released. Deterministic release (dispose,
 * tidy, `using`) is still the way to keep GPU memory flat.
 */
const finalizer = new FinalizationRegistry<{ storage: Storage; backend: string }>(({ storage, backend }) => {
  statsFor(backend).numTensors--;
  storage.release();
});

let nextId = 0;

/** @internal Set by the engine from the op observer: told when a handle is disposed. */
export const tensorHooks: { onDispose: ((t: Tensor) => void) | null } = { onDispose: null };

// Merges members that other packages declare on TensorExtensions into Tensor
// (the class implements them at run time through its prototype).
export interface Tensor extends TensorExtensions {}

/**
 * An immutable handle onto (a strided window of) backend storage. Views share
 * storage; every op returns a new tensor. Methods such as `add` or `sum` are
 * attached by the op files (see ops/), each next to its functional form.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above.
export class Tensor {
  readonly id = nextId++;
  readonly shape: Shape;
  #strides: readonly number[];
  #offset: number;
  readonly dtype: DType;
  readonly size: number;
  #storage: Storage;
  #disposed = false;
  #version = 0;

  /** @internal Tensors are made by ops and creation functions, not by `new`. */
  constructor(storage: Storage, shape: Shape, strides: readonly number[], offset: number, dtype: DType) {
    this.#storage = storage;
    this.shape = Object.freeze([...shape]);
    this.#strides = Object.freeze([...strides]);
    this.#offset = offset;
    this.dtype = dtype;
    let size = 1;
    for (const d of shape) size *= d;
    this.size = size;
    storage.retain();
    statsFor(storage.backend.name).numTensors++;
    finalizer.register(this, { storage, backend: storage.backend.name }, this);
    track(this);
  }

  /** Elements to step in storage per index of each dim (0 for broadcast dims). */
  get strides(): readonly number[] {
    return this.#strides;
  }

  /** How many times `assign` has replaced this tensor's values (autograd checks it). */
  get version(): number {
    return this.#version;
  }

  /** Index of the first element in storage. */
  get offset(): number {
    return this.#offset;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get backend(): Backend {
    return this.#storage.backend;
  }

  /** @internal The reference-counted storage behind this handle. */
  get storage(): Storage {
    return this.#storage;
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** Releases this handle. Storage is freed when its last handle (views included) goes. */
  dispose(): void {
    if (this.#disposed) {
      throw new DisposedError(`dispose: tensor ${fmtShape(this.shape)} (${this.dtype}, id ${this.id}) was already disposed`);
    }
    this.#disposed = true;
    tensorHooks.onDispose?.(this);
    finalizer.unregister(this);
    statsFor(this.#storage.backend.name).numTensors--;
    this.#storage.release();
  }

  [disposeSymbol](): void {
    if (!this.#disposed) this.dispose();
  }

  /**
   * @internal Points this handle at other storage (see `assign`). The handle
   * keeps its identity, so everything holding it sees the new values.
   */
  swapStorage(storage: Storage, strides: readonly number[], offset: number): void {
    storage.retain();
    const old = this.#storage;
    finalizer.unregister(this);
    this.#storage = storage;
    this.#strides = Object.freeze([...strides]);
    this.#offset = offset;
    this.#version++;
    finalizer.register(this, { storage, backend: storage.backend.name }, this);
    if (old.backend !== storage.backend) {
      statsFor(old.backend.name).numTensors--;
      statsFor(storage.backend.name).numTensors++;
    }
    old.release();
  }

  /** @internal Throws a clear error when an op meets a disposed tensor. */
  assertAlive(op: string): void {
    if (this.#disposed) {
      throw new DisposedError(
        `${op}: tensor ${fmtShape(this.shape)} (${this.dtype}, id ${this.id}) was disposed; keep it alive (tidy's return value, keep(t)) or recompute it`,
      );
    }
  }
}

export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}
