import type { DType, StorageArray } from '../dtype';
import type { FusedKernels } from './fused';
import type { KernelTable } from './primitives';

/** What a backend declares about itself; the conformance suite sets skips and tolerances from it. */
export interface BackendCapabilities {
  /** dtypes the backend stores natively. Others are rejected with a clear error. */
  readonly dtypes: readonly DType[];
  /** Whether `readSync` exists (CPU, WebGL) or reads must be awaited (WebGPU). */
  readonly syncRead: boolean;
  /** Relative error of float32 math compared to exact arithmetic (1.2e-7 for IEEE float32). */
  readonly floatEpsilon: number;
}

/**
 * A compute backend: buffer-level storage plus one kernel per primitive.
 * `S` is the backend's own storage handle (a typed array, a GPUBuffer, ...).
 */
export interface Backend<S extends object = object> {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  readonly kernels: KernelTable<S>;
  /** Optional fast paths for composites; core falls back to the composite when absent. */
  readonly fused?: FusedKernels<S>;
  /** Copies host data into new storage. `data.length` elements of `dtype`. */
  upload(data: StorageArray, dtype: DType): S;
  /** Resolves to the storage's contents (a copy the caller owns). */
  read(storage: S, dtype: DType, size: number): Promise<StorageArray>;
  /** Synchronous read; only where `capabilities.syncRead`. */
  readSync?(storage: S, dtype: DType, size: number): StorageArray;
  /** Releases storage. Called exactly once per storage, by core's reference counting. */
  free(storage: S): void;
  /** Releases everything the backend holds (device, pools). */
  destroy?(): void;
}

/** Something that creates a backend; async because GPU backends await an adapter. */
export type BackendFactory<S extends object = object> = () => Backend<S> | Promise<Backend<S>>;
