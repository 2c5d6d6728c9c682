/**
 * A Strata ResNet (@strata/zoo, basic or bottleneck blocks) written as an ONNX
 * graph from its modules' settings and its state dict, so onnxruntime-web runs
 * the very same network as the peer.
 *
 * BatchNorm is exported as BatchNormalization nodes (eval mode: running
 * statistics), not folded into the convolutions: the graph mirrors the
 * module tree one node per layer, and ORT's own graph optimizer folds
 * Conv + BatchNormalization (and fuses Conv + Relu) when the session is made
 * with graphOptimizationLevel 'all', as an ONNX Runtime user gets it.
 */
import type { Tensor } from '@strata/core';
import type { BatchNorm2d, Conv2d, Module, Sequential } from '@strata/nn';
import { BasicBlock, Bottleneck, type ResNet } from '@strata/zoo';
import type { Implementation } from '../types';
import { loadOrt } from './onnx';
import { type Attribute, floatTensor, type Message, modelProto, type Node } from './onnx-proto';

/** Collects nodes and initializers; values are named after the module that makes them. */
class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Message[] = [];
  readonly #state: Readonly<Record<string, Tensor>>;

  constructor(state: Readonly<Record<string, Tensor>>) {
    this.#state = state;
  }

  /** The state-dict entry `key` as an initializer of the same name. */
  weight(key: string): string {
    const t = this.#state[key];
    if (!t) throw new Error(`onnx-resnet: the state dict has no '${key}'`);
    this.initializers.push(floatTensor(key, t.shape, Float32Array.from(t.dataSync() as ArrayLike<number>)));
    return key;
  }

  node(opType: string, inputs: readonly string[], output: string, attributes?: Record<string, Attribute>): string {
    this.nodes.push({ opType, inputs, outputs: [output], ...(attributes ? { attributes } : {}) });
    return output;
  }

  conv(name: string, conv: Conv2d, x: string): string {
    if (typeof conv.padding === 'string' || conv.paddingMode !== 'zeros') {
      throw new Error(`onnx-resnet: ${name} needs explicit zero padding, has ${String(conv.padding)} / ${conv.paddingMode}`);
    }
    const [ph, pw] = conv.padding;
    const inputs = [x, this.weight(`${name}.weight`), ...(conv.bias ? [this.weight(`${name}.bias`)] : [])];
    return this.node('Conv', inputs, name, {
      kernel_shape: conv.kernelSize,
      strides: conv.stride,
      pads: [ph, pw, ph, pw],
      dilations: conv.dilation,
      group: conv.groups,
    });
  }

  batchNorm(name: string, bn: BatchNorm2d, x: string): string {
    const keys = ['weight', 'bias', 'running_mean', 'running_var'].map((k) => this.weight(`${name}.${k}`));
    return this.node('BatchNormalization', [x, ...keys], name, { epsilon: { float: bn.eps } });
  }

  relu(name: string, x: string): string {
    return this.node('Relu', [x], name);
  }
}

