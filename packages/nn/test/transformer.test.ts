import { gradcheck } from '@strata/autograd';
import { Generator, memory, type Tensor, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import {
  generateSquareSubsequentMask,
  LayerNorm,
  type TransformerActivation,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from '../src/index';
import {
  geluRef,
  layerNormRef,
  linearRef,
  maxAbsDiff,
  mhaParamsOf,
  mhaRef,
  outputSeq,
  randomInput,
  randomiseVectors,
  randomStream,
  reluRef,
  type Seq,
  toMat,
  toVec,
} from './js-reference';

type MaskAt = (b: number, h: number, i: number, j: number) => number;
type Block = (x: Seq) => Seq;

const addSeq = (a: Seq, b: Seq): Seq => a.map((s, n) => s.map((v, i) => v.map((x, k) => x + (b[n]?.[i]?.[k] as number))));

function normRef(ln: LayerNorm): Block {
  const w = toVec(ln.weight as Tensor);
  const b = toVec(ln.bias as Tensor);
  return (x) => x.map((s) => s.map((v) => layerNormRef(v, w, b, ln.eps)));
}

function feedForwardRef(layer: TransformerEncoderLayer | TransformerDecoderLayer, act: (v: number) => number): Block {
  const [w1, w2] = [toMat(layer.linear1.weight), toMat(layer.linear2.weight)];
  const [b1, b2] = [toVec(layer.linear1.bias as Tensor), toVec(layer.linear2.bias as Tensor)];
  return (x) => x.map((s) => s.map((v) => linearRef(linearRef(v, w1, b1).map(act), w2, b2)));
}

/** The sub-blocks chained with residuals, post-norm or pre-norm (PyTorch's forward). */
function residualChain(x: Seq, blocks: [Block, Block][], normFirst: boolean): Seq {
  let out = x;
  for (const [block, norm] of blocks) out = normFirst ? addSeq(out, block(norm(out))) : norm(addSeq(out, block(out)));
  return out;
}

function encoderLayerRef(layer: TransformerEncoderLayer, act: (v: number) => number, maskAt?: MaskAt): Block {
  const attn = mhaParamsOf(layer.self_attn);
  const selfAttention: Block = (x) => mhaRef(attn, x, x, x, maskAt).output;
  return (x) =>
    residualChain(
      x,
      [
        [selfAttention, normRef(layer.norm1)],
        [feedForwardRef(layer, act), normRef(layer.norm2)],
      ],
      layer.normFirst,
    );
}

function decoderLayerRef(
  layer: TransformerDecoderLayer,
  memory: Seq,
  act: (v: number) => number,
  tgtMaskAt?: MaskAt,
  memoryMaskAt?: MaskAt,
): Block {
  const self = mhaParamsOf(layer.self_attn);
  const cross = mhaParamsOf(layer.multihead_attn);
  return (x) =>
    residualChain(
      x,
      [
        [(y) => mhaRef(self, y, y, y, tgtMaskAt).output, normRef(layer.norm1)],
        [(y) => mhaRef(cross, y, memory, memory, memoryMaskAt).output, normRef(layer.norm2)],
        [feedForwardRef(layer, act), normRef(layer.norm3)],
      ],
      layer.normFirst,
    );
}

const mhaKeys = (prefix: string) =>
  ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias'].map((k) => `${prefix}.${k}`);
const encoderLayerKeys = [
  ...mhaKeys('self_attn'),
  ...['linear1', 'linear2', 'norm1', 'norm2'].flatMap((m) => [`${m}.weight`, `${m}.bias`]),
];
const decoderLayerKeys = [
  ...mhaKeys('self_attn'),
  ...mhaKeys('multihead_attn'),
  ...['linear1', 'linear2', 'norm1', 'norm2', 'norm3'].flatMap((m) => [`${m}.weight`, `${m}.bias`]),
];
const refActivation = (a: TransformerActivation) => (a === 'gelu' ? geluRef : reluRef);
const causal: MaskAt = (_b, _h, i, j) => (j > i ? Number.NEGATIVE_INFINITY : 0);

describe('TransformerEncoderLayer', () => {
  it("has PyTorch's state-dict keys and print", () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect(Object.keys(layer.stateDict())).toEqual([
      'self_attn.in_proj_weight',
      'self_attn.in_proj_bias',
      'self_attn.out_proj.weight',
      'self_attn.out_proj.bias',
      'linear1.weight',
      'linear1.bias',
      'linear2.weight',
      'linear2.bias',
      'norm1.weight',
      'norm1.bias',
      'norm2.weight',
      'norm2.bias',
    ]);
    expect(String(layer)).toBe(
      [
        'TransformerEncoderLayer(',
        '  (self_attn): MultiheadAttention(',
        '    (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)',
        '  )',
        '  (linear1): Linear(in_features=8, out_features=16, bias=True)',
        '  (dropout): Dropout(p=0.1, inplace=False)',
        '  (linear2): Linear(in_features=16, out_features=8, bias=True)',
        '  (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True)',
        '  (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True)',
        '  (dropout1): Dropout(p=0.1, inplace=False)',
        '  (dropout2): Dropout(p=0.1, inplace=False)',
        ')',
      ].join('\n'),
    );
    const noBias = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, bias: false });
    expect(Object.keys(noBias.stateDict())).toEqual([
      'self_attn.in_proj_weight',
      'self_attn.out_proj.weight',
      'linear1.weight',
      'linear2.weight',
      'norm1.weight',
      'norm2.weight',
    ]);
    layer.dispose();
    noBias.dispose();
  });

  const cases: { normFirst: boolean; activation: TransformerActivation; batchFirst: boolean }[] = [
    { normFirst: false, activation: 'relu', batchFirst: false },
    { normFirst: true, activation: 'gelu', batchFirst: true },
    { normFirst: true, activation: 'relu', batchFirst: false },
    { normFirst: false, activation: 'gelu', batchFirst: true },
  ];
  for (const { normFirst, activation, batchFirst } of cases) {
    it(`matches the float64 reference (normFirst=${normFirst}, ${activation}, batchFirst=${batchFirst}) with masks`, () => {
      const next = randomStream(normFirst ? 11 : 12);
      const options = { dimFeedforward: 12, normFirst, activation, batchFirst, layerNormEps: 1e-4 };
      const layer = new TransformerEncoderLayer(8, 2, { ...options, generator: new Generator(11) }).eval();
      randomiseVectors(layer, next);
      const [src, srcSeq] = randomInput(next, 4, 2, 8, batchFirst);
      const padding = [
        [false, false, false, false],
        [false, true, false, true],
      ];
      const maskAt: MaskAt = (b, h, i, j) => causal(b, h, i, j) + (padding[b]?.[j] ? Number.NEGATIVE_INFINITY : 0);
      const ref = encoderLayerRef(layer, refActivation(activation), maskAt)(srcSeq);
      tidy(() => {
        const srcKeyPaddingMask = tensor(padding);
        const masked = layer.forward(src, { srcMask: generateSquareSubsequentMask(4), srcKeyPaddingMask });
        expect(maxAbsDiff(outputSeq(masked, batchFirst), ref)).toBeLessThan(2e-5);
        const hinted = layer.forward(src, { isCausal: true, srcKeyPaddingMask });
        expect(maxAbsDiff(toVec(hinted), toVec(masked))).toBeLessThan(1e-6);
        const plain = layer.forward(src);
        const plainRef = encoderLayerRef(layer, refActivation(activation))(srcSeq);
        expect(maxAbsDiff(outputSeq(plain, batchFirst), plainRef)).toBeLessThan(2e-5);
      });
      src.dispose();
      layer.dispose();
    });
  }

  it('applies dropout only in training mode and passes gradients everywhere (gradcheck)', async () => {
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0.5, normFirst: true });
    const [src] = randomInput(randomStream(13), 3, 2, 4, false);
    tidy(() => {
      const a = layer.forward(src);
      const b = layer.forward(src);
      expect(maxAbsDiff(toVec(a), toVec(b))).toBeGreaterThan(1e-3);
      layer.eval();
      expect(toVec(layer.forward(src))).toEqual(toVec(layer.forward(src)));
    });
    const result = await gradcheck((x) => layer.forward(x), [src], { eps: 1e-3, atol: 2e-3, rtol: 1e-2 });
    expect(result.mismatches).toEqual([]);
    layer.train();
    const loss = layer.forward(src).sum();
    loss.backward();
    for (const [name, p] of layer.namedParameters()) expect(p.grad, name).toBeDefined();
    loss.dispose();
    src.dispose();
    layer.dispose();
  });
});

