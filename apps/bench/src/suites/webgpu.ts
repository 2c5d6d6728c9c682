import type { WebGpuBackend } from '@strata/backend-webgpu';
import { conv2d, matmul, setBackend, slice, type Tensor, tensor, useBackend } from '@strata/core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { Tensor4D, Tensor as TfTensor } from '@tensorflow/tfjs-core';
import { benchSpec, type ConvSpec, convData, convFlops } from '../cases/conv';
import { LENET_BATCH, strataLenet, tfjsLenet } from '../cases/lenet';
import { randomFloats } from '../inputs';
import { Unavailable } from '../runner';
import type { BenchCase, Implementation, RunOptions, Suite } from '../types';

type Tf = typeof import('@tensorflow/tfjs-core');
type Tfl = typeof import('@tensorflow/tfjs-layers');

/** The matmul sizes on a hardware adapter. */
export const MATMUL_SIZES: readonly number[] = [256, 512, 1024, 2048, 4096];
/** The largest matmul on a software adapter by default: 2048 and 4096 take minutes there. */
export const SOFTWARE_MATMUL_MAX = 1024;
/** Set to 1 to run every matmul size on a software adapter too. */
export const ALL_SIZES_ENV = 'BENCH_WEBGPU_ALL_SIZES';

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader/i;

/** Whether an adapter is a CPU rasteriser (Mesa llvmpipe, SwiftShader, ...), from its device name or description. */
export function isSoftwareAdapter(info: Pick<GPUAdapterInfo, 'device' | 'description'>): boolean {
  return SOFTWARE_ADAPTER.test(`${info.device} ${info.description}`);
}

/** The matmul sizes to run: all of them on hardware, up to SOFTWARE_MATMUL_MAX on a software adapter unless `all`. */
export function matmulSizes(software: boolean, all = false): number[] {
  return MATMUL_SIZES.filter((n) => all || !software || n <= SOFTWARE_MATMUL_MAX);
}

/**
 * Warm-up and timed runs per matmul size. On llvmpipe a 1024² run takes 3-9 s
 * per library (2048² about 8x that, 4096² minutes), so the software caps keep
 * the suite to a few minutes; on hardware only the large sizes are capped.
 */
