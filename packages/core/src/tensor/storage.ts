import type { Backend } from '../backend/backend';
import { bytesPerElement, type DType } from '../dtype';

/** Per-backend live counts, as `memory()` reports them. */
export interface BackendMemory {
  numTensors: number;
  numStorages: number;
  numBytes: number;
}

const stats = new Map<string, BackendMemory>();

export function statsFor(backend: string): BackendMemory {
  let s = stats.get(backend);
  if (!s) {
    s = { numTensors: 0, numStorages: 0, numBytes: 0 };
    stats.set(backend, s);
  }
  return s;
}

export function allStats(): ReadonlyMap<string, BackendMemory> {
  return stats;
}

/**
 * Reference-counted backend storage. Every tensor handle (a tensor and each of
 * its views) holds one reference; the backend frees the storage when the last
 * one is released.
 */
export class Storage {
  private refs = 0;
  readonly bytes: number;

  constructor(
    readonly backend: Backend,
    readonly handle: object,
    readonly dtype: DType,
    readonly size: number,
  ) {
    this.bytes = size * bytesPerElement[dtype];
    const s = statsFor(backend.name);
    s.numStorages++;
    s.numBytes += this.bytes;
  }

  get released(): boolean {
    return this.refs < 0;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs > 0) return;
    this.refs = -1;
    const s = statsFor(this.backend.name);
    s.numStorages--;
    s.numBytes -= this.bytes;
    (this.backend.free as (h: object) => void)(this.handle);
  }
}
