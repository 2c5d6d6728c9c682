import { noGrad } from '@strata/autograd';
import { setBackend, tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { loadOrt, oneNodeModel } from '../src/cases/onnx';
import { floatTensor, intField } from '../src/cases/onnx-proto';
import { ortResnet, resnetToOnnx } from '../src/cases/onnx-resnet';
import { activateWasm } from '../src/cases/wasm';
import suite, { disposeNet, imageData, randomResnet18 } from '../src/suites/resnet';

/** Largest |a - b| over the largest |b|: logits agree up to float32 rounding of the summation order. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return diff / scale;
}

describe('resnet suite', () => {
  it('puts onnxruntime-web first as the peer, then Strata wasm (2, 1 threads) and CPU', async () => {
    const [c, ...rest] = await suite.cases();
    expect(rest).toEqual([]);
    expect(c?.implementations.map((i) => [i.name, i.peer])).toEqual([
      ['onnxruntime-web (2 threads)', true],
      ['Strata wasm (2 threads)', false],
      ['Strata wasm', false],
      ['Strata CPU', false],
    ]);
  });

  it('exports a ResNet-18 that onnxruntime-web runs to the same logits as Strata (CPU and wasm)', async () => {
    const shape = [1, 3, 64, 64] as const; // small, to keep the test quick; the graph does not depend on it
    const x = imageData(shape);
    await setBackend('cpu');
    const net = randomResnet18();
    const onnx = resnetToOnnx(net, shape);
    const cpu = noGrad(() => net.forward(tensor(x, { shape }))).dataSync() as Float32Array;
    disposeNet(net);

    await activateWasm(2);
    const wasmNet = randomResnet18(); // same seed: same weights
    const wasm = noGrad(() => wasmNet.forward(tensor(x, { shape }))).dataSync() as Float32Array;
    disposeNet(wasmNet);

    const theirs = await (await ortResnet(onnx, 1)).run(x, shape);
    expect(theirs.length).toBe(1000);
    expect(Math.max(...theirs.map(Math.abs))).toBeGreaterThan(0.1); // not a degenerate all-zero network
    expect(relativeError(cpu, theirs)).toBeLessThan(1e-4);
    expect(relativeError(wasm, theirs)).toBeLessThan(1e-4);
  }, 60_000);

  it('encodes protobuf fields and rejects tensors whose data does not fit the shape', () => {
    // field 1, varint 300: tag 0x08, then 300 = 0b10_0101100 as 0xac 0x02
    expect(intField(1, 300).flatMap((c) => [...c])).toEqual([0x08, 0xac, 0x02]);
    expect(() => intField(1, -1)).toThrow(/safe integer >= 0/);
    expect(() => floatTensor('w', [2, 3], new Float32Array(5))).toThrow(/'w' of shape \[2,3\] needs 6 values, got 5/);
  });

  it('writes one-node models too (the MatMul of the cpu-core suite)', async () => {
    const ort = await loadOrt(1); // the thread count the ResNet test above started ORT with
    const model = oneNodeModel(
      'MatMul',
      [
        { name: 'a', shape: [2, 3] },
        { name: 'b', shape: [3, 2] },
      ],
      { name: 'c', shape: [2, 2] },
    );
    const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    const feeds = {
      a: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]),
      b: new ort.Tensor('float32', Float32Array.of(1, 0, 0, 1, 1, 1), [3, 2]),
    };
    const out = await session.run(feeds);
    expect(Array.from(out.c?.data as Float32Array)).toEqual([4, 5, 10, 11]);
  });
});
