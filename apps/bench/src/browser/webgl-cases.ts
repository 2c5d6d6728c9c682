/**
 * The `webgl` suite's cases, built in the browser page (browser/page.ts):
 * Strata's WebGL backend (gpu.js) against tfjs-backend-webgl, on the page's
 * WebGL2 (SwiftShader in headless Chromium without a GPU). Each library has its
 * own WebGL context. A run ends by reading back one element of its result, so
 * it includes the GPU work (WebGL calls return before the GPU has run).
 */
import { createWebGlBackend, type WebGlBackend } from '@strata/backend-webgl';
import { conv2d, matmul, slice, type Tensor, tensor, useBackend } from '@strata/core';
import type { Tensor4D, Tensor as TfTensor } from '@tensorflow/tfjs-core';
import { benchSpec, type ConvSpec, convData, convFlops } from '../cases/conv';
import { LENET_BATCH, strataLenet, tfjsLenet } from '../cases/lenet';
import { randomFloats } from '../inputs';
import { Unavailable } from '../runner';
import type { BenchCase, Implementation } from '../types';

type Tf = typeof import('@tensorflow/tfjs-core');
type Tfl = typeof import('@tensorflow/tfjs-layers');

/** matmul sizes: SwiftShader runs a 1024² matmul in seconds; larger ones would take minutes per run. */
export const WEBGL_MATMUL_SIZES: readonly number[] = [256, 512, 1024];
export const STRATA_WEBGL = 'Strata WebGL (gpu.js)';
export const TFJS_WEBGL = 'tfjs-webgl';

interface WebGlEnv {
  readonly tf: Tf;
  readonly tfl: Tfl;
  readonly strata: WebGlBackend | { readonly unavailable: string };
  readonly tfjsUnavailable?: string;
  /** The WebGL renderer, in words (SwiftShader, or the GPU's name). */
  readonly renderer: string;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function rendererOf(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'no WebGL2';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return name;
}

async function open(): Promise<WebGlEnv> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgl');
  const tfl = await import('@tensorflow/tfjs-layers');
  tf.enableProdMode();
  let strata: WebGlEnv['strata'];
  try {
    strata = createWebGlBackend();
  } catch (e) {
    strata = { unavailable: `Strata WebGL failed to start: ${messageOf(e)}` };
  }
  let tfjsUnavailable: string | undefined;
  try {
    if (!(await tf.setBackend('webgl'))) tfjsUnavailable = "tf.setBackend('webgl') failed";
  } catch (e) {
    tfjsUnavailable = `tfjs-webgl failed to initialise: ${messageOf(e)}`;
  }
  return { tf, tfl, strata, renderer: rendererOf(), ...(tfjsUnavailable ? { tfjsUnavailable } : {}) };
}

/** Waits for a result by reading back one element of it. */
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

interface Input {
  readonly shape: readonly number[];
  readonly values: () => Float32Array;
}

function strataOp(e: WebGlEnv, inputs: readonly Input[], op: (xs: readonly Tensor[]) => Tensor): Implementation {
  let xs: Tensor[] = [];
  return {
    name: STRATA_WEBGL,
    peer: false,
    note: e.renderer,
    setup() {
      if ('unavailable' in e.strata) throw new Unavailable(e.strata.unavailable);
      useBackend(e.strata);
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

function tfjsOp(e: WebGlEnv, inputs: readonly Input[], op: (xs: readonly TfTensor[]) => TfTensor): Implementation {
  const { tf } = e;
  let xs: TfTensor[] = [];
  return {
    name: TFJS_WEBGL,
    peer: true,
    async setup() {
      if (e.tfjsUnavailable !== undefined) throw new Unavailable(e.tfjsUnavailable);
      if (!(await tf.setBackend('webgl'))) throw new Unavailable("tf.setBackend('webgl') failed");
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
  };
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

function matmulCase(e: WebGlEnv, n: number): BenchCase {
  const a = lazy(() => randomFloats(n * n, 1));
  const b = lazy(() => randomFloats(n * n, 2));
  const inputs: Input[] = [
    { shape: [n, n], values: a },
    { shape: [n, n], values: b },
  ];
  return {
    name: `matmul ${n}x${n} f32`,
    work: { amount: 2 * n ** 3, unit: 'FLOP' },
    limits: n >= 1024 ? { warmup: 1, repetitions: 3 } : { warmup: 2, repetitions: 5 },
    implementations: [
      tfjsOp(e, inputs, (xs) => e.tf.matMul(xs[0] as TfTensor, xs[1] as TfTensor)),
      strataOp(e, inputs, (xs) => matmul(xs[0] as Tensor, xs[1] as Tensor)),
    ],
  };
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

/** conv2d 3x3 'same' as in cases/conv.ts: Strata NCHW / OIHW, tfjs NHWC / HWIO (transposed on the host, untimed). */
function convCase(e: WebGlEnv, s: ConvSpec = benchSpec): BenchCase {
  const data = lazy(() => convData(s));
  const ours: Input[] = [
    { shape: [s.batch, s.cin, s.size, s.size], values: () => data().x },
    { shape: [s.cout, s.cin, 3, 3], values: () => data().w },
  ];
  const theirs: Input[] = [
    {
      shape: [s.batch, s.size, s.size, s.cin],
      values: lazy(() => transpose(data().x, [s.batch, s.cin, s.size, s.size], [0, 2, 3, 1])),
    },
    { shape: [3, 3, s.cin, s.cout], values: lazy(() => transpose(data().w, [s.cout, s.cin, 3, 3], [2, 3, 1, 0])) },
  ];
  return {
    name: `conv2d 3x3 same, ${s.batch}x${s.cin}x${s.size}x${s.size} -> ${s.cout} f32`,
    work: { amount: convFlops(s), unit: 'FLOP' },
    limits: { warmup: 1, repetitions: 3 },
    implementations: [
      tfjsOp(e, theirs, (xs) => e.tf.conv2d(xs[0] as Tensor4D, xs[1] as Tensor4D, 1, 'same')),
      strataOp(e, ours, (xs) => conv2d(xs[0] as Tensor, xs[1] as Tensor, null, { padding: 'same' })),
    ],
  };
}

function lenetCase(e: WebGlEnv): BenchCase {
  const { tf, tfl, strata } = e;
  const theirs = tfjsLenet(tf, tfl, { name: `${TFJS_WEBGL} (tfjs-layers)`, backend: 'webgl' }).train;
  const ours = strataLenet({
    name: STRATA_WEBGL,
    note: e.renderer,
    activate() {
      if ('unavailable' in strata) throw new Unavailable(strata.unavailable);
      useBackend(strata);
    },
  }).train;
  const guarded: Implementation = {
    ...theirs,
    async setup() {
      if (e.tfjsUnavailable !== undefined) throw new Unavailable(e.tfjsUnavailable);
      await theirs.setup?.();
    },
  };
  return {
    name: `LeNet-5 training step, batch ${LENET_BATCH} (forward, backward, Adam)`,
    work: { amount: LENET_BATCH, unit: 'images' },
    limits: { warmup: 1, repetitions: 3 },
    implementations: [guarded, ours],
  };
}

/** The suite's cases, and a line about where they run. */
export async function webglCases(): Promise<{ cases: BenchCase[]; renderer: string }> {
  const e = await open();
  return { cases: [...WEBGL_MATMUL_SIZES.map((n) => matmulCase(e, n)), convCase(e), lenetCase(e)], renderer: e.renderer };
}
