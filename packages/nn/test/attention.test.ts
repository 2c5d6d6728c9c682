import { gradcheck } from '@strata/autograd';
import { Generator, memory, reshape, type Tensor, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { MultiheadAttention } from '../src/index';
import {
  maxAbsDiff,
  mhaParamsOf,
  mhaRef,
  outputSeq,
  randomArray,
  randomInput,
  randomiseVectors,
  randomStream,
  toMat,
  toVec,
} from './js-reference';

const averaged = (w: number[][][][]) =>
  w.map((heads) =>
    (heads[0] as number[][]).map((row, i) =>
      row.map((_, j) => heads.reduce((a, h) => a + (h[i]?.[j] as number), 0) / heads.length),
    ),
  );

describe('MultiheadAttention', () => {
  it('has PyTorch parameter names, shapes and init', () => {
    const mha = new MultiheadAttention(8, 2, { generator: new Generator(0) });
    expect(Object.entries(mha.stateDict()).map(([k, v]) => [k, v.shape])).toEqual([
      ['in_proj_weight', [24, 8]],
      ['in_proj_bias', [24]],
      ['out_proj.weight', [8, 8]],
      ['out_proj.bias', [8]],
    ]);
    const w = toVec(mha.in_proj_weight as Tensor);
    const bound = Math.sqrt(6 / (24 + 8)); // xavier_uniform on (3E, E)
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(toVec(mha.in_proj_bias as Tensor).every((v) => v === 0)).toBe(true);
    expect(toVec(mha.out_proj.bias as Tensor).every((v) => v === 0)).toBe(true);
    expect(mha.toString()).toBe(
      'MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n)',
    );

    const separate = new MultiheadAttention(8, 2, { kdim: 3, vdim: 5, bias: false });
    expect(Object.entries(separate.stateDict()).map(([k, v]) => [k, v.shape])).toEqual([
      ['q_proj_weight', [8, 8]],
      ['k_proj_weight', [8, 3]],
      ['v_proj_weight', [8, 5]],
      ['out_proj.weight', [8, 8]],
    ]);
    mha.dispose();
    separate.dispose();
  });

  it('matches the float64 reference for self-attention (L, N, E), with averaged and per-head weights', () => {
    const next = randomStream(1);
    const mha = new MultiheadAttention(8, 2, { generator: new Generator(1) }).eval();
    randomiseVectors(mha, next);
    const [x, xs] = randomInput(next, 5, 3, 8, false);
    const ref = mhaRef(mhaParamsOf(mha), xs, xs, xs);
    const { output, weights } = mha.forward(x, x, x);
    expect(output.shape).toEqual([5, 3, 8]);
    expect(maxAbsDiff(outputSeq(output, false), ref.output)).toBeLessThan(1e-5);
    expect(weights.shape).toEqual([3, 5, 5]);
    expect(maxAbsDiff(toMat(weights), averaged(ref.weights).flat())).toBeLessThan(1e-6);
    const perHead = mha.forward(x, x, x, { averageAttnWeights: false }).weights;
    expect(perHead.shape).toEqual([3, 2, 5, 5]);
    expect(maxAbsDiff(toMat(perHead), ref.weights.flat(2))).toBeLessThan(1e-6);
    for (const t of [x, output, weights, perHead]) t.dispose();
    mha.dispose();
  });

  it('applies bool masks with PyTorch MHA semantics (true = not allowed), batchFirst, cross-attention', () => {
    const next = randomStream(2);
    const mha = new MultiheadAttention(6, 3, { batchFirst: true, generator: new Generator(2) }).eval();
    randomiseVectors(mha, next);
    const [q, qs] = randomInput(next, 4, 2, 6, true);
    const [k, ks] = randomInput(next, 5, 2, 6, true);
    const [v, vs] = randomInput(next, 5, 2, 6, true);
    const attn = [
      [false, true, false, false, true],
      [false, false, false, false, false],
      [true, false, true, false, false],
      [false, false, false, true, false],
    ];
    const padding = [
      [false, false, false, true, true],
      [false, false, false, false, false],
    ];
    const ref = mhaRef(mhaParamsOf(mha), qs, ks, vs, (b, _h, i, j) =>
      attn[i]?.[j] || padding[b]?.[j] ? Number.NEGATIVE_INFINITY : 0,
    );
    const attnMask = tensor(attn);
    const keyPaddingMask = tensor(padding);
    const { output, weights } = mha.forward(q, k, v, { attnMask, keyPaddingMask });
    expect(output.shape).toEqual([2, 4, 6]);
    expect(maxAbsDiff(outputSeq(output, true), ref.output)).toBeLessThan(1e-5);
    expect(maxAbsDiff(toMat(weights), averaged(ref.weights).flat())).toBeLessThan(1e-6);
    expect(toMat(weights)[0]?.[3]).toBe(0); // padded key of sample 0
    for (const t of [q, k, v, attnMask, keyPaddingMask, output, weights]) t.dispose();
    mha.dispose();
  });

  it('adds float masks: per-head (N * heads, L, S) attnMask and a float keyPaddingMask', () => {
    const next = randomStream(3);
    const mha = new MultiheadAttention(4, 2, { generator: new Generator(3) }).eval();
    randomiseVectors(mha, next);
    const [x, xs] = randomInput(next, 3, 2, 4, false);
    const attnFlat = randomArray([4, 3, 3], next).map((v) => 2 * v);
    const padFlat = randomArray([2, 3], next);
    const ref = mhaRef(
      mhaParamsOf(mha),
      xs,
      xs,
      xs,
      (b, h, i, j) => (attnFlat[((b * 2 + h) * 3 + i) * 3 + j] as number) + (padFlat[b * 3 + j] as number),
    );
    const attnMask = tensor(attnFlat, { shape: [4, 3, 3] });
    const keyPaddingMask = tensor(padFlat, { shape: [2, 3] });
    const { output, weights } = mha.forward(x, x, x, { attnMask, keyPaddingMask, averageAttnWeights: false });
    expect(maxAbsDiff(outputSeq(output, false), ref.output)).toBeLessThan(1e-5);
    expect(maxAbsDiff(toMat(weights), ref.weights.flat(2))).toBeLessThan(1e-6);
    for (const t of [x, attnMask, keyPaddingMask, output, weights]) t.dispose();
    mha.dispose();
  });

  it('projects keys and values of other sizes (kdim, vdim) with separate weights, without biases', () => {
    const next = randomStream(4);
    const mha = new MultiheadAttention(4, 2, { kdim: 3, vdim: 5, bias: false, generator: new Generator(4) }).eval();
    const [q, qs] = randomInput(next, 2, 2, 4, false);
    const [k, ks] = randomInput(next, 3, 2, 3, false);
    const [v, vs] = randomInput(next, 3, 2, 5, false);
    const ref = mhaRef(mhaParamsOf(mha), qs, ks, vs);
    const { output } = mha.forward(q, k, v, { needWeights: false });
    expect(maxAbsDiff(outputSeq(output, false), ref.output)).toBeLessThan(1e-5);
    for (const t of [q, k, v, output]) t.dispose();
    mha.dispose();
  });

  it('gives the same output without weights, for isCausal, and unbatched', () => {
    const next = randomStream(5);
    const mha = new MultiheadAttention(4, 2, { generator: new Generator(5) }).eval();
    randomiseVectors(mha, next);
    const [x, xs] = randomInput(next, 4, 1, 4, false);
    const causal = mhaRef(mhaParamsOf(mha), xs, xs, xs, (_b, _h, i, j) => (j > i ? Number.NEGATIVE_INFINITY : 0));
    tidy(() => {
      const fast = mha.forward(x, x, x, { isCausal: true, needWeights: false }).output;
      const slow = mha.forward(x, x, x, { isCausal: true }).output;
      expect(maxAbsDiff(outputSeq(fast, false), causal.output)).toBeLessThan(1e-5);
      expect(maxAbsDiff(toVec(fast), toVec(slow))).toBeLessThan(1e-6);
      const x2 = reshape(x, [4, 4]); // (L, E) unbatched
      const un = mha.forward(x2, x2, x2, { isCausal: true });
      expect(un.output.shape).toEqual([4, 4]);
      expect(un.weights.shape).toEqual([4, 4]);
      expect(maxAbsDiff(toVec(un.output), toVec(fast))).toBeLessThan(1e-6);
      const kpm = tensor([false, false, true, false]);
      const padded = mha.forward(x2, x2, x2, { keyPaddingMask: kpm, needWeights: false }).output;
      const padRef = mhaRef(mhaParamsOf(mha), xs, xs, xs, (_b, _h, _i, j) => (j === 2 ? Number.NEGATIVE_INFINITY : 0));
      expect(maxAbsDiff(toVec(padded), padRef.output.flat(2))).toBeLessThan(1e-5);
    });
    x.dispose();
    mha.dispose();
  });

  it('applies dropout to the weights only in training mode', () => {
    const mha = new MultiheadAttention(4, 1, { dropout: 0.5, generator: new Generator(6) });
    const x = tensor(randomArray([6, 2, 4], randomStream(6)), { shape: [6, 2, 4] });
    tidy(() => {
      const train = mha.forward(x, x, x).weights;
      const values = toVec(train);
      expect(values.some((w) => w === 0)).toBe(true);
      mha.eval();
      const a = mha.forward(x, x, x);
      const b = mha.forward(x, x, x);
      expect(toVec(a.output)).toEqual(toVec(b.output));
      const rowSums = toMat(a.weights).map((r) => r.reduce((s, w) => s + w, 0));
      expect(
        maxAbsDiff(
          rowSums,
          rowSums.map(() => 1),
        ),
      ).toBeLessThan(1e-6);
    });
    x.dispose();
    mha.dispose();
  });

  it('passes gradients to every parameter and input (gradcheck)', async () => {
    const mha = new MultiheadAttention(4, 2, { kdim: 3, vdim: 3, generator: new Generator(7) });
    const next = randomStream(7);
    randomiseVectors(mha, next);
    const q = tensor(randomArray([3, 1, 4], next), { shape: [3, 1, 4] });
    const k = tensor(randomArray([2, 1, 3], next), { shape: [2, 1, 3] });
    const mask = tensor([
      [false, true],
      [false, false],
      [true, false],
    ]);
    const f = (qq: Tensor, kk: Tensor) => mha.forward(qq, kk, kk, { attnMask: mask, needWeights: false }).output;
    const result = await gradcheck(f, [q, k], { eps: 1e-3, atol: 2e-3, rtol: 1e-2 });
    expect(result.mismatches).toEqual([]);
    const loss = mha.forward(q, k, k, { attnMask: mask }).output.sum();
    loss.backward();
    for (const [name, p] of mha.namedParameters()) {
      expect(p.grad, name).toBeDefined();
      expect(
        toVec(p.grad as Tensor).some((g) => g !== 0),
        name,
      ).toBe(true);
    }
    for (const t of [q, k, mask, loss]) t.dispose();
    mha.dispose();
  });

  it('keeps memory flat inside tidy', () => {
    const mha = new MultiheadAttention(4, 2, { dropout: 0.1 });
    const x = tensor(randomArray([3, 2, 4], randomStream(8)), { shape: [3, 2, 4] });
    const kpm = tensor([
      [false, true, false],
      [false, false, false],
    ]);
    const step = () =>
      tidy(() => {
        mha.forward(x, x, x, { keyPaddingMask: kpm, isCausal: true, needWeights: false }).output.sum().backward();
      });
    step();
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(memory().numTensors).toBe(before);
    x.dispose();
    kpm.dispose();
    mha.dispose();
  });

  it('explains bad shapes', () => {
    expect(() => new MultiheadAttention(6, 4)).toThrow(/divisible by numHeads/);
    const mha = new MultiheadAttention(4, 2);
    const x = tensor(randomArray([3, 2, 4], randomStream(9)), { shape: [3, 2, 4] });
    const bad = tensor([[true, false]]);
    expect(() => mha.forward(x, x, x, { attnMask: bad })).toThrow(/attnMask must be \(L, S\) = \[3, 3\]/);
    expect(() => mha.forward(x, x, x, { keyPaddingMask: bad })).toThrow(/keyPaddingMask must be \(N, S\) = \[2, 3\]/);
    const y = tensor(randomArray([3, 2, 5], randomStream(9)), { shape: [3, 2, 5] });
    expect(() => mha.forward(x, y, y)).toThrow(/kdim=4/);
    for (const t of [x, y, bad]) t.dispose();
    mha.dispose();
  });
});
