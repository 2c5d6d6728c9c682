import { conv2d, conv2dComposite, setBackend, type Tensor, tensor } from '@strata/core';
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import { randomFloats } from '../inputs';
import type { BenchCase, Implementation } from '../types';

type Tf = typeof import('@tensorflow/tfjs-core');

/** A 3x3 'same' convolution, stride 1, no bias: (batch, cin, size, size) -> (batch, cout, size, size). */
export interface ConvSpec {
  readonly batch: number;
  readonly cin: number;
  readonly cout: number;
  readonly size: number;
}

export const benchSpec: ConvSpec = { batch: 32, cin: 32, cout: 32, size: 28 };

/** 2 * N * C_out * H * W * C_in * 9 multiply-adds counted as two FLOPs. */
export const convFlops = (s: ConvSpec): number => 2 * s.batch * s.cout * s.size * s.size * s.cin * 9;

/** Input (NCHW) and weight (OIHW) values, the same for every implementation. */
export function convData(s: ConvSpec): { x: Float32Array; w: Float32Array } {
  return { x: randomFloats(s.batch * s.cin * s.size * s.size, 11), w: randomFloats(s.cout * s.cin * 9, 12) };
}

/**
 * The implementations of one case, each in its library's native layout (Strata
 * NCHW / OIHW, tfjs NHWC / HWIO, converted once in setup, untimed). Every run
 * computes synchronously and frees its output.
 */
export function convImplementations(tf: Tf, s: ConvSpec): Implementation[] {
  let data: { x: Float32Array; w: Float32Array } | undefined;
  const values = () => {
    data ??= convData(s);
    return data;
  };
  const strata = (name: string, op: typeof conv2d, note?: string): Implementation => {
    let x: Tensor | undefined;
    let w: Tensor | undefined;
    return {
      name,
      peer: false,
      ...(note ? { note } : {}),
      async setup() {
        await setBackend('cpu');
        x = tensor(values().x, { shape: [s.batch, s.cin, s.size, s.size] });
        w = tensor(values().w, { shape: [s.cout, s.cin, 3, 3] });
      },
      run() {
        op(x as Tensor, w as Tensor, null, { padding: 'same' }).dispose();
      },
      teardown() {
        x?.dispose();
        w?.dispose();
      },
    };
  };
  const peer = (name: string, backend: 'cpu' | 'wasm', note?: string): Implementation => {
    let x: TfTensor | undefined;
    let w: TfTensor | undefined;
    return {
      name,
      peer: true,
      ...(note ? { note } : {}),
      async setup() {
        if (!(await tf.setBackend(backend))) throw new Error(`cpu-conv: tfjs backend '${backend}' failed to initialise`);
        x = tf.tidy(() => tf.transpose(tf.tensor(values().x, [s.batch, s.cin, s.size, s.size], 'float32'), [0, 2, 3, 1]));
        w = tf.tidy(() => tf.transpose(tf.tensor(values().w, [s.cout, s.cin, 3, 3], 'float32'), [2, 3, 1, 0]));
      },
      run() {
        tf.conv2d(
          x as import('@tensorflow/tfjs-core').Tensor4D,
          w as import('@tensorflow/tfjs-core').Tensor4D,
          1,
          'same',
        ).dispose();
      },
      teardown() {
        x?.dispose();
        w?.dispose();
      },
    };
  };
  return [
    strata('Strata CPU', conv2d),
    peer('tfjs-cpu', 'cpu'),
    peer('tfjs-wasm', 'wasm', 'SIMD, single-threaded in Node'),
    strata('Strata CPU (composite)', conv2dComposite, 'im2col gather + batched matmul, no fused kernel'),
  ];
}

/** The conv2d case shared by the `cpu-core` and `cpu-conv` suites. */
export function convCase(tf: Tf, s: ConvSpec = benchSpec): BenchCase {
  return {
    name: `conv2d 3x3 same, ${s.batch}x${s.cin}x${s.size}x${s.size} -> ${s.cout} f32`,
    work: { amount: convFlops(s), unit: 'FLOP' },
    limits: { warmup: 3, repetitions: 9 },
    implementations: convImplementations(tf, s),
  };
}
