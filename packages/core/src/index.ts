/**
 * @packageDocumentation
 * Tensors, the typed backend contract, memory management, seeded random
 * numbers, and the CPU backend (registered and selected by default).
 */
import { createCpuBackend } from './cpu/backend';
import { registerBackend, useBackend } from './engine';

// Side-effect imports: each op file attaches its Tensor methods.
import './tensor/reads';
import './tensor/assign';

export type { Backend, BackendCapabilities, BackendFactory } from './backend/backend';
export {
  type BinaryScalarOp,
  binaryScalarOps,
  E,
  type Expr,
  exprArity,
  exprKey,
  type UnaryScalarOp,
  unaryScalarOps,
} from './backend/expr';
export type { FusedKernel, FusedKernels, FusedOp, FusedParams } from './backend/fused';
export type { OpObserver, OpRecord } from './backend/observer';
export {
  type Kernel,
  type KernelTable,
  type OutputSpec,
  type PadMode,
  type Primitive,
  type PrimitiveParams,
  primitives,
  type RandomDistribution,
  type ReduceOp,
  type ScanOp,
  type View,
} from './backend/primitives';
export type { ViewOp, ViewParams } from './backend/views';
export { createCpuBackend } from './cpu/backend';
export { bytesPerElement, type DataArray, type DType, dtypes, isFloat, promoteTypes, type StorageArray } from './dtype';
export {
  backendByName,
  fromStorageArray,
  getBackend,
  getOpObserver,
  type InitBackendResult,
  initBackend,
  makeView,
  registerBackend,
  registeredBackends,
  retainHandle,
  runFused,
  runPrimitive,
  setBackend,
  setOpObserver,
  useBackend,
} from './engine';
export { BackendError, DisposedError, DTypeError, ShapeError } from './errors';
export { float16BitsToFloat32, float32ToFloat16Bits } from './float16';
export {
  type LoadedSafetensors,
  type LoadSafetensorsOptions,
  loadSafetensors,
  loadSafetensorsFromUrl,
  SAFETENSORS_MAX_HEADER_BYTES,
  type SafetensorsDType,
  SafetensorsError,
  type SaveSafetensorsOptions,
  safetensorsReadDTypes,
  saveSafetensors,
} from './io/safetensors';
export { keep, type MemoryInfo, memory, tidy } from './memory';
export * from './ops/index';
export { defaultGenerator, Generator, manualSeed } from './random/generator';
export { philox4x32 } from './random/philox';
export { broadcastShapes, contiguousStrides, isContiguous, type Shape, sizeOf } from './shape';
export { assign } from './tensor/assign';
export type { BackendMemory } from './tensor/storage';
export { isTensor, Tensor } from './tensor/tensor';

/**
 * Members other packages add to Tensor (autograd adds `backward`, `grad` ...).
 * It is declared here, in the entry module, so that
 * `declare module '@strata/core' { interface TensorExtensions { ... } }`
 * augments it both from source and from the bundled declarations.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by module augmentation in other packages.
export interface TensorExtensions {}

registerBackend('cpu', createCpuBackend, { priority: 0 });
useBackend(createCpuBackend());
