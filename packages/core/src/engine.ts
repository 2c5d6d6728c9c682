/**
 * The small global state core needs: registered backends and the current one,
 * and the op observer. Ops call `runPrimitive` / `runFused` / `makeView`; those
 * are the only places tensors are produced from other tensors, so checks
 * (disposed, same backend, supported dtype) and observation live here once.
 */
import type { Backend, BackendFactory } from './backend/backend';
import type { FusedOp, FusedParams } from './backend/fused';
import type { OpObserver, OpRecord } from './backend/observer';
import type { OutputSpec, Primitive, PrimitiveParams, View } from './backend/primitives';
import type { ViewOp, ViewParams } from './backend/views';
import { allocStorageArray, type DType, type StorageArray } from './dtype';
import { BackendError, DTypeError } from './errors';
import { contiguousStrides, type Shape, sizeOf } from './shape';
import { keep } from './tensor/scope';
import { Storage } from './tensor/storage';
import { Tensor, tensorHooks } from './tensor/tensor';

interface Registered {
  factory: () => Promise<Backend> | Backend;
  priority: number;
  instance?: Backend;
  /** The instantiation in flight: concurrent first uses share it rather than each creating a backend. */
  pending?: Promise<Backend>;
}

const registry = new Map<string, Registered>();
let current: Backend | undefined;
let observer: OpObserver | null = null;

/**
 * Backends are stored type-erased (`Backend<object>`): each kernel only ever
 * receives storage its own backend produced, which `runPrimitive` guarantees by
 * checking that all inputs share the backend. This is the one place the
 * storage type is forgotten.
 */
const erase = <S extends object>(b: Backend<S>): Backend => b as unknown as Backend;

export function registerBackend<S extends object>(
  name: string,
  factory: BackendFactory<S>,
  options: { priority?: number } = {},
): void {
  registry.set(name, { factory: async () => erase(await factory()), priority: options.priority ?? 0 });
}

export function registeredBackends(): string[] {
  return [...registry.keys()];
}

async function instantiate(name: string): Promise<Backend> {
  const entry = registry.get(name);
  if (!entry) {
    throw new BackendError(
      `backend '${name}' is not registered (registered: ${registeredBackends().join(', ') || 'none'}); import its package and call registerBackend first`,
    );
  }
  if (entry.instance) return entry.instance;
  entry.pending ??= (async () => {
    try {
      entry.instance = await entry.factory();
      return entry.instance;
    } finally {
      entry.pending = undefined; // a failed factory may be retried later
    }
  })();
  return entry.pending;
}

/** Makes `name` the backend new tensors are created on. Async: GPU backends await their device. */
export async function setBackend(name: string): Promise<Backend> {
  current = await instantiate(name);
  return current;
}

/** Registers an already-created backend instance (useful for tests and custom backends). */
export function useBackend<S extends object>(backend: Backend<S>): void {
  const erased = erase(backend);
  registry.set(backend.name, { factory: () => erased, priority: 0, instance: erased });
  current = erased;
}

export function getBackend(): Backend {
  if (!current) {
    const cpu = registry.get('cpu');
    if (cpu?.instance) current = cpu.instance;
    else throw new BackendError('no backend is set: call setBackend(name) or initBackend([...]) first');
  }
  return current;
}

/** Returns an initialised backend by name (initialising it if needed) without making it current. */
export async function backendByName(name: string): Promise<Backend> {
  return instantiate(name);
}

export interface InitBackendResult {
  readonly backend: string;
  /** Backends tried before the chosen one, with the reason each was skipped. */
  readonly skipped: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
}

/**
 * The registered backends, highest priority first (ties keep registration
 * order): the GPU backends register at 10 (webgpu) and 5 (webgl), wasm at 3,
 * cpu at 0, so with no GPU the WebAssembly backend comes before the CPU's.
 */
function backendsByPriority(): string[] {
  return [...registry.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([name]) => name);
}

/**
 * Tries each backend in order and makes the first that initialises current.
 * Without a list, tries every registered backend by priority (`backendsByPriority`).
 */
