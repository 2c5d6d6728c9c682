import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { add, exp, matmul, max, mul, relu, setBackend, sigmoid, sum, type Tensor, tensor, tidy } from '@strata/core';
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import { benchSpec, convCase } from '../cases/conv';
import { ortMatmulRow } from '../cases/onnx';
import { wasmConvRows, wasmRow } from '../cases/wasm';
import { randomFloats } from '../inputs';
import type { BenchCase, Implementation, RunOptions, Suite, Work } from '../types';

type Tf = typeof import('@tensorflow/tfjs-core');

/** One input of a case: its shape, and a seed for its values. */
export interface Input {
  readonly shape: readonly number[];
  readonly seed: number;
}

/** A case, written once for both libraries. */
export interface CaseSpec {
  readonly name: string;
  readonly work: Work;
  readonly inputs: readonly Input[];
  readonly limits?: Partial<RunOptions>;
  /** Thread counts of the Strata-on-wasm rows (none when absent: the wasm backend runs those ops with the CPU's kernels). */
  readonly wasmThreads?: readonly number[];
  /** Thread count of an onnxruntime-web peer row (matmul cases only). */
  readonly ortThreads?: number;
  /** The op on Strata tensors; intermediates are freed by tidy, the result by the harness. */
  readonly strata: (xs: readonly Tensor[]) => Tensor;
  /** The same op on TensorFlow.js tensors. */
  readonly tfjs: (tf: Tf, xs: readonly TfTensor[]) => TfTensor;
}

const M1 = 1 << 20;
const square = [1024, 1024];
const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const at = <T>(xs: readonly T[], i: number): T => xs[i] as T;

/** The values of a case's inputs, the same for every implementation. */
export function inputData(spec: CaseSpec): Float32Array[] {
  return spec.inputs.map((input) => randomFloats(size(input.shape), input.seed));
}

function matmulCase(
  n: number,
  limits?: Partial<RunOptions>,
  wasmThreads: readonly number[] = [1],
  ortThreads?: number,
): CaseSpec {
  return {
    name: `matmul ${n}x${n} f32`,
    wasmThreads,
    ...(ortThreads ? { ortThreads } : {}),
    work: { amount: 2 * n ** 3, unit: 'FLOP' },
    inputs: [
      { shape: [n, n], seed: 1 },
      { shape: [n, n], seed: 2 },
    ],
    ...(limits ? { limits } : {}),
    strata: (xs) => matmul(at(xs, 0), at(xs, 1)),
    tfjs: (tf, xs) => tf.matMul(at(xs, 0), at(xs, 1)),
  };
}

function unaryCase(
  name: string,
  strata: (x: Tensor) => Tensor,
  tfjs: (tf: Tf, x: TfTensor) => TfTensor,
  shape: readonly number[] = [M1],
): CaseSpec {
  return {
    name,
    work: { amount: size(shape), unit: 'elements' },
    inputs: [{ shape, seed: 3 }],
    strata: (xs) => strata(at(xs, 0)),
    tfjs: (tf, xs) => tfjs(tf, at(xs, 0)),
  };
}

export const specs: readonly CaseSpec[] = [
  matmulCase(256),
  matmulCase(512, { warmup: 2, repetitions: 7 }),
  // About 2-4 s a run on tfjs-cpu here.
  // onnxruntime-web fixes its thread count for the process: 2, to compare with the 2-thread wasm row.
  matmulCase(1024, { warmup: 1, repetitions: 5 }, [1, 2], 2),
  {
    name: '(a + b) * c, 1M f32',
    work: { amount: M1, unit: 'elements' },
    inputs: [
      { shape: [M1], seed: 4 },
      { shape: [M1], seed: 5 },
      { shape: [M1], seed: 6 },
    ],
    strata: (xs) => tidy(() => mul(add(at(xs, 0), at(xs, 1)), at(xs, 2))),
    tfjs: (tf, xs) => tf.tidy(() => tf.mul(tf.add(at(xs, 0), at(xs, 1)), at(xs, 2))),
  },
  unaryCase('exp 1M f32', exp, (tf, x) => tf.exp(x)),
  unaryCase('relu 1M f32', relu, (tf, x) => tf.relu(x)),
  unaryCase('sigmoid 1M f32', sigmoid, (tf, x) => tf.sigmoid(x)),
  unaryCase(
    'sum all, 1M f32',
    (x) => sum(x),
    (tf, x) => tf.sum(x),
  ),
  unaryCase(
    'sum last axis, [1024,1024] f32',
    (x) => sum(x, -1),
    (tf, x) => tf.sum(x, -1),
    square,
  ),
  unaryCase(
    'max axis 0, [1024,1024] f32',
    (x) => max(x, 0),
    (tf, x) => tf.max(x, 0),
    square,
  ),
];