const pair = (v: number | readonly [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
const childrenOf = (seq: Sequential): Module[] => [...seq.children()];

/** One residual block: (conv, bn, relu)* then conv, bn, + shortcut, relu. */
function block(g: GraphBuilder, name: string, b: Module, x: string): string {
  const convs =
    b instanceof BasicBlock
      ? [
          [b.conv1, b.bn1],
          [b.conv2, b.bn2],
        ]
      : b instanceof Bottleneck
        ? [
            [b.conv1, b.bn1],
            [b.conv2, b.bn2],
            [b.conv3, b.bn3],
          ]
        : undefined;
  if (!convs) throw new Error(`onnx-resnet: ${name} is not a BasicBlock or Bottleneck`);
  let h = x;
  convs.forEach(([conv, bn], i) => {
    const k = i + 1;
    h = g.batchNorm(`${name}.bn${k}`, bn as BatchNorm2d, g.conv(`${name}.conv${k}`, conv as Conv2d, h));
    if (k < convs.length) h = g.relu(`${name}.relu${k}`, h);
  });
  let shortcut = x;
  const downsample = (b as BasicBlock | Bottleneck).downsample;
  if (downsample) {
    const [conv, bn] = childrenOf(downsample) as [Conv2d, BatchNorm2d];
    shortcut = g.batchNorm(`${name}.downsample.1`, bn, g.conv(`${name}.downsample.0`, conv, x));
  }
  return g.relu(`${name}.out`, g.node('Add', [h, shortcut], `${name}.add`));
}

/**
 * The ONNX model of `net` (in eval mode) for inputs of `inputShape` (N, 3, H, W):
 * input 'input', output 'logits' (N, classes).
 */
export function resnetToOnnx(net: ResNet, inputShape: readonly [number, number, number, number]): Uint8Array {
  if (net.avgpool.outputSize !== 1) throw new Error('onnx-resnet: only a global average pool (output size 1) is exported');
  const g = new GraphBuilder(net.stateDict());
  let h = g.relu('relu', g.batchNorm('bn1', net.bn1, g.conv('conv1', net.conv1, 'input')));
  const pool = net.maxpool;
  const [ph, pw] = pair(pool.padding);
  if (pool.ceilMode || pair(pool.dilation).some((d) => d !== 1))
    throw new Error('onnx-resnet: maxpool must be floor mode, dilation 1');
  h = g.node('MaxPool', [h], 'maxpool', {
    kernel_shape: pair(pool.kernelSize),
    strides: pair(pool.stride),
    pads: [ph, pw, ph, pw],
  });
  for (const stage of ['layer1', 'layer2', 'layer3', 'layer4'] as const) {
    childrenOf(net[stage]).forEach((b, i) => {
      h = block(g, `${stage}.${i}`, b, h);
    });
  }
  h = g.node('Flatten', [g.node('GlobalAveragePool', [h], 'avgpool')], 'flatten', { axis: 1 });
  const fc = [h, g.weight('fc.weight'), ...(net.fc.bias ? [g.weight('fc.bias')] : [])];
  g.node('Gemm', fc, 'logits', { transB: 1 });
  return modelProto({
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: 'input', shape: inputShape }],
    outputs: [{ name: 'logits', shape: [inputShape[0], net.fc.outFeatures] }],
  });
}

/** An ORT session of an exported ResNet. */
export interface OrtResnet {
  /** The logits of one input (float32, NCHW). */
  run(input: Float32Array, shape: readonly number[]): Promise<Float32Array>;
  release(): Promise<void>;
}

/** One input of the ResNet case, with its shape. */
interface Feed {
  readonly input: Float32Array;
  readonly shape: readonly number[];
}

/** Runs an exported ResNet on onnxruntime-web (wasm, `threads` threads for the whole process). */
export async function ortResnet(onnx: Uint8Array, threads: number): Promise<OrtResnet> {
  const ort = await loadOrt(threads);
  const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return {
    async run(input, shape) {
      const feeds = { input: new ort.Tensor('float32', input, [...shape]) };
      const out = await session.run(feeds);
      const logits = out.logits as { data: unknown };
      const values = Float32Array.from(logits.data as Float32Array);
      for (const t of Object.values(out)) t.dispose();
      return values;
    },
    release: () => session.release(),
  };
}

/** The ORT row of the ResNet case: the model (from `make`) and the input are prepared in setup. */
export function ortResnetRow(threads: number, make: () => Promise<Feed & { onnx: Uint8Array }>): Implementation {
  let session: OrtResnet | undefined;
  let feed: Feed | undefined;
  return {
    name: `onnxruntime-web (${threads} thread${threads === 1 ? '' : 's'})`,
    peer: true,
    note: 'wasm SIMD build; in-process ONNX export, graph optimization "all"',
    async setup() {
      const { onnx, input, shape } = await make();
      session = await ortResnet(onnx, threads);
      feed = { input, shape };
    },
    run() {
      const { input, shape } = feed as Feed;
      return (session as OrtResnet).run(input, shape);
    },
    async teardown() {
      await session?.release();
      session = undefined;
      feed = undefined;
    },
  };
}