describe('TransformerEncoder', () => {
  it('stacks clones of a layer (layers.0 ...), applies the final norm, and matches the reference', () => {
    const next = randomStream(21);
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, generator: new Generator(21) });
    randomiseVectors(layer, next);
    const norm = new LayerNorm(4);
    randomiseVectors(norm, next);
    const encoder = new TransformerEncoder(layer, 2, { norm }).eval();
    expect(Object.keys(encoder.stateDict())).toEqual([
      ...encoderLayerKeys.map((k) => `layers.0.${k}`),
      ...encoderLayerKeys.map((k) => `layers.1.${k}`),
      'norm.weight',
      'norm.bias',
    ]);
    expect(encoder.layers.at(0)).toBe(layer);
    const copy = encoder.layers.at(1);
    expect(copy).not.toBe(layer);
    expect(toVec(copy.linear1.weight)).toEqual(toVec(layer.linear1.weight)); // PyTorch deep-copies the layer
    expect(copy.linear1.weight).not.toBe(layer.linear1.weight);
    const [src, srcSeq] = randomInput(next, 3, 2, 4, false);
    const layerRef = encoderLayerRef(layer, reluRef, causal);
    const ref = normRef(norm)(layerRef(layerRef(srcSeq)));
    tidy(() => {
      const out = encoder.forward(src, { mask: generateSquareSubsequentMask(3), isCausal: true });
      expect(maxAbsDiff(outputSeq(out, false), ref)).toBeLessThan(2e-5);
    });
    const independent = new TransformerEncoder((i) => new TransformerEncoderLayer(4, 2, { generator: new Generator(i) }), 2);
    expect(toVec(independent.layers.at(0).linear1.weight)).not.toEqual(toVec(independent.layers.at(1).linear1.weight));
    src.dispose();
    encoder.dispose();
    independent.dispose();
  });

  it('round-trips its state dict and keeps memory flat over training steps (encoder and decoder)', () => {
    const make = (seed: number) =>
      new TransformerEncoder(new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, generator: new Generator(seed) }), 2);
    const a = make(1).eval();
    const b = make(2).eval();
    const [src] = randomInput(randomStream(22), 3, 2, 4, false);
    b.loadStateDict(a.stateDict());
    tidy(() => expect(toVec(b.forward(src))).toEqual(toVec(a.forward(src))));
    a.train();
    const kpm = tensor([
      [false, false, true],
      [false, false, false],
    ]);
    const step = () =>
      tidy(() => {
        a.forward(src, { srcKeyPaddingMask: kpm }).sum().backward();
      });
    step();
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(memory().numTensors).toBe(before);
    const decoder = new TransformerDecoder(new TransformerDecoderLayer(4, 2, { dimFeedforward: 8, normFirst: true }), 2);
    const decoderStep = () =>
      tidy(() => {
        decoder.forward(src, src, { tgtIsCausal: true, memoryKeyPaddingMask: kpm }).sum().backward();
      });
    decoderStep();
    const beforeDecoder = memory().numTensors;
    for (let i = 0; i < 3; i++) decoderStep();
    expect(memory().numTensors).toBe(beforeDecoder);
    for (const t of [src, kpm]) t.dispose();
    a.dispose();
    b.dispose();
    decoder.dispose();
  });
});