export function matmulLimits(n: number, software: boolean): Partial<RunOptions> | undefined {
  if (software) {
    if (n <= 256) return { warmup: 2, repetitions: 5 };
    if (n <= 512) return { warmup: 1, repetitions: 5 };
    if (n <= 1024) return { warmup: 1, repetitions: 3 };
    return { warmup: 1, repetitions: 1 };
  }
  if (n >= 4096) return { warmup: 1, repetitions: 3 };
  if (n >= 2048) return { warmup: 2, repetitions: 5 };
  return undefined;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A proxy of `target` with some members replaced; the rest read from (and methods bound to) the target itself. */
function override<T extends object>(target: T, members: Partial<T>): T {
  return new Proxy(target, {
    get(t, key) {
      if (Object.hasOwn(members, key)) return (members as Record<PropertyKey, unknown>)[key];
      const value: unknown = Reflect.get(t, key, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

/** The adapter's limits as a requiredLimits record. */
function adapterLimits(adapter: GPUAdapter): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const key in adapter.limits) {
    const value: unknown = Reflect.get(adapter.limits, key);
    if (typeof value === 'number') limits[key] = value;
  }
  return limits;
}

/**
 * The GPU object as tfjs-webgpu sees it: adapters at compatibility feature
 * level unless it asks for another (Dawn on llvmpipe offers no core adapter),
 * whose devices get the adapter's own limits, as Strata's do (compatibility
 * defaults are low: 128 invocations per workgroup, 4 storage buffers per stage).
 */
function gpuForTfjs(gpu: GPU, onAdapter: (adapter: GPUAdapter) => void): GPU {
  return override(gpu, {
    async requestAdapter(options?: GPURequestAdapterOptions): Promise<GPUAdapter | null> {
      const adapter = await gpu.requestAdapter(options?.featureLevel ? options : { ...options, featureLevel: 'compatibility' });
      if (!adapter) return null;
      onAdapter(adapter);
      const limits = adapterLimits(adapter);
      return override(adapter, {
        requestDevice: (descriptor?: GPUDeviceDescriptor) =>
          adapter.requestDevice({ ...descriptor, requiredLimits: { ...limits, ...descriptor?.requiredLimits } }),
      });
    },
  });
}

/** tfjs-webgpu finds WebGPU at `navigator.gpu` when it is imported (Node 20 has no navigator). */
function installNavigatorGpu(gpu: GPU): void {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
}

/** One line about an adapter, for notes and the suite's preamble. */
function describeAdapter(adapter: GPUAdapter): string {
  const { device, description, vendor } = adapter.info;
  const level = adapter.features.has('core-features-and-limits') ? 'core' : 'compatibility';
  return `${device || vendor || 'unnamed adapter'}${description ? ` (${description})` : ''}, ${level} feature level`;
}

/** The process's one Dawn GPU object, and what runs on it. */
export interface WebGpuEnv {
  readonly tf: Tf;
  readonly tfl: Tfl;
  /** Strata's WebGPU backend, or why it could not start. */
  readonly strata: WebGpuBackend | { readonly unavailable: string };
  /** The adapter Strata runs on, in words; undefined when Dawn found none. */
  readonly adapter?: string;
  /** A software rasteriser (also assumed when there is no adapter: the matmul sizes are capped then). */
  readonly software: boolean;
  /** Why tfjs-webgpu cannot run here, when it cannot (it failed to start or to run its probe kernels). */
  readonly tfjsUnavailable?: string;
  /** The adapter tfjs-webgpu got, in words. */
  readonly tfjsAdapter?: string;
  /** The first error tfjs-webgpu's device reported (tfjs does not check for them), if any. */
  tfjsError(): string | undefined;
}

/**
 * tfjs-webgpu on the GPU object: imported after `navigator.gpu` is installed
 * (it registers its backend at import only if it finds one). Its factory is
 * called here rather than by `tf.setBackend`, which would only log the reason
 * of a failure; the backend it makes is registered back under 'webgpu'. A few
 * probe kernels (matmul, conv2d and its gradients) must then give the right
 * values, without a device error.
 */
async function startTfjsWebgpu(
  tf: Tf,
  gpu: GPU,
): Promise<{ unavailable?: string; adapter?: string; error: () => string | undefined }> {
  let adapter: GPUAdapter | undefined;
  let firstError: string | undefined;
  const error = () => firstError;
  installNavigatorGpu(
    gpuForTfjs(gpu, (a) => {
      adapter = a;
    }),
  );
  await import('@tensorflow/tfjs-backend-webgpu');
  const described = () => (adapter ? { adapter: describeAdapter(adapter) } : {});
  const factory = tf.findBackendFactory('webgpu');
  if (!factory) return { unavailable: 'tfjs-backend-webgpu registered no backend (no navigator.gpu when imported)', error };
  let backend: WebGPUBackend;
  try {
    backend = (await factory()) as WebGPUBackend;
  } catch (e) {
    return { unavailable: `tfjs-webgpu failed to initialise: ${messageOf(e)}`, ...described(), error };
  }
  backend.device.addEventListener('uncapturederror', (event) => {
    firstError ??= (event as GPUUncapturedErrorEvent).error.message.split('\n')[0];
  });
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => backend, 3);
  try {
    if (!(await tf.setBackend('webgpu'))) throw new Error("tf.setBackend('webgpu') failed");
    const probe = tf.tidy(() => {
      const m = tf.matMul(tf.ones([8, 8]), tf.ones([8, 8]));
      const x = tf.ones([1, 6, 6, 2]) as Tensor4D;
      const w = tf.ones([3, 3, 2, 2]) as Tensor4D;
      const c = tf.conv2d(x, w, 1, 'same');
      const [dx, dw] = tf.grads((a: TfTensor, b: TfTensor) => tf.conv2d(a as Tensor4D, b as Tensor4D, 1, 'same'))([x, w]);
      return tf.stack([tf.max(m), tf.max(c), tf.max(dx as TfTensor), tf.max(dw as TfTensor)]);
    });
    const values = Array.from(await probe.data());
    probe.dispose();
    if (firstError) throw new Error(firstError);
    // All ones: a row times a column of 8; 3x3 taps x 2 channels at an inner pixel (output and input
    // gradient alike); the centre tap of the weight gradient sees all 6x6 pixels.
    if (values[0] !== 8 || values[1] !== 18 || values[2] !== 18 || values[3] !== 36) {
      throw new Error(`probe kernels gave wrong values: [${values.join(', ')}], expected [8, 18, 18, 36]`);
    }
  } catch (e) {
    return { unavailable: `tfjs-webgpu cannot run kernels here: ${messageOf(e)}`, ...described(), error };
  }
  return { ...described(), error };
}

async function open(): Promise<WebGpuEnv> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const tfl = await import('@tensorflow/tfjs-layers');
  tf.enableProdMode(); // no debug checks, and no "install tfjs-node" banner
  const none = { tf, tfl, software: true, tfjsError: () => undefined };
  let gpu: GPU;
  let adapter: GPUAdapter | null;
  try {
    const { globals } = await import('webgpu');
    Object.assign(globalThis, globals); // GPUBufferUsage, GPUBuffer, ... (tfjs-webgpu uses them)
    const { createNodeGpu } = await import('@strata/backend-webgpu/node');
    gpu = createNodeGpu();
    adapter = await gpu.requestAdapter();
  } catch (e) {
    const reason = `Dawn did not start: ${messageOf(e)}`;
    return { ...none, strata: { unavailable: reason }, tfjsUnavailable: reason };
  }
  if (!adapter) {
    const reason = 'Dawn found no adapter (needs libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri without a GPU)';
    return { ...none, strata: { unavailable: reason }, tfjsUnavailable: reason };
  }
  const described = describeAdapter(adapter);
  let strata: WebGpuEnv['strata'];
  try {
    const { createWebGpuBackend } = await import('@strata/backend-webgpu');
    strata = await createWebGpuBackend({ gpu, adapter });
  } catch (e) {
    strata = { unavailable: `Strata WebGPU failed to start: ${messageOf(e)}` };
  }
  const tfjs = await startTfjsWebgpu(tf, gpu);
  return {
    tf,
    tfl,
    strata,
    adapter: described,
    software: isSoftwareAdapter(adapter.info),
    tfjsError: tfjs.error,
    ...(tfjs.unavailable !== undefined ? { tfjsUnavailable: tfjs.unavailable } : {}),
    ...(tfjs.adapter !== undefined ? { tfjsAdapter: tfjs.adapter } : {}),
  };
}

let env: Promise<WebGpuEnv> | undefined;

/** Starts Dawn, Strata's WebGPU backend and tfjs-webgpu once per process (an adapter gives one device). */
export function openWebGpu(): Promise<WebGpuEnv> {
  env ??= open();
  return env;
}

/** Waits for a result by reading back one element of it (a one-element copy on both libraries), not all of it. */
async function settleStrata(t: Tensor): Promise<void> {
  const one = slice(
    t,
    t.shape.map(() => 0),
  );
  try {
    await one.data();
  } finally {
    one.dispose();
  }
}

async function settleTfjs(tf: Tf, t: TfTensor): Promise<void> {
  const one = tf.slice(
    t,
    t.shape.map(() => 0),
    t.shape.map(() => 1),
  );
  try {
    await one.data();
  } finally {
    one.dispose();
  }
}

/** One input of an op case, in the layout of the library it is given to. */
interface Input {
  readonly shape: readonly number[];
  readonly values: () => Float32Array;
}

export const STRATA_WEBGPU = 'Strata WebGPU (Dawn)';
export const STRATA_CPU = 'Strata CPU';
export const TFJS_WEBGPU = 'tfjs-webgpu';
const TFJS_WEBGPU_NOTE = 'own device on the same Dawn GPU';

/** The Strata WebGPU rows' note: the kind of adapter, and llvmpipe's thread count where it applies. */
function strataWebGpuNote(e: WebGpuEnv, extra?: string): string {
  const kind = e.software ? 'software adapter' : 'hardware adapter';
  const threads = /llvmpipe/i.test(e.adapter ?? '') ? `, LP_NUM_THREADS=${process.env.LP_NUM_THREADS ?? 'unset'}` : '';
  return [`${kind}${threads}`, extra].filter(Boolean).join('; ');
}

function strataOp(
  e: WebGpuEnv,
  target: 'webgpu' | 'cpu',
  inputs: readonly Input[],
  op: (xs: readonly Tensor[]) => Tensor,
  note?: string,
): Implementation {
  let xs: Tensor[] = [];
  const { strata } = e;
  return {
    name: target === 'webgpu' ? STRATA_WEBGPU : STRATA_CPU,
    peer: false,
    note: target === 'webgpu' ? strataWebGpuNote(e, note) : 'for reference',
    async setup() {
      if (target === 'cpu') await setBackend('cpu');
      else if ('unavailable' in strata) throw new Unavailable(strata.unavailable);
      else useBackend(strata);
      xs = inputs.map((input) => tensor(input.values(), { shape: input.shape }));
    },
    async run() {
      const out = op(xs);
      try {
        await settleStrata(out);
      } finally {
        out.dispose();
      }
    },
    teardown() {
      for (const x of xs) x.dispose();
      xs = [];
    },
  };
}

/** A peer that cannot run here: listed with the reason, never timed. */
function unavailablePeer(name: string, reason: string): Implementation {
  return {
    name,
    peer: true,
    setup() {
      throw new Unavailable(reason);
    },
    run() {},
  };
}

/**
 * A tfjs-webgpu implementation whose failures (an error from tfjs, or one the
 * device reported) make it unavailable, with the reason, rather than end the run.
 */
function guardTfjsWebgpu(e: WebGpuEnv, impl: Implementation): Implementation {
  if (e.tfjsUnavailable !== undefined) return unavailablePeer(impl.name, e.tfjsUnavailable);
  const guard = (step: (() => unknown) | undefined) => async (): Promise<void> => {
    try {
      await step?.();
    } catch (error) {
      throw error instanceof Unavailable ? error : new Unavailable(`tfjs-webgpu failed: ${messageOf(error)}`);
    }
    const reported = e.tfjsError();
    if (reported !== undefined) throw new Unavailable(`tfjs-webgpu's device reported: ${reported}`);
  };
  return { ...impl, setup: guard(impl.setup?.bind(impl)), run: guard(impl.run.bind(impl)) };
}

function tfjsOp(e: WebGpuEnv, inputs: readonly Input[], op: (xs: readonly TfTensor[]) => TfTensor): Implementation {
  const { tf } = e;
  let xs: TfTensor[] = [];
  return guardTfjsWebgpu(e, {
    name: TFJS_WEBGPU,
    peer: true,
    note: TFJS_WEBGPU_NOTE,
    async setup() {
      if (!(await tf.setBackend('webgpu'))) throw new Error("tf.setBackend('webgpu') failed");
      xs = inputs.map((input) => tf.tensor(input.values(), [...input.shape], 'float32'));
    },
    async run() {
      const out = op(xs);
      try {
        await settleTfjs(tf, out);
      } finally {
        out.dispose();
      }
    },
    teardown() {
      for (const x of xs) x.dispose();
      xs = [];
    },
  });
}

/** Values made on first use, then shared by every implementation of a case. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/** matmul n x n; `note` goes on the Strata WebGPU row. */
export function matmulCase(
  e: WebGpuEnv,
  n: number,
  options: { readonly limits?: Partial<RunOptions>; readonly note?: string } = {},
): BenchCase {
  const limits = options.limits ?? matmulLimits(n, e.software);
  const a = lazy(() => randomFloats(n * n, 1));
  const b = lazy(() => randomFloats(n * n, 2));
  const inputs: Input[] = [
    { shape: [n, n], values: a },
    { shape: [n, n], values: b },
  ];
  const strata = (xs: readonly Tensor[]) => matmul(xs[0] as Tensor, xs[1] as Tensor);
  return {
    name: `matmul ${n}x${n} f32`,
    work: { amount: 2 * n ** 3, unit: 'FLOP' },
    ...(limits ? { limits } : {}),
    implementations: [
      tfjsOp(e, inputs, (xs) => e.tf.matMul(xs[0] as TfTensor, xs[1] as TfTensor)),
      strataOp(e, 'webgpu', inputs, strata, options.note),
      strataOp(e, 'cpu', inputs, strata),
    ],
  };
}

/** conv2d 3x3 'same' as in cases/conv.ts: Strata in NCHW / OIHW, tfjs in NHWC / HWIO (transposed on the host, untimed). */
export function convCase(e: WebGpuEnv, s: ConvSpec = benchSpec): BenchCase {
  const data = lazy(() => convData(s));
  const nhwc = lazy(() => transpose(data().x, [s.batch, s.cin, s.size, s.size], [0, 2, 3, 1]));
  const hwio = lazy(() => transpose(data().w, [s.cout, s.cin, 3, 3], [2, 3, 1, 0]));
  const ours: Input[] = [
    { shape: [s.batch, s.cin, s.size, s.size], values: () => data().x },
    { shape: [s.cout, s.cin, 3, 3], values: () => data().w },
  ];
  const theirs: Input[] = [
    { shape: [s.batch, s.size, s.size, s.cin], values: nhwc },
    { shape: [3, 3, s.cin, s.cout], values: hwio },
  ];
  const strata = (xs: readonly Tensor[]) => conv2d(xs[0] as Tensor, xs[1] as Tensor, null, { padding: 'same' });
  return {
    name: `conv2d 3x3 same, ${s.batch}x${s.cin}x${s.size}x${s.size} -> ${s.cout} f32`,
    work: { amount: convFlops(s), unit: 'FLOP' },
    limits: e.software ? { warmup: 1, repetitions: 3 } : { warmup: 2, repetitions: 10 },
    implementations: [
      tfjsOp(e, theirs, (xs) => e.tf.conv2d(xs[0] as Tensor4D, xs[1] as Tensor4D, 1, 'same')),
      strataOp(e, 'webgpu', ours, strata, convPathNote(e)),
      strataOp(e, 'cpu', ours, strata),
    ],
  };
}

/** Which conv2d Strata WebGPU runs: its fused implicit GEMM (conv2d.ts), or the im2col composite when it has none. */
function convPathNote(e: WebGpuEnv): string | undefined {
  if ('unavailable' in e.strata) return undefined;
  return e.strata.fused?.conv2d ? 'fused conv2d (implicit GEMM)' : 'im2col + matmul composite';
}

/** A 4-d array's values permuted (`out` dim i is `shape` dim perm[i]). */
function transpose(values: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const [, d1, d2, d3] = shape as [number, number, number, number];
  const strides = [d1 * d2 * d3, d2 * d3, d3, 1];
  const outShape = perm.map((p) => shape[p] as number) as [number, number, number, number];
  const s = perm.map((p) => strides[p] as number) as [number, number, number, number];
  const out = new Float32Array(values.length);
  let o = 0;
  for (let i = 0; i < outShape[0]; i++)
    for (let j = 0; j < outShape[1]; j++)
      for (let k = 0; k < outShape[2]; k++)
        for (let l = 0; l < outShape[3]; l++) out[o++] = values[i * s[0] + j * s[1] + k * s[2] + l * s[3]] as number;
  return out;
}

/**
 * The LeNet-5 training step: tfjs-layers on tfjs-webgpu as the peer and, when
 * tfjs-webgpu cannot run here, tfjs-layers on tfjs-cpu as a second one.
 */
export function lenetCase(e: WebGpuEnv): BenchCase {
  const { tf, tfl, strata } = e;
  const webgpuPeer = guardTfjsWebgpu(
    e,
    tfjsLenet(tf, tfl, { name: `${TFJS_WEBGPU} (tfjs-layers)`, backend: 'webgpu', note: TFJS_WEBGPU_NOTE }).train,
  );
  const cpuPeer =
    e.tfjsUnavailable !== undefined
      ? [tfjsLenet(tf, tfl, { name: 'tfjs-cpu (tfjs-layers)', backend: 'cpu', note: 'tfjs-webgpu is unavailable' }).train]
      : [];
  const ours = strataLenet({
    name: STRATA_WEBGPU,
    note: strataWebGpuNote(e),
    activate() {
      if ('unavailable' in strata) throw new Unavailable(strata.unavailable);
      useBackend(strata);
    },
  }).train;
  const cpu = strataLenet({
    name: STRATA_CPU,
    note: 'for reference',
    async activate() {
      await setBackend('cpu');
    },
  }).train;
  return {
    name: `LeNet-5 training step, batch ${LENET_BATCH} (forward, backward, Adam)`,
    work: { amount: LENET_BATCH, unit: 'images' },
    // tfjs-webgpu compiles its shaders over the first two steps on llvmpipe (~16 s, then ~6 s).
    limits: e.software ? { warmup: 2, repetitions: 3 } : { warmup: 3, repetitions: 10 },
    implementations: [webgpuPeer, ...cpuPeer, ours, cpu],
  };
}

const suite: Suite = {
  name: 'webgpu',
  description:
    'Strata WebGPU vs tfjs-webgpu on one Dawn GPU in this process: matmul 256-4096, conv2d, LeNet-5 training (float32); Strata CPU for reference',
  async cases(): Promise<BenchCase[]> {
    const e = await openWebGpu();
    const all = process.env[ALL_SIZES_ENV] === '1';
    const sizes = matmulSizes(e.software, all);
    const skipped = MATMUL_SIZES.filter((n) => !sizes.includes(n));
    // On stderr, so that --json output stays parseable.
    if (e.adapter) console.error(`webgpu: adapter ${e.adapter}${e.software ? ', a software rasteriser' : ''}`);
    if ('unavailable' in e.strata) console.error(`webgpu: Strata WebGPU unavailable: ${e.strata.unavailable}`);
    if (e.tfjsAdapter) console.error(`webgpu: tfjs-webgpu has its own device on ${e.tfjsAdapter}`);
    if (e.tfjsUnavailable) console.error(`webgpu: tfjs-webgpu unavailable: ${e.tfjsUnavailable}`);
    if (skipped.length > 0) {
      console.error(
        `webgpu: software adapter: matmul ${skipped.join(', ')} skipped (minutes per run here); ${ALL_SIZES_ENV}=1 runs them`,
      );
    }
    // Said in the table too, beside the largest size that ran.
    const skipNote = skipped.length > 0 ? `${skipped.join(', ')} skipped (${ALL_SIZES_ENV}=1 runs them)` : undefined;
    const matmuls = sizes.map((n, i) =>
      matmulCase(e, n, i === sizes.length - 1 && skipNote !== undefined ? { note: skipNote } : {}),
    );
    return [...matmuls, convCase(e), lenetCase(e)];
  },
};

export default suite;
