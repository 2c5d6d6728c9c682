/**
 * A tiny writer for the few ONNX messages (onnx.proto3) the benchmarks need,
 * in place of a protobuf dependency. Messages are lists of byte chunks and are
 * joined once, at the end, so that megabytes of weights are not copied into
 * plain arrays (a ResNet-18 is ~47 MB of float32).
 *
 * Field numbers, from onnx.proto3:
 * - ModelProto { ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 { version = 2 } }
 * - GraphProto { node = 1, name = 2, initializer = 5, input = 11, output = 12 }
 * - NodeProto { input = 1, output = 2, name = 3, op_type = 4, attribute = 5 }
 * - AttributeProto { name = 1, f = 2, i = 3, ints = 8, type = 20 (FLOAT = 1, INT = 2, INTS = 7) }
 * - TensorProto { dims = 1, data_type = 2 (FLOAT = 1), name = 8, raw_data = 9 }
 * - ValueInfoProto { name = 1, type = 2 { tensor_type = 1 { elem_type = 1, shape = 2 { dim = 1 { dim_value = 1 } } } } }
 */

/** A message (or a part of one): byte chunks in order. */
export type Message = readonly Uint8Array[];

const byteLength = (m: Message): number => m.reduce((n, c) => n + c.length, 0);

function varint(value: number): Uint8Array {
  if (!(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`onnx: varint needs a safe integer >= 0, got ${value}`);
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** A varint field (wire type 0). */
export const intField = (field: number, value: number): Message => [varint(field << 3), varint(value)];

/** A 32-bit float field (wire type 5, little-endian). */
export function floatField(field: number, value: number): Message {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setFloat32(0, value, true);
  return [varint((field << 3) | 5), bytes];
}

/** A length-delimited field (wire type 2): bytes, strings, sub-messages. */
export const bytesField = (field: number, body: Message): Message => [
  varint((field << 3) | 2),
  varint(byteLength(body)),
  ...body,
];

export const stringField = (field: number, text: string): Message => bytesField(field, [new TextEncoder().encode(text)]);

/** A repeated varint field, packed (proto3's default encoding for repeated scalars). */
export const packedInts = (field: number, values: readonly number[]): Message => bytesField(field, values.map(varint));

/** The chunks joined into one buffer. */
export function join(m: Message): Uint8Array {
  const out = new Uint8Array(byteLength(m));
  let at = 0;
  for (const c of m) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const FLOAT = 1; // TensorProto.DataType.FLOAT

/** A float32 graph input or output with a fixed shape. */
export function valueInfo(name: string, shape: readonly number[]): Message {
  const dims = shape.flatMap((d) => bytesField(1, intField(1, d)));
  const tensorType = [...intField(1, FLOAT), ...bytesField(2, dims)];
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

/** A float32 TensorProto (an initializer) holding `data` as raw little-endian bytes. */
export function floatTensor(name: string, shape: readonly number[], data: Float32Array): Message {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length)
    throw new RangeError(`onnx: tensor '${name}' of shape [${shape}] needs ${size} values, got ${data.length}`);
  // raw_data is little-endian; a Float32Array's bytes are in the platform's order, little-endian on every engine we run.
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return [...packedInts(1, shape), ...intField(2, FLOAT), ...stringField(8, name), ...bytesField(9, [raw])];
}

/** A node attribute: an int, a list of ints, or a float. */
export type Attribute = number | readonly number[] | { readonly float: number };

const INT = 2;
const INTS = 7;
const FLOAT_ATTR = 1;

function attribute(name: string, value: Attribute): Message {
  const head = stringField(1, name);
  if (typeof value === 'number') return [...head, ...intField(3, value), ...intField(20, INT)];
  if ('float' in value) return [...head, ...floatField(2, value.float), ...intField(20, FLOAT_ATTR)];
  return [...head, ...packedInts(8, value as readonly number[]), ...intField(20, INTS)];
}

export interface Node {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, Attribute>>;
}

function node(n: Node): Message {
  return [
    ...n.inputs.flatMap((x) => stringField(1, x)),
    ...n.outputs.flatMap((x) => stringField(2, x)),
    ...stringField(4, n.opType),
    ...Object.entries(n.attributes ?? {}).flatMap(([k, v]) => bytesField(5, attribute(k, v))),
  ];
}

export interface Graph {
  readonly nodes: readonly Node[];
  /** Initializers: already-encoded TensorProtos (see floatTensor). */
  readonly initializers: readonly Message[];
  readonly inputs: readonly { name: string; shape: readonly number[] }[];
  readonly outputs: readonly { name: string; shape: readonly number[] }[];
}

/** A ModelProto of the graph, float32 throughout, default domain at opset 13. */
export function modelProto(g: Graph): Uint8Array {
  const graph = [
    ...g.nodes.flatMap((n) => bytesField(1, node(n))),
    ...stringField(2, 'g'),
    ...g.initializers.flatMap((t) => bytesField(5, t)),
    ...g.inputs.flatMap((x) => bytesField(11, valueInfo(x.name, x.shape))),
    ...g.outputs.flatMap((x) => bytesField(12, valueInfo(x.name, x.shape))),
  ];
  return join([...intField(1, 8), ...stringField(2, 'strata-bench'), ...bytesField(7, graph), ...bytesField(8, intField(2, 13))]);
}