describe('TransformerDecoderLayer and TransformerDecoder', () => {
  it("have PyTorch's state-dict keys", () => {
    const layer = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
    expect(Object.keys(layer.stateDict())).toEqual(decoderLayerKeys);
    const decoder = new TransformerDecoder(layer, 2, { norm: new LayerNorm(8) });
    expect(Object.keys(decoder.stateDict())).toEqual([
      ...decoderLayerKeys.map((k) => `layers.0.${k}`),
      ...decoderLayerKeys.map((k) => `layers.1.${k}`),
      'norm.weight',
      'norm.bias',
    ]);
    decoder.dispose();
  });

  for (const normFirst of [false, true]) {
    it(`matches the float64 reference (normFirst=${normFirst}) with causal target and memory padding masks`, () => {
      const next = randomStream(normFirst ? 31 : 32);
      const layer = new TransformerDecoderLayer(6, 3, { dimFeedforward: 10, normFirst, generator: new Generator(31) }).eval();
      randomiseVectors(layer, next);
      const [tgt, tgtSeq] = randomInput(next, 4, 2, 6, false);
      const [memory, memorySeq] = randomInput(next, 5, 2, 6, false);
      const padding = [
        [false, false, false, true, true],
        [false, false, false, false, false],
      ];
      const memoryMaskAt: MaskAt = (b, _h, _i, j) => (padding[b]?.[j] ? Number.NEGATIVE_INFINITY : 0);
      const ref = decoderLayerRef(layer, memorySeq, reluRef, causal, memoryMaskAt)(tgtSeq);
      tidy(() => {
        const memoryKeyPaddingMask = tensor(padding);
        const out = layer.forward(tgt, memory, { tgtMask: generateSquareSubsequentMask(4), memoryKeyPaddingMask });
        expect(out.shape).toEqual([4, 2, 6]);
        expect(maxAbsDiff(outputSeq(out, false), ref)).toBeLessThan(2e-5);
        const hinted = layer.forward(tgt, memory, { tgtIsCausal: true, memoryKeyPaddingMask });
        expect(maxAbsDiff(toVec(hinted), toVec(out))).toBeLessThan(1e-6);

        const decoder = new TransformerDecoder(layer, 2).eval();
        const stacked = decoder.forward(tgt, memory, { tgtIsCausal: true, memoryKeyPaddingMask });
        const layerRef = decoderLayerRef(layer, memorySeq, reluRef, causal, memoryMaskAt);
        expect(maxAbsDiff(outputSeq(stacked, false), layerRef(layerRef(tgtSeq)))).toBeLessThan(3e-5);
        decoder.layers.at(1).dispose();
      });
      tgt.dispose();
      memory.dispose();
      layer.dispose();
    });
  }

  it('passes gradients to the target and the memory (gradcheck), dropout only in training', async () => {
    const layer = new TransformerDecoderLayer(4, 2, { dimFeedforward: 6, batchFirst: true, dropout: 0.3 });
    const next = randomStream(33);
    const [tgt] = randomInput(next, 2, 1, 4, true);
    const [memory] = randomInput(next, 3, 1, 4, true);
    tidy(() => expect(maxAbsDiff(toVec(layer.forward(tgt, memory)), toVec(layer.forward(tgt, memory)))).toBeGreaterThan(1e-4));
    layer.eval();
    const result = await gradcheck((t, m) => layer.forward(t, m, { tgtIsCausal: true }), [tgt, memory], {
      eps: 1e-3,
      atol: 2e-3,
      rtol: 1e-2,
    });
    expect(result.mismatches).toEqual([]);
    for (const t of [tgt, memory]) t.dispose();
    layer.dispose();
  });
});

describe('generateSquareSubsequentMask', () => {
  it('is 0 on and below the diagonal and -inf above', () => {
    const mask = generateSquareSubsequentMask(3);
    const inf = Number.NEGATIVE_INFINITY;
    expect(toVec(mask)).toEqual([0, inf, inf, 0, 0, inf, 0, 0, 0]);
    mask.dispose();
  });
});
