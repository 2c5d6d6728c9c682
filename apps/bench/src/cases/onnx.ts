/**
 * ONNX Runtime Web (its wasm build, in Node) as a peer. Models are written
 * in-process: a few protobuf fields of ModelProto (onnx.proto3) are all a
 * one-node graph needs, so a tiny encoder replaces a protobuf dependency.
 *
 * ORT fixes its thread count when its wasm first starts, so one process can
 * time only one count; the rows say which.
 */
import type { Implementation } from '../types';

type Ort = typeof import('onnxruntime-web');

// ---- protobuf wire format: varints and length-delimited fields ----

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A varint field (wire type 0). */
const intField = (field: number, value: number): number[] => [...varint(field << 3), ...varint(value)];
/** A length-delimited field (wire type 2): bytes, strings, sub-messages. */
const bytesField = (field: number, bytes: readonly number[]): number[] => [
  ...varint((field << 3) | 2),
  ...varint(bytes.length),
  ...bytes,
];
const stringField = (field: number, text: string): number[] => bytesField(field, [...new TextEncoder().encode(text)]);

const FLOAT = 1; // TensorProto.DataType.FLOAT

/** ValueInfoProto { name = 1, type = 2 { tensor_type = 1 { elem_type = 1, shape = 2 { dim = 1 { dim_value = 1 } } } } }. */
function valueInfo(name: string, shape: readonly number[]): number[] {
  const dims = shape.flatMap((d) => bytesField(1, intField(1, d)));
  const tensorType = [...intField(1, FLOAT), ...bytesField(2, dims)];
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

/** A model of one node `opType(inputs) -> output`, float32 throughout, opset 13. */
export function oneNodeModel(
  opType: string,
  inputs: readonly { name: string; shape: readonly number[] }[],
  output: { name: string; shape: readonly number[] },
): Uint8Array {
  // NodeProto { input = 1, output = 2, op_type = 4 }
  const node = [...inputs.flatMap((x) => stringField(1, x.name)), ...stringField(2, output.name), ...stringField(4, opType)];
  // GraphProto { node = 1, name = 2, input = 11, output = 12 }
  const graph = [
    ...bytesField(1, node),
    ...stringField(2, 'g'),
    ...inputs.flatMap((x) => bytesField(11, valueInfo(x.name, x.shape))),
    ...bytesField(12, valueInfo(output.name, output.shape)),
  ];
  // ModelProto { ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 { version = 2 } }
  const model = [
    ...intField(1, 8),
    ...stringField(2, 'strata-bench'),
    ...bytesField(7, graph),
    ...bytesField(8, intField(2, 13)),
  ];
  return new Uint8Array(model);
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
