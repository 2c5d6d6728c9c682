/**
 * Feature detection by validation: a tiny module that uses the feature is
 * handed to `WebAssembly.validate`, which says yes only where the engine
 * supports it. Nothing is compiled or run.
 */
import { ModuleBuilder } from './module';
import { simd, valType } from './opcodes';

/** What the engine supports, as far as this package cares. */
export interface WasmFeatures {
  /** Fixed-width 128-bit SIMD (required for the fast kernels). */
  readonly simd: boolean;
  /** Relaxed SIMD: `f32x4.relaxed_madd` lets the engine emit a fused multiply-add. */
  readonly relaxedSimd: boolean;
  /** Shared memories (the threads proposal) and SharedArrayBuffer to back them. */
  readonly sharedMemory: boolean;
}

/** `WebAssembly.validate`'s signature; tests pass a stand-in to simulate an engine without a feature. */
export type Validate = (bytes: Uint8Array<ArrayBuffer>) => boolean;

const defaultValidate: Validate = (bytes) => WebAssembly.validate(bytes);

/** A module with one function `() -> ()` whose body `emit` writes. */
function probe(emit: (b: ModuleBuilder) => void): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  emit(m);
  return m.bytes();
}

/** The probe modules, exported for the emitter's own tests. */
export const probes = {
  simd: probe((m) =>
    m.func('f', [], [], (f) => {
      f.v128Zero().f32x4ExtractLane(0).emit(0x1a);
    }),
  ),
  relaxedSimd: probe((m) =>
    m.func('f', [], [], (f) => {
      f.v128Zero().v128Zero().v128Zero().simd(simd.f32x4RelaxedMadd).f32x4ExtractLane(0).emit(0x1a);
    }),
  ),
  sharedMemory: probe((m) =>
    m.importMemory({ module: 'env', name: 'memory', initial: 1, maximum: 1, shared: true }).func('f', [], [valType.i32], (f) => {
      f.i32(0).i32Load();
    }),
  ),
};

export function detectFeatures(validate: Validate = defaultValidate): WasmFeatures {
  const check = (bytes: Uint8Array<ArrayBuffer>): boolean => {
    try {
      return validate(bytes);
    } catch {
      return false;
    }
  };
  const simdOk = typeof WebAssembly === 'object' && check(probes.simd);
  return {
    simd: simdOk,
    relaxedSimd: simdOk && check(probes.relaxedSimd),
    sharedMemory: typeof SharedArrayBuffer === 'function' && check(probes.sharedMemory),
  };
}
