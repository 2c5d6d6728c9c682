/**
 * Gradients of the neural-network ops (the op library's second half) against
 * finite differences, including the fused fast paths a backend provides
 * (softmax, layerNorm, conv2d) — those are what `softmax`, `layerNorm` and
 * `conv2d` run when the backend has them.
 */
import * as S from '@strata/core';
import { describe } from 'vitest';
import type { Section } from '../harness';
import { type Case, runCases } from './gradients';

const f32 = (v: number[][] | number[]) => S.tensor(v, { dtype: 'float32' });

const activationsAndLosses: Case[] = [
  ['softmax', (x) => S.softmax(x, 1).mul(f32([[1, 2, 3, 4]])), [[2, 4]]],
  ['logSoftmax', (x) => S.logSoftmax(x, 0).mul(f32([[1], [2], [3]])), [[3, 2]]],
  ['dropout (fixed mask)', (x) => S.dropout(x, { p: 0.3, generator: new S.Generator(5) }), [[10]]],
  [
    'embedding',
    (w) =>
      S.embedding(
        S.tensor([
          [0, 2],
          [2, 1],
        ]),
        w,
      ).exp(),
    [[3, 2]],
  ],
  ['nllLoss weighted', (lp) => S.nllLoss(lp, S.tensor([0, 2, 1]), { weight: f32([1, 2, 0.5]) }), [[3, 3]]],
  ['crossEntropy with label smoothing', (z) => S.crossEntropy(z, S.tensor([1, 0]), { labelSmoothing: 0.1 }), [[2, 3]]],
  [
    'crossEntropy with probabilities',
    (z, p) => S.crossEntropy(z, S.softmax(p, 1)),
    [
      [2, 3],
      [2, 3],
    ],
  ],
];

const normalization: Case[] = [
  ['layerNorm (affine)', (x, w, b) => S.layerNorm(x, [3], { weight: w, bias: b }).mul(f32([1, -2, 3])), [[2, 3], [3], [3]]],
  [
    'layerNorm over two dims',
    (x) =>
      S.layerNorm(x, [2, 2]).mul(
        f32([
          [1, 2],
          [3, 4],
        ]),
      ),
    [[2, 2, 2]],
  ],
  [
    'groupNorm',
    (x, w) => S.groupNorm(x, 2, { weight: w }).mul(S.arange(16, undefined, 1, { dtype: 'float32' }).reshape(1, 4, 2, 2)),
    [[1, 4, 2, 2], [4]],
  ],
  [
    'batchNorm (training stats)',
    (x) =>
      S.batchNorm(x, undefined, undefined, { training: true }).output.mul(
        S.arange(12, undefined, 1, { dtype: 'float32' }).reshape(4, 3),
      ),
    [[4, 3]],
  ],
  [
    'instanceNorm',
    (x) => S.instanceNorm(x).output.mul(S.arange(12, undefined, 1, { dtype: 'float32' }).reshape(1, 2, 2, 3)),
    [[1, 2, 2, 3]],
  ],
];

const convolution: Case[] = [
  [
    'conv2d (stride 2, padding, bias)',
    (x, w, b) => S.conv2d(x, w, b, { stride: 2, padding: 1 }),
    [[1, 2, 4, 4], [3, 2, 3, 3], [3]],
  ],
  [
    'conv2d (dilation 2, groups 2)',
    (x, w) => S.conv2d(x, w, null, { dilation: 2, groups: 2 }),
    [
      [1, 4, 5, 5],
      [2, 2, 2, 2],
    ],
  ],
  [
    'conv2d composite',
    (x, w) => S.conv2dComposite(x, w, null, { padding: 'same' }),
    [
      [1, 1, 3, 4],
      [2, 1, 3, 3],
    ],
  ],
  [
    'conv1d',
    (x, w) => S.conv1d(x, w, null, { padding: 1 }),
    [
      [2, 2, 5],
      [3, 2, 3],
    ],
  ],
  [
    'convTranspose2d',
    (x, w) => S.convTranspose2d(x, w, null, { stride: 2, outputPadding: 1 }),
    [
      [1, 2, 2, 2],
      [2, 1, 3, 3],
    ],
  ],
  ['unfold', (x) => S.unfold(x, [2, 2], { stride: 1, padding: 1 }).exp(), [[1, 1, 2, 3]]],
  ['fold', (c) => S.fold(c, [3, 3], [2, 2]).exp(), [[1, 4, 4]]],
  ['maxPool2d', (x) => S.maxPool2d(x, 2, { stride: 1, padding: 1 }), [[1, 1, 3, 3]]],
  [
    'avgPool2d (countIncludePad false, ceilMode)',
    (x) => S.avgPool2d(x, 2, { padding: 1, countIncludePad: false, ceilMode: true }),
    [[1, 2, 3, 3]],
  ],
  ['adaptiveAvgPool2d', (x) => S.adaptiveAvgPool2d(x, [2, 3]), [[1, 1, 3, 5]]],
  ['adaptiveMaxPool2d', (x) => S.adaptiveMaxPool2d(x, [2, 2]), [[1, 1, 3, 3]]],
];

const other: Case[] = [
  [
    'scaledDotProductAttention (causal)',
    (q, k, v) => S.scaledDotProductAttention(q, k, v, { causal: true }),
    [
      [1, 2, 3, 4],
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ],
  ],
  [
    'scaledDotProductAttention (float mask)',
    (q, k, v) => S.scaledDotProductAttention(q, k, v, { mask: f32([[0, -1, 0.5]]) }),
    [
      [2, 2, 3],
      [2, 3, 3],
      [2, 3, 3],
    ],
  ],
  ['interpolate bilinear', (x) => S.interpolate(x, { size: [3, 5], mode: 'bilinear' }), [[1, 1, 2, 3]]],
  [
    'interpolate bilinear alignCorners',
    (x) => S.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: true }),
    [[1, 1, 2, 2]],
  ],
  ['interpolate nearest', (x) => S.interpolate(x, { size: [4, 3], mode: 'nearest' }), [[1, 1, 2, 2]]],
  [
    'einsum matmul',
    (a, b) => S.einsum('ij,jk->ik', a, b),
    [
      [2, 3],
      [3, 2],
    ],
  ],
  [
    'einsum trace and batch',
    (a, b) => S.einsum('bii,bj->bj', a, b),
    [
      [2, 3, 3],
      [2, 2],
    ],
  ],
  ['sort values', (x) => S.sort(x, { axis: 1 }).values.mul(f32([[1, 2, 3, 4]])), [[2, 4]]],
  ['topk values', (x) => S.topk(x, 2).values.mul(f32([[1, 3]])), [[3, 4]]],
];

export const gradientsNnSection: Section = (h) => {
  describe('gradients: neural-network ops', () => {
    runCases(h, 'activations and losses', activationsAndLosses);
    runCases(h, 'normalization', normalization);
    runCases(h, 'convolution and pooling', convolution);
    runCases(h, 'attention, interpolation, einsum, sorting', other);
  });
};
