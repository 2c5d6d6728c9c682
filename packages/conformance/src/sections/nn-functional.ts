/**
 * The nn-functional ops (softmax, normalisation, losses, attention, dropout,
 * embedding, interpolate, einsum, sorting and searching) against TensorFlow.js
 * where it has the op and float64 references elsewhere; a backend's fused
 * fast paths (softmax, layerNorm) against core's composites on random shapes,
 * axes and strided views; 1e4 logits; memory flat inside tidy.
 */
import * as S from '@strata/core';
import { type Tensor, tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { expectTensor, expectValues } from '../compare';
import type { Harness, Tolerance } from '../harness';
import { integers, rng, sizeOf, tf, tfCompute, tfTensor, uniform } from '../oracle';
import { attention64, einsum64, nll64, normalizeGroups64, softmax64 } from './nn-refs';

const f32 = (data: ArrayLike<number>, shape: readonly number[]) => tensor(Float32Array.from(data), { shape });
const i32 = (data: ArrayLike<number>, shape: readonly number[]) => tensor(Int32Array.from(data), { shape, dtype: 'int32' });
/** Normalised values are O(1): a few float32 roundings through two reductions. */
const normTol = (h: Harness): Tolerance => ({ rtol: 64 * h.eps, atol: 256 * h.eps });
const sum64 = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);

/** A few views of x: itself, a permutation and a strided slice (each with its own data read back). */
function viewsOf(x: Tensor): Tensor[] {
  const rev = x.shape.map((_, i) => x.ndim - 1 - i);
  return [x, x.permute(...rev), x.slice([{ step: 2 }])];
}

