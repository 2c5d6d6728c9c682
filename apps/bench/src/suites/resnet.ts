import { noGrad } from '@strata/autograd';
import { Generator, setBackend, type Tensor, tensor, tidy } from '@strata/core';
import { BatchNorm2d } from '@strata/nn';
import { type ResNet, resnet18 } from '@strata/zoo';
import { ortResnetRow, resnetToOnnx } from '../cases/onnx-resnet';
import { activateWasm, wasmRowName } from '../cases/wasm';
import { randomFloats } from '../inputs';
import type { Implementation, Suite } from '../types';

/** ONNX Runtime fixes its thread count per process; 2 matches the 2-thread wasm row. */
const ORT_THREADS = 2;
const SEED = 18;
const IMAGE = [1, 3, 224, 224] as const;
const IMAGE_SEED = 7;

/**
 * ResNet-18 in eval mode on the current backend, with random weights: He-normal
 * convolutions from the zoo's initialiser (seeded), and BatchNorms with
 * non-trivial affine parameters and running statistics (a fresh BatchNorm is
 * the identity up to eps, which would hide a wrong export). Same seed, same network.
 */
export function randomResnet18(seed = SEED): ResNet {
  const net = resnet18({ generator: new Generator(seed) });
  let s = seed;
  // values in [lo, hi), a new stream for each tensor
  const uniform = (n: number, lo: number, hi: number) => tensor(randomFloats(n, ++s).map((v) => lo + (v + 0.5) * (hi - lo)));
  tidy(() => {
    for (const m of net.modules()) {
      if (!(m instanceof BatchNorm2d)) continue;
      const c = m.numFeatures;
      (m.weight as Tensor).assign(uniform(c, 0.5, 1.5));
      (m.bias as Tensor).assign(uniform(c, -0.2, 0.2));
      (m.runningMean as Tensor).assign(uniform(c, -0.2, 0.2));
      (m.runningVar as Tensor).assign(uniform(c, 0.5, 2));
    }
  });
  return net.eval();
}

/** Frees a network's parameters and buffers (wasm memory is not garbage-collected). */
export function disposeNet(net: ResNet): void {
  for (const t of Object.values(net.stateDict())) t.dispose();
}

/** The input image of the case, the same for every implementation. */
export function imageData(shape: readonly number[] = IMAGE): Float32Array {
  return randomFloats(
    shape.reduce((a, b) => a * b, 1),
    IMAGE_SEED,
  );
}

/** A Strata row: its own network (same seed) and input, built on the backend `activate` selects. */
function strataRow(name: string, note: string, activate: () => Promise<unknown>): Implementation {
  let net: ResNet | undefined;
  let x: Tensor | undefined;
  return {
    name,
    peer: false,
    note,
    async setup() {
      await activate();
      net = randomResnet18();
      x = tensor(imageData(), { shape: IMAGE });
    },
    async run() {
      const out = noGrad(() => (net as ResNet).forward(x as Tensor));
      await out.data();
      out.dispose();
    },
    teardown() {
      if (net) disposeNet(net);
      x?.dispose();
      net = undefined;
      x = undefined;
    },
  };
}

/** The ONNX export of the same network, made on the CPU backend. */
async function exported(): Promise<{ onnx: Uint8Array; input: Float32Array; shape: readonly number[] }> {
  await setBackend('cpu');
  const net = randomResnet18();
  const onnx = resnetToOnnx(net, IMAGE);
  disposeNet(net);
  return { onnx, input: imageData(), shape: IMAGE };
}

const suite: Suite = {
  name: 'resnet',
  description: `ResNet-18 (random weights) inference at batch 1, 1x3x224x224: Strata wasm and CPU vs onnxruntime-web (wasm, ${ORT_THREADS} threads)`,
  cases() {
    const wasm = [2, 1].map((threads) =>
      strataRow(wasmRowName(threads), threads === 1 ? 'SIMD, 1 thread' : `SIMD, ${threads} worker threads`, () =>
        activateWasm(threads),
      ),
    );
    const cpu = strataRow('Strata CPU', 'TypeScript reference backend', () => setBackend('cpu'));
    return [
      {
        name: 'ResNet-18 inference, batch 1, 224x224 (latency)',
        work: { amount: 1, unit: 'images' },
        limits: { warmup: 2, repetitions: 10 },
        implementations: [ortResnetRow(ORT_THREADS, exported), ...wasm, cpu],
      },
    ];
  },
};

export default suite;
