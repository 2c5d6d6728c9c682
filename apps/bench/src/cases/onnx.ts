/**
 * ONNX Runtime Web (its wasm build, in Node) as a peer. Models are written
 * in-process with the tiny encoder in onnx-proto.ts (no protobuf dependency).
 *
 * ORT fixes its thread count when its wasm first starts, so one process can
 * time only one count; the rows say which.
 */
import type { Implementation } from '../types';
import { modelProto } from './onnx-proto';

type Ort = typeof import('onnxruntime-web');

/** A model of one node `opType(inputs) -> output`, float32 throughout, opset 13. */
export function oneNodeModel(
  opType: string,
  inputs: readonly { name: string; shape: readonly number[] }[],
  output: { name: string; shape: readonly number[] },
): Uint8Array {
  return modelProto({
    nodes: [{ opType, inputs: inputs.map((x) => x.name), outputs: [output.name] }],
    initializers: [],
    inputs,
    outputs: [output],
  });
}

let ortModule: Promise<Ort> | undefined;

/** onnxruntime-web, started with `threads` threads (the first caller's count holds for the process). */
export function loadOrt(threads: number): Promise<Ort> {
  ortModule ??= import('onnxruntime-web').then((ort) => {
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = 'error';
    return ort;
  });
  return ortModule;
}

/** The ORT row of a float32 matmul case: a one-node MatMul model on inputs made once in setup. */
export function ortMatmulRow(threads: number, m: number, k: number, n: number, values: () => Float32Array[]): Implementation {
  let run: (() => Promise<unknown>) | undefined;
  return {
    name: `onnxruntime-web (${threads} thread${threads === 1 ? '' : 's'})`,
    peer: true,
    note: 'wasm SIMD build, in-process ONNX model',
    async setup() {
      if (run) return;
      const ort = await loadOrt(threads);
      const model = oneNodeModel(
        'MatMul',
        [
          { name: 'a', shape: [m, k] },
          { name: 'b', shape: [k, n] },
        ],
        { name: 'c', shape: [m, n] },
      );
      const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      const [a, b] = values() as [Float32Array, Float32Array];
      const feeds = { a: new ort.Tensor('float32', a, [m, k]), b: new ort.Tensor('float32', b, [k, n]) };
      run = async () => {
        const out = await session.run(feeds);
        for (const t of Object.values(out)) t.dispose();
      };
    },
    run() {
      return (run as () => Promise<unknown>)();
    },
  };
}