export function nnFunctionalSection(h: Harness): void {
  describe('nn functional ops', () => {
    it('softmax / logSoftmax match tfjs and float64 on every axis, on views and with 1e4 logits', async () => {
      const data = uniform(3 * 4 * 5, -6, 6, 3100);
      const x = f32(data, [3, 4, 5]);
      for (const view of viewsOf(x)) {
        const vd = await view.data();
        for (let axis = 0; axis < view.ndim; axis++) {
          for (const log of [false, true]) {
            const out = log ? S.logSoftmax(view, axis) : S.softmax(view, axis);
            const label = `${log ? 'logSoftmax' : 'softmax'} ${view.shape} axis ${axis}`;
            await expectTensor(out, softmax64(vd, view.shape, axis, log), { tol: h.math, shape: view.shape, label });
            if (axis === view.ndim - 1) {
              const ref = tfCompute(() => (log ? tf.logSoftmax : tf.softmax)(tfTensor(vd, view.shape)));
              expectValues(await out.data(), ref.values, h.math, `${label} vs tfjs`);
            }
          }
        }
      }
      const big = Float32Array.from(data, (v) => v + 1e4);
      await expectTensor(S.softmax(f32(big, [3, 20])), softmax64(big, [3, 20], 1, false), {
        tol: h.math,
        shape: [3, 20],
        label: 'softmax 1e4',
      });
      const bigLog = S.logSoftmax(f32(big, [3, 20]).mul(-1), 1);
      await expectTensor(
        bigLog,
        softmax64(
          Array.from(big, (v) => -v),
          [3, 20],
          1,
          true,
        ),
        { tol: h.math, shape: [3, 20], label: 'logSoftmax -1e4' },
      );
      const ninf = Number.NEGATIVE_INFINITY;
      await expectTensor(
        S.softmax(
          tensor([
            [ninf, ninf],
            [ninf, 0],
          ]),
        ),
        [Number.NaN, Number.NaN, 0, 1],
        { shape: [2, 2], label: 'all -inf row' },
      );
    });

    it("the backend's softmax fast path (if any) matches softmaxComposite on random shapes, axes and views", async () => {
      const next = rng(3200);
      for (let trial = 0; trial < 12; trial++) {
        const ndim = 1 + Math.floor(next() * 3);
        const shape = Array.from({ length: ndim }, () => 1 + Math.floor(next() * 6));
        const x = f32(uniform(sizeOf(shape), -8, 8, 3300 + trial), shape);
        for (const view of viewsOf(x)) {
          const axis = Math.floor(next() * view.ndim);
          for (const log of [false, true]) {
            const fused = log ? S.logSoftmax(view, axis) : S.softmax(view, axis);
            const composite = S.softmaxComposite(view, axis, log);
            expectValues(await fused.data(), await composite.data(), h.math, `softmax ${view.shape} axis ${axis} log ${log}`);
            fused.dispose();
            composite.dispose();
          }
        }
        x.dispose();
      }
    });

    it('layerNorm matches float64, and its fast path (if any) matches layerNormComposite on views', async () => {
      const data = uniform(4 * 3 * 6, -3, 5, 3400);
      const w = uniform(18, 0.5, 2, 3401);
      const b = uniform(18, -1, 1, 3402);
      const x = f32(data, [4, 3, 6]);
      const out = S.layerNorm(x, [3, 6], { weight: f32(w, [3, 6]), bias: f32(b, [3, 6]) });
      const ref = normalizeGroups64(data, 18, 1e-5).map((v, i) => v * (w[i % 18] as number) + (b[i % 18] as number));
      await expectTensor(out, ref, { tol: normTol(h), shape: [4, 3, 6] });
      const next = rng(3500);
      for (const view of [x, x.permute(2, 1, 0), x.slice([{ step: 2 }, null, { start: 1, step: 2 }])]) {
        for (let k = 1; k <= view.ndim; k++) {
          const tail = view.shape.slice(view.ndim - k);
          const affine = next() < 0.5 ? { weight: f32(uniform(sizeOf(tail), -2, 2, 3600 + k), tail) } : {};
          const fast = S.layerNorm(view, tail, { ...affine, eps: 1e-3 });
          const composite = S.layerNormComposite(view, k, 1e-3, affine.weight);
          expectValues(await fast.data(), await composite.data(), normTol(h), `layerNorm ${view.shape} over ${k} dims`);
          const vd = await view.data();
          const ref64 = normalizeGroups64(vd, sizeOf(tail), 1e-3);
          const wd = affine.weight ? await affine.weight.data() : undefined;
          expectValues(
            await fast.data(),
            ref64.map((v, i) => (wd ? v * (wd[i % wd.length] as number) : v)),
            normTol(h),
            'vs float64',
          );
        }
      }
    });

    it('batchNorm matches tf.batchNorm (eval) and tf.moments (training); running stats follow PyTorch', async () => {
      const shape = [4, 3, 2, 5];
      const data = uniform(sizeOf(shape), -4, 6, 3700);
      const rm = uniform(3, -1, 1, 3701);
      const rv = uniform(3, 0.5, 2, 3702);
      const gamma = uniform(3, 0.5, 2, 3703);
      const beta = uniform(3, -1, 1, 3704);
      const x = f32(data, shape);
      const nhwc = () => tf.transpose(tfTensor(data, shape), [0, 2, 3, 1]);
      const toNchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]);
      const opts = { weight: f32(gamma, [3]), bias: f32(beta, [3]) };
      const evalOut = S.batchNorm(x, f32(rm, [3]), f32(rv, [3]), opts);
      const evalRef = tfCompute(() =>
        toNchw(tf.batchNorm(nhwc(), Array.from(rm), Array.from(rv), Array.from(beta), Array.from(gamma), 1e-5)),
      );
      await expectTensor(evalOut.output, evalRef.values, { tol: normTol(h), shape, label: 'eval' });
      const train = S.batchNorm(x, f32(rm, [3]), f32(rv, [3]), { ...opts, training: true, momentum: 0.3 });
      const trainRef = tfCompute(() => {
        const { mean, variance } = tf.moments(nhwc(), [0, 1, 2]);
        return toNchw(tf.batchNorm(nhwc(), mean, variance, Array.from(beta), Array.from(gamma), 1e-5));
      });
      await expectTensor(train.output, trainRef.values, { tol: normTol(h), shape, label: 'training' });
      const count = 4 * 2 * 5;
      const stats = [0, 1, 2].map((c) => data.filter((_, i) => Math.floor(i / 10) % 3 === c));
      const means = stats.map((s) => sum64(Array.from(s)) / count);
      const vars = stats.map((s, c) => sum64(Array.from(s, (v) => (v - (means[c] as number)) ** 2)) / (count - 1));
      expectValues(
        await (train.runningMean as Tensor).data(),
        means.map((m, c) => 0.7 * (rm[c] as number) + 0.3 * m),
        normTol(h),
        'runningMean',
      );
      expectValues(
        await (train.runningVar as Tensor).data(),
        vars.map((v, c) => 0.7 * (rv[c] as number) + 0.3 * v),
        normTol(h),
        'runningVar',
      );
    });

    it('groupNorm and instanceNorm match float64', async () => {
      const shape = [2, 6, 4];
      const data = uniform(sizeOf(shape), -3, 3, 3800);
      const w = uniform(6, 0.5, 2, 3801);
      const x = f32(data, shape);
      const grouped = normalizeGroups64(data, 3 * 4, 1e-5).map((v, i) => v * (w[Math.floor(i / 4) % 6] as number));
      await expectTensor(S.groupNorm(x, 2, { weight: f32(w, [6]) }), grouped, { tol: normTol(h), shape });
      const inst = S.instanceNorm(x, { runningMean: S.zeros([6]), runningVar: S.ones([6]) });
      await expectTensor(inst.output, normalizeGroups64(data, 4, 1e-5), { tol: normTol(h), shape, label: 'instanceNorm' });
      const unbiased = Array.from({ length: 12 }, (_, g) => {
        const s = Array.from(data.subarray(g * 4, g * 4 + 4));
        const m = sum64(s) / 4;
        return [m, sum64(s.map((v) => (v - m) ** 2)) / 3] as const;
      });
      const perChannel = (k: 0 | 1) =>
        Array.from({ length: 6 }, (_, c) => ((unbiased[c]?.[k] as number) + (unbiased[6 + c]?.[k] as number)) / 2);
      expectValues(
        await (inst.runningMean as Tensor).data(),
        perChannel(0).map((m) => 0.1 * m),
        normTol(h),
        'runningMean',
      );
      expectValues(
        await (inst.runningVar as Tensor).data(),
        perChannel(1).map((v) => 0.9 + 0.1 * v),
        normTol(h),
        'runningVar',
      );
    });

    it('nllLoss / crossEntropy match float64 (weights, ignoreIndex, smoothing, reductions) and tfjs softmaxCrossEntropy', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const [n, c, d] = [6, 5, 3];
      const logits = uniform(n * c * d, -4, 4, 3900);
      const target = integers(n * d, 0, c, 3901);
      target[2] = -100;
      target[7] = -100;
      const weight = uniform(c, 0.2, 2, 3902);
      const x = f32(logits, [n, c, d]);
      const t = i32(target, [n, d]);
      const logp = softmax64(logits, [n, c, d], 1, true);
      const tol = normTol(h);
      for (const smoothing of [0, 0.2]) {
        for (const withWeight of [false, true]) {
          const ref = nll64({ logp, n, c, d, target, ignoreIndex: -100, smoothing, ...(withWeight ? { weight } : {}) });
          const opts = { labelSmoothing: smoothing, ...(withWeight ? { weight: f32(weight, [c]) } : {}) };
          const label = `crossEntropy smoothing ${smoothing} weight ${withWeight}`;
          await expectTensor(S.crossEntropy(x, t, { ...opts, reduction: 'none' }), ref.losses, { tol, shape: [n, d], label });
          await expectTensor(S.crossEntropy(x, t, { ...opts, reduction: 'sum' }), [sum64(ref.losses)], { tol, shape: [], label });
          await expectTensor(S.crossEntropy(x, t, opts), [sum64(ref.losses) / sum64(ref.weights)], { tol, shape: [], label });
          if (smoothing === 0) {
            const nll = S.nllLoss(f32(logp, [n, c, d]), t, withWeight ? { weight: f32(weight, [c]) } : {});
            await expectTensor(nll, [sum64(ref.losses) / sum64(ref.weights)], { tol, shape: [], label: 'nllLoss' });
          }
        }
      }
      // 2-d logits against tfjs (one-hot labels; tfjs smooths the same way).
      const rows = f32(logits.subarray(0, n * c), [n, c]);
      const labels = integers(n, 0, c, 3903);
      for (const smoothing of [0, 0.1]) {
        const ref = tfCompute(() =>
          tf.losses.softmaxCrossEntropy(
            tf.oneHot(tfTensor(labels, [n], 'int32'), c),
            tfTensor(logits.subarray(0, n * c), [n, c]),
            undefined,
            smoothing,
          ),
        );
        await expectTensor(S.crossEntropy(rows, i32(labels, [n]), { labelSmoothing: smoothing }), ref.values, { tol, shape: [] });
        const probs = S.oneHot(i32(labels, [n]), c).to('float32');
        await expectTensor(S.crossEntropy(rows, probs, { labelSmoothing: smoothing }), ref.values, {
          tol,
          shape: [],
          label: 'probabilities',
        });
      }
    });

    it('scaledDotProductAttention matches a float64 reference (scale, causal, bool and float masks, batch dims)', async (ctx) => {
      h.requireDTypes(ctx, 'bool');
      const [bsz, heads, tq, tk, d, dv] = [2, 3, 4, 5, 8, 6];
      const batch = bsz * heads;
      const q = uniform(batch * tq * d, -1, 1, 4000);
      const k = uniform(batch * tk * d, -1, 1, 4001);
      const v = uniform(batch * tk * dv, -1, 1, 4002);
      const keep = integers(tq * tk, 0, 2, 4003).map((b, i) => (i % tk === 0 ? 1 : b));
      const additive = uniform(tq * tk, -2, 2, 4004);
      const tQ = f32(q, [bsz, heads, tq, d]);
      const tK = f32(k, [bsz, heads, tk, d]);
      const tV = f32(v, [bsz, heads, tk, dv]);
      const base = { q, k, v, batch, tq, tk, d, dv };
      const tol = normTol(h);
      const cases: [string, S.AttentionOptions, Parameters<typeof attention64>[0]][] = [
        ['default scale', {}, { ...base, scale: 1 / Math.sqrt(d) }],
        ['scale 0.3, causal', { scale: 0.3, causal: true }, { ...base, scale: 0.3, causal: true }],
        [
          'bool mask',
          { mask: tensor(Uint8Array.from(keep), { shape: [tq, tk], dtype: 'bool' }) },
          { ...base, scale: 1 / Math.sqrt(d), mask: { values: keep, bool: true } },
        ],
        [
          'float mask',
          { mask: f32(additive, [tq, tk]) },
          { ...base, scale: 1 / Math.sqrt(d), mask: { values: additive, bool: false } },
        ],
      ];
      for (const [label, options, ref] of cases) {
        await expectTensor(S.scaledDotProductAttention(tQ, tK, tV, options), attention64(ref), {
          tol,
          shape: [bsz, heads, tq, dv],
          label,
        });
      }
      // k given as a transposed view
      const kT = f32(k, [bsz, heads, tk, d]).transpose(-2, -1).contiguous().transpose(-2, -1);
      await expectTensor(S.scaledDotProductAttention(tQ, kT, tV), attention64({ ...base, scale: 1 / Math.sqrt(d) }), {
        tol,
        shape: [bsz, heads, tq, dv],
        label: 'strided k',
      });
    });

    it('dropout keeps exactly where rand(seed) < 1 - p and scales by 1 / (1 - p); embedding equals tf.gather', async (ctx) => {
      h.requireDTypes(ctx, 'int32', 'bool');
      const x = f32(uniform(1000, 1, 2, 4100), [10, 100]);
      const out = S.dropout(x, { p: 0.25, generator: new S.Generator(42) });
      const u = await S.rand([10, 100], { generator: new S.Generator(42) }).data();
      const xd = await x.data();
      expectValues(
        await out.data(),
        Array.from(xd, (v, i) => ((u[i] as number) < 0.75 ? v / 0.75 : 0)),
        h.arith,
        'dropout',
      );
      await expectTensor(S.dropout(x, { training: false }), xd, { label: 'eval' });
      const weight = uniform(7 * 4, -1, 1, 4101);
      const idx = integers(2 * 3, 0, 7, 4102);
      const ref = tfCompute(() => tf.gather(tfTensor(weight, [7, 4]), tfTensor(idx, [2, 3], 'int32')));
      await expectTensor(S.embedding(i32(idx, [2, 3]), f32(weight, [7, 4])), ref.values, { shape: [2, 3, 4] });
    });

    it('interpolate nearest / nearest-exact / bilinear match tf.image resize (NCHW <-> NHWC)', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const shape = [2, 3, 5, 4];
      const data = uniform(sizeOf(shape), -5, 5, 4200);
      const x = f32(data, shape);
      const nhwc = () => tf.transpose(tfTensor(data, shape), [0, 2, 3, 1]);
      for (const size of [
        [10, 8],
        [3, 2],
        [7, 5],
        [5, 9],
        [1, 1],
      ] as [number, number][]) {
        const outShape = [2, 3, ...size];
        const tfResize = (f: typeof tf.image.resizeBilinear, align: boolean, half: boolean) =>
          tfCompute(() => tf.transpose(f(nhwc() as tf.Tensor4D, size, align, half), [0, 3, 1, 2])).values;
        const label = `size ${size}`;
        await expectTensor(S.interpolate(x, { size }), tfResize(tf.image.resizeNearestNeighbor, false, false), {
          shape: outShape,
          label: `nearest ${label}`,
        });
        await expectTensor(
          S.interpolate(x, { size, mode: 'nearest-exact' }),
          tfResize(tf.image.resizeNearestNeighbor, false, true),
          { shape: outShape, label: `nearest-exact ${label}` },
        );
        for (const alignCorners of [false, true]) {
          const out = S.interpolate(x, { size, mode: 'bilinear', alignCorners });
          await expectTensor(out, tfResize(tf.image.resizeBilinear, alignCorners, !alignCorners), {
            tol: h.math,
            shape: outShape,
            label: `bilinear align ${alignCorners} ${label}`,
          });
        }
      }
    });

    it('einsum matches tf.einsum where tfjs has the equation and a float64 brute force elsewhere', async () => {
      const op = (shape: number[], seed: number) => ({ data: uniform(sizeOf(shape), -2, 2, seed), shape });
      const cases: [string, string | undefined, ReturnType<typeof op>[]][] = [
        ['ij,jk->ik', 'ij,jk->ik', [op([3, 4], 1), op([4, 5], 2)]],
        ['bij,bjk->bik', 'bij,bjk->bik', [op([2, 3, 4], 3), op([2, 4, 2], 4)]],
        ['i,j->ij', 'i,j->ij', [op([3], 5), op([4], 6)]],
        ['ij,j->i', 'ij,j->i', [op([3, 4], 7), op([4], 8)]],
        ['bij->bji', 'bij->bji', [op([2, 3, 4], 9)]],
        ['ii->i', undefined, [op([4, 4], 10)]],
        ['ii->', undefined, [op([4, 4], 11)]],
        ['ij,jk,kl->il', undefined, [op([2, 3], 12), op([3, 4], 13), op([4, 2], 14)]],
        ['abc,cd,db->a', undefined, [op([2, 3, 4], 15), op([4, 5], 16), op([5, 3], 17)]],
        ['iij,jk->ik', undefined, [op([3, 3, 2], 18), op([2, 4], 19)]],
        ['ij,ij,kj->ik', undefined, [op([2, 3], 20), op([1, 3], 21), op([4, 3], 22)]],
      ];
      for (const [equation, tfEquation, ops] of cases) {
        const tensors = ops.map((o) => f32(o.data, o.shape));
        const out = S.einsum(equation, ...tensors);
        const ref = einsum64(equation, ops);
        const scale = ops.reduce((p, o) => p * Math.max(...Array.from(o.data, Math.abs)), 1) * Math.max(1, ...ref.shape, 8);
        const tol = h.matmul(16, scale);
        await expectTensor(out, ref.values, { tol, shape: ref.shape, label: equation });
        if (tfEquation) {
          const t = tfCompute(() => tf.einsum(tfEquation, ...ops.map((o) => tfTensor(o.data, o.shape))));
          expectValues(await out.data(), t.values, tol, `${equation} vs tfjs`);
        }
      }
      // ellipsis forms equal their spelled-out equations
      const a = op([2, 1, 3, 4], 30);
      const b = op([3, 4, 2], 31);
      const out = S.einsum('...ij,...jk->...ik', f32(a.data, a.shape), f32(b.data, b.shape));
      const ref = einsum64('xyij,yjk->xyik', [a, { data: b.data, shape: [3, 4, 2] }]);
      await expectTensor(out, ref.values, { tol: h.matmul(4, 16), shape: [2, 3, 3, 2], label: 'ellipsis broadcast' });
    });

    it('sort / argsort / topk match JS sort and tf.topk along every axis', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const shape = [4, 6, 5];
      const data = uniform(sizeOf(shape), -10, 10, 4300);
      const x = f32(data, shape);
      for (let axis = 0; axis < 3; axis++) {
        for (const descending of [false, true]) {
          const { values, indices } = S.sort(x, { axis, descending });
          const perm = [...[0, 1, 2].filter((d) => d !== axis), axis];
          const lanes = await x.permute(...perm).data();
          const len = shape[axis] as number;
          const expected: number[] = [];
          for (let l = 0; l < lanes.length / len; l++) {
            const lane = Array.from(lanes.subarray(l * len, (l + 1) * len));
            expected.push(...lane.sort((p, q) => (descending ? q - p : p - q)));
          }
          await expectTensor(values.permute(...perm), expected, {
            shape: perm.map((d) => shape[d] as number),
            label: `sort axis ${axis} desc ${descending}`,
          });
          await expectTensor(S.gather(x, axis, indices), await values.data(), { label: 'indices gather the values' });
        }
      }
      for (const k of [1, 3, 5]) {
        const r = S.topk(x, k);
        const t = tf.topk(tfTensor(data, shape), k);
        await expectTensor(r.values, Array.from(t.values.dataSync()), { shape: [4, 6, k], label: `topk ${k}` });
        await expectTensor(r.indices, Array.from(t.indices.dataSync()), { shape: [4, 6, k], label: `topk ${k} indices` });
        t.values.dispose();
        t.indices.dispose();
      }
    });

    it('unique matches tf.unique, searchsorted tf.searchSorted and nonzero tf.whereAsync', async (ctx) => {
      h.requireDTypes(ctx, 'int32', 'bool');
      const data = integers(60, -5, 6, 4400);
      const u = tf.unique(tfTensor(data, [60], 'int32'));
      const tfValues = Array.from(u.values.dataSync()).sort((p, q) => p - q);
      u.values.dispose();
      u.indices.dispose();
      const r = await S.uniqueAsync(i32(data, [60]), { returnInverse: true, returnCounts: true });
      await expectTensor(r.values, tfValues, { label: 'unique values' });
      await expectTensor(S.gather(r.values, 0, r.inverse), Array.from(data), { label: 'values[inverse] == x' });
      await expectTensor(
        r.counts,
        tfValues.map((v) => data.filter((x) => x === v).length),
        { label: 'counts' },
      );

      const seq = Float32Array.from(uniform(2 * 9, -5, 5, 4401)).sort();
      const rowsSeq = [
        ...Array.from(seq.subarray(0, 9)).sort((p, q) => p - q),
        ...Array.from(seq.subarray(9)).sort((p, q) => p - q),
      ];
      const vals = uniform(2 * 7, -6, 6, 4402);
      vals[3] = rowsSeq[4] as number;
      for (const side of ['left', 'right'] as const) {
        const ref = tfCompute(() => tf.searchSorted(tfTensor(rowsSeq, [2, 9]), tfTensor(vals, [2, 7]), side));
        await expectTensor(S.searchsorted(f32(rowsSeq, [2, 9]), f32(vals, [2, 7]), { right: side === 'right' }), ref.values, {
          shape: [2, 7],
          label: side,
        });
        const ref1 = tfCompute(() => tf.searchSorted(tfTensor(rowsSeq.slice(0, 9), [9]), tfTensor(vals, [14]), side));
        await expectTensor(
          S.searchsorted(f32(rowsSeq.slice(0, 9), [9]), f32(vals, [2, 7]), { right: side === 'right' }),
          ref1.values,
          { shape: [2, 7] },
        );
      }

      const mask = integers(3 * 4 * 5, 0, 3, 4403).map((v) => (v === 0 ? 1 : 0));
      const condTf = tfTensor(mask, [3, 4, 5], 'bool');
      const coords = await tf.whereAsync(condTf);
      const expected = Array.from(coords.dataSync());
      coords.dispose();
      condTf.dispose();
      const cond = tensor(Uint8Array.from(mask), { shape: [3, 4, 5], dtype: 'bool' });
      await expectTensor(await S.nonzeroAsync(cond), expected, { shape: [expected.length / 3, 3], label: 'nonzero' });
      const cols = await S.whereIndicesAsync(cond);
      for (let dim = 0; dim < 3; dim++)
        await expectTensor(
          cols[dim] as Tensor,
          expected.filter((_, i) => i % 3 === dim),
        );
      if (h.caps.syncRead) {
        await expectTensor(S.nonzero(cond), expected, { shape: [expected.length / 3, 3], label: 'nonzero (sync)' });
        await expectTensor(S.unique(i32(data, [60])).values, tfValues, { label: 'unique (sync)' });
      } else {
        expect(() => S.nonzero(cond)).toThrow(/nonzeroAsync/);
      }
    });

    it('memory stays flat over 100 iterations of these ops inside tidy()', async (ctx) => {
      h.requireDTypes(ctx, 'int32', 'bool');
      const g = new S.Generator(9);
      const x = S.randn([4, 6, 5], { generator: g });
      const target = i32(integers(4 * 5, 0, 6, 4500), [4, 5]);
      const before = S.memory();
      for (let i = 0; i < 100; i++) {
        S.tidy(() => {
          S.softmax(x, i % 3);
          S.logSoftmax(x.permute(2, 0, 1), 1);
          S.layerNorm(x, [6, 5]);
          S.batchNorm(x, S.zeros([6]), S.ones([6]), { training: true });
          S.groupNorm(x, 3);
          S.instanceNorm(x);
          S.crossEntropy(x, target, { labelSmoothing: 0.1 });
          S.scaledDotProductAttention(x, x, x, { causal: true, dropout: 0.1, generator: g });
          S.interpolate(x, { size: 7, mode: 'linear' });
          S.einsum('abc,abd->cd', x, x);
          S.topk(x, 2, { axis: 1 });
          S.searchsorted(S.arange(5, undefined, 1, { dtype: 'float32' }), x);
          S.dropout(x, { generator: g });
        });
      }
      const after = S.memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numBytes).toBe(before.numBytes);
      x.dispose();
      target.dispose();
    });
  });
}