/**
 * The implementations of one case. Inputs are made in setup and freed in
 * teardown; each run frees its output. All three backends compute inside the
 * op call (the Strata CPU backend and both tfjs backends are synchronous), so
 * a run reads nothing back: the result is in the output's storage on return.
 */
function implementations(tf: Tf, spec: CaseSpec): Implementation[] {
  let values: Float32Array[] | undefined;
  const data = (): Float32Array[] => {
    values ??= inputData(spec); // made when the case first runs, then shared
    return values;
  };
  let ours: Tensor[] = [];
  const strata: Implementation = {
    name: 'Strata CPU',
    peer: false,
    async setup() {
      await setBackend('cpu');
      ours = spec.inputs.map((input, i) => tensor(at(data(), i), { shape: input.shape }));
    },
    run() {
      spec.strata(ours).dispose();
    },
    teardown() {
      for (const t of ours) t.dispose();
      ours = [];
    },
  };
  const peer = (name: string, backend: 'cpu' | 'wasm', note?: string): Implementation => {
    let theirs: TfTensor[] = [];
    return {
      name,
      peer: true,
      ...(note ? { note } : {}),
      async setup() {
        if (!(await tf.setBackend(backend))) throw new Error(`cpu-core: tfjs backend '${backend}' failed to initialise`);
        theirs = spec.inputs.map((input, i) => tf.tensor(at(data(), i), [...input.shape], 'float32'));
      },
      run() {
        spec.tfjs(tf, theirs).dispose();
      },
      teardown() {
        for (const t of theirs) t.dispose();
        theirs = [];
      },
    };
  };
  const wasmRows = (spec.wasmThreads ?? []).map((threads) =>
    wasmRow(threads, () => spec.inputs.map((input, i) => ({ data: at(data(), i), shape: input.shape })), spec.strata),
  );
  const n = spec.inputs[0]?.shape[0] ?? 0;
  const ort = spec.ortThreads ? [ortMatmulRow(spec.ortThreads, n, n, n, data)] : [];
  return [strata, peer('tfjs-cpu', 'cpu'), peer('tfjs-wasm', 'wasm', 'SIMD, single-threaded in Node'), ...ort, ...wasmRows];
}

/** `base` with more implementations appended. */
const withRows = (base: BenchCase, rows: readonly Implementation[]): BenchCase => ({
  ...base,
  implementations: [...base.implementations, ...rows],
});

const suite: Suite = {
  name: 'cpu-core',
  description: 'Strata CPU and wasm vs TensorFlow.js cpu and wasm: matmul, elementwise chains, reductions, conv2d (float32)',
  async cases() {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm binaries sit beside the package's main file; Node reads them from disk.
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    tf.enableProdMode(); // no debug checks, and no "install tfjs-node" banner
    return [
      ...specs.map((spec) => ({
        name: spec.name,
        work: spec.work,
        ...(spec.limits ? { limits: spec.limits } : {}),
        implementations: implementations(tf, spec),
      })),
      withRows(convCase(tf), wasmConvRows([1, 2], benchSpec)),
    ];
  },
};

export default suite;