export async function initBackend(preference: readonly string[] = backendsByPriority()): Promise<InitBackendResult> {
  const skipped: { name: string; reason: string }[] = [];
  for (const name of preference) {
    if (!registry.has(name)) {
      skipped.push({ name, reason: 'not registered (its package is not imported)' });
      continue;
    }
    try {
      await setBackend(name);
      return { backend: name, skipped };
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  throw new BackendError(`initBackend: no backend initialised. ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

export function setOpObserver(next: OpObserver | null): OpObserver | null {
  const previous = observer;
  observer = next;
  tensorHooks.onDispose = next?.onDispose ? (t) => next.onDispose?.(t) : null;
  return previous;
}

export function getOpObserver(): OpObserver | null {
  return observer;
}

function toView(t: Tensor): View<object> {
  return { storage: t.storage.handle, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset };
}

/** Throws, naming `op` and the fix, unless every tensor is alive and on one backend. */
export function assertSameBackend(op: string, inputs: readonly Tensor[]): void {
  const first = inputs[0];
  if (first) checkInputs(op, first.backend, inputs);
}

function checkInputs(op: string, backend: Backend, inputs: readonly Tensor[]): void {
  for (const t of inputs) {
    t.assertAlive(op);
    if (t.backend !== backend && t.backend.name === backend.name) {
      throw new BackendError(
        `${op}: tensors live on two different instances of the '${backend.name}' backend; create backends once through registerBackend/setBackend (or useBackend) and reuse that instance`,
      );
    }
    if (t.backend !== backend) {
      throw new BackendError(
        `${op}: tensors live on different backends ('${t.backend.name}' and '${backend.name}'); move one with \`await t.to('${backend.name}')\``,
      );
    }
  }
}

function checkDType(op: string, backend: Backend, dtype: DType): void {
  if (!backend.capabilities.dtypes.includes(dtype)) {
    throw new DTypeError(`${op}: the '${backend.name}' backend does not support ${dtype}; convert with .to('float32') first`);
  }
}

function wrap(backend: Backend, handle: object, out: OutputSpec): Tensor {
  const storage = new Storage(backend, handle, out.dtype, sizeOf(out.shape));
  return new Tensor(storage, out.shape, contiguousStrides(out.shape), 0, out.dtype);
}

/** Runs one primitive on the inputs' backend (or the current one when there are no inputs). */
export function runPrimitive<P extends Primitive>(
  op: P,
  inputs: readonly Tensor[],
  params: PrimitiveParams[P],
  out: OutputSpec,
  backend: Backend = inputs[0]?.backend ?? getBackend(),
): Tensor {
  checkInputs(op, backend, inputs);
  checkDType(op, backend, out.dtype);
  const kernel = backend.kernels[op] as (i: readonly View<object>[], p: PrimitiveParams[P], o: OutputSpec) => object;
  const result = wrap(backend, kernel(inputs.map(toView), params, out), out);
  observer?.onOp({ kind: 'primitive', op, params } as OpRecord, inputs, result);
  return result;
}

/** Runs a backend's fused fast path when it has one; returns undefined otherwise (caller runs the composite). */
export function runFused<F extends FusedOp>(
  op: F,
  inputs: readonly Tensor[],
  params: FusedParams[F],
  out: OutputSpec,
): Tensor | undefined {
  const backend = inputs[0]?.backend ?? getBackend();
  const kernel = backend.fused?.[op] as ((i: readonly View<object>[], p: FusedParams[F], o: OutputSpec) => object) | undefined;
  if (!kernel) return undefined;
  checkInputs(op, backend, inputs);
  const result = wrap(backend, kernel(inputs.map(toView), params, out), out);
  observer?.onOp({ kind: 'fused', op, params } as OpRecord, inputs, result);
  return result;
}

/** A new handle on `x`'s storage with another layout. No kernel runs. */
export function makeView<V extends ViewOp>(
  op: V,
  x: Tensor,
  params: ViewParams[V],
  layout: { shape: Shape; strides: readonly number[]; offset: number },
): Tensor {
  x.assertAlive(op);
  const result = new Tensor(x.storage, layout.shape, layout.strides, layout.offset, x.dtype);
  observer?.onOp({ kind: 'view', op, params } as OpRecord, [x], result);
  return result;
}

/**
 * A second handle on `t`'s storage that no tidy() scope tracks and no observer
 * sees: for packages (autograd) that must keep a tensor's values alive after
 * the user's handle is disposed. The caller disposes it.
 */
export function retainHandle(t: Tensor): Tensor {
  t.assertAlive('retainHandle');
  return keep(new Tensor(t.storage, t.shape, t.strides, t.offset, t.dtype));
}

/** A tensor holding host data (already in storage layout) on a backend. */
export function fromStorageArray(data: StorageArray, shape: Shape, dtype: DType, backend: Backend = getBackend()): Tensor {
  checkDType('tensor', backend, dtype);
  return wrap(backend, backend.upload(data, dtype), { shape, dtype });
}

/** An uninitialised-free empty tensor (size 0) of a shape. */
export function emptyTensor(shape: Shape, dtype: DType, backend: Backend = getBackend()): Tensor {
  return fromStorageArray(allocStorageArray(dtype, sizeOf(shape)), shape, dtype, backend);
}
