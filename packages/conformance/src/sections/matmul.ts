/**
 * matmul with PyTorch's rules (batched, broadcast batch dims, 1-d operands),
 * against float64 and tfjs; transposed, sliced and expanded operands; empty
 * and integer cases; dot, outer, bmm and linear.
 */
import * as S from '@strata/core';
import { type Tensor, tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { expectTensor, expectValues } from '../compare';
import type { Harness } from '../harness';
import { integers, matmulRef, sizeOf, tf, tfCompute, tfTensor, uniform } from '../oracle';
import { broadcastRef } from './binary';

/** Broadcasts row-major data of `shape` to `target` (leading dims added/expanded). */
function expandData(data: ArrayLike<number>, shape: readonly number[], target: readonly number[]): number[] {
  return broadcastRef(data, shape, new Float64Array(sizeOf(target)), target, (x) => x).values;
}

/** float64 reference of matmul for ≥2-d operands: broadcasts the batch dims, returns values and shape. */
function matmulNd(a: ArrayLike<number>, as: readonly number[], b: ArrayLike<number>, bs: readonly number[]) {
  const [m, k] = as.slice(-2) as [number, number];
  const n = bs[bs.length - 1] as number;
  const nd = Math.max(as.length, bs.length) - 2;
  const pad = (s: readonly number[]) => [...new Array<number>(nd - (s.length - 2)).fill(1), ...s.slice(0, -2)];
  const [pa, pb] = [pad(as), pad(bs)];
  const batch = pa.map((d, i) => (d === 1 ? (pb[i] as number) : d));
  const ae = expandData(a, as, [...batch, m, k]);
  const be = expandData(b, bs, [...batch, k, n]);
  const ref = matmulRef(ae, be, sizeOf(batch), m, k, n);
  return { ...ref, shape: [...batch, m, n], ae, be, batch };
}

async function checkAgainstRefs(h: Harness, as: number[], bs: number[], seed: number): Promise<void> {
  const a = uniform(sizeOf(as), -1, 1, seed);
  const b = uniform(sizeOf(bs), -1, 1, seed + 1);
  const ref = matmulNd(a, as, b, bs);
  const k = as[as.length - 1] as number;
  const tol = h.matmul(k, ref.absScale);
  const out = S.matmul(tensor(a, { shape: as }), tensor(b, { shape: bs }));
  const label = `[${as}] @ [${bs}]`;
  await expectTensor(out, ref.values, { tol, shape: ref.shape, dtype: 'float32', label });
  // tfjs 4.22's CPU matMul mis-sizes some rank-mismatched batch broadcasts, so it gets pre-broadcast operands.
  const [m, n] = [as[as.length - 2] as number, bs[bs.length - 1] as number];
  const oracle = tfCompute(() => tf.matMul(tfTensor(ref.ae, [...ref.batch, m, k]), tfTensor(ref.be, [...ref.batch, k, n])));
  expect(oracle.shape, `${label}: tfjs shape`).toEqual(ref.shape);
  expectValues(await out.data(), oracle.values, tol, `${label} vs tfjs`);
}

export function matmulSection(h: Harness): void {
  describe('matmul', () => {
    it('hand-computed 2x3 @ 3x2', async () => {
      const a = tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { dtype: 'float32' },
      );
      const b = tensor(
        [
          [7, 8],
          [9, 10],
          [11, 12],
        ],
        { dtype: 'float32' },
      );
      await expectTensor(
        S.matmul(a, b),
        [
          [58, 64],
          [139, 154],
        ],
        { dtype: 'float32' },
      );
      await expectTensor(a.matmul(a.T), [
        [14, 32],
        [32, 77],
      ]);
    });

    it('2-d, batched and batch-broadcast shapes match float64 and tfjs', async () => {
      const cases: [number[], number[]][] = [
        [
          [1, 1],
          [1, 1],
        ],
        [
          [5, 7],
          [7, 3],
        ],
        [
          [17, 33],
          [33, 9],
        ],
        [
          [2, 4, 6],
          [2, 6, 5],
        ],
        [
          [4, 6],
          [3, 6, 5],
        ],
        [
          [3, 4, 6],
          [6, 5],
        ],
        [
          [2, 1, 3, 4],
          [3, 4, 5],
        ],
        [
          [1, 3, 2, 4],
          [2, 1, 4, 3],
        ],
      ];
      let seed = 300;
      for (const [as, bs] of cases) await checkAgainstRefs(h, as, bs, seed++);
    });

    it('a larger product (K = 512) stays within the accumulated-rounding bound', async () => {
      await checkAgainstRefs(h, [64, 512], [512, 96], 400);
    });

    it('1-d operands: vector @ vector, vector @ matrix, matrix @ vector, vector @ batch', async () => {
      const v = [1, 2, 3];
      const m = [
        [1, 0],
        [0, 1],
        [2, 2],
      ];
      await expectTensor(S.matmul(tensor(v, { dtype: 'float32' }), tensor(v, { dtype: 'float32' })), [14], { shape: [] });
      await expectTensor(S.matmul(tensor(v, { dtype: 'float32' }), tensor(m, { dtype: 'float32' })), [7, 8], { shape: [2] });
      await expectTensor(S.matmul(tensor(m, { dtype: 'float32' }).T, tensor(v, { dtype: 'float32' })), [7, 8], { shape: [2] });
      const batch = tensor([m, m.map((r) => r.map((x) => -x))], { dtype: 'float32' });
      await expectTensor(
        S.matmul(tensor(v, { dtype: 'float32' }), batch),
        [
          [7, 8],
          [-7, -8],
        ],
        { shape: [2, 2] },
      );
      await expectTensor(
        S.matmul(batch.mT, tensor(v, { dtype: 'float32' })),
        [
          [7, 8],
          [-7, -8],
        ],
        { shape: [2, 2] },
      );
    });

    it('transposed, sliced and expanded operands', async () => {
      const a = uniform(8 * 6, -1, 1, 500);
      const b = uniform(6 * 5, -1, 1, 501);
      const at = tensor(a, { shape: [6, 8] }).T; // (8, 6) with strides (1, 8)
      const aT: number[] = [];
      for (let i = 0; i < 8; i++) for (let j = 0; j < 6; j++) aT.push(a[j * 8 + i] as number);
      const ref = matmulRef(aT, b, 1, 8, 6, 5);
      const bt = tensor(b, { shape: [6, 5] });
      await expectTensor(S.matmul(at, bt), ref.values, { tol: h.matmul(6, ref.absScale), shape: [8, 5], label: 'A.T @ B' });
      const sliced = at.slice([{ step: 2 }]); // rows 0, 2, 4, 6
      const refS = matmulRef(
        aT.filter((_, i) => Math.floor(i / 6) % 2 === 0),
        b,
        1,
        4,
        6,
        5,
      );
      await expectTensor(S.matmul(sliced, bt), refS.values, {
        tol: h.matmul(6, refS.absScale),
        shape: [4, 5],
        label: 'A.T[::2] @ B',
      });
      const expanded = bt.expand(3, 6, 5);
      const refE = matmulRef(aT, b, 1, 8, 6, 5);
      await expectTensor(S.matmul(at, expanded), [...refE.values, ...refE.values, ...refE.values], {
        tol: h.matmul(6, refE.absScale),
        shape: [3, 8, 5],
        label: 'A.T @ B.expand(3, 6, 5)',
      });
      const oracle = tfCompute(() => tf.matMul(tfTensor(a, [6, 8]), tfTensor(b, [6, 5]), true, false));
      expectValues(await S.matmul(at, bt).data(), oracle.values, h.matmul(6, ref.absScale), 'A.T @ B vs tfjs transposeA');
    });

    it('empty dimensions: M = 0 gives an empty result, K = 0 gives zeros', async () => {
      await expectTensor(S.matmul(S.zeros([0, 3]), S.ones([3, 2])), [], { shape: [0, 2] });
      await expectTensor(
        S.matmul(S.ones([2, 0]), S.ones([0, 3])),
        [
          [0, 0, 0],
          [0, 0, 0],
        ],
        { shape: [2, 3] },
      );
      await expectTensor(S.matmul(S.ones([0, 2, 3]), S.ones([3, 4])), [], { shape: [0, 2, 4] });
    });

    it('int32 matmul is exact and stays int32; mixed int32/float32 promotes', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const a = integers(4 * 5, -9, 10, 600);
      const b = integers(5 * 3, -9, 10, 601);
      const ref = matmulRef(a, b, 1, 4, 5, 3);
      await expectTensor(S.matmul(tensor(a, { shape: [4, 5] }), tensor(b, { shape: [5, 3] })), ref.values, {
        dtype: 'int32',
        shape: [4, 3],
      });
      const mixed = S.matmul(tensor(a, { shape: [4, 5] }), tensor(Float32Array.from(b), { shape: [5, 3] }));
      await expectTensor(mixed, ref.values, { dtype: 'float32', shape: [4, 3] });
    });

    it('dot, outer, bmm and linear', async () => {
      const x = uniform(6, -2, 2, 700);
      const y = uniform(6, -2, 2, 701);
      let d = 0;
      for (let i = 0; i < 6; i++) d += (x[i] as number) * (y[i] as number);
      await expectTensor(S.dot(tensor(x), tensor(y)), [d], { tol: h.matmul(6, 24), shape: [] });
      const outer = tfCompute(() => tf.outerProduct(tf.tensor1d(Array.from(x)), tf.tensor1d(Array.from(y.subarray(0, 4)))));
      await expectTensor(S.outer(tensor(x), tensor(y.subarray(0, 4))), outer.values, { tol: h.arith, shape: [6, 4] });
      const a = uniform(3 * 4 * 5, -1, 1, 702);
      const b = uniform(3 * 5 * 2, -1, 1, 703);
      const ref = matmulRef(a, b, 3, 4, 5, 2);
      await expectTensor(S.bmm(tensor(a, { shape: [3, 4, 5] }), tensor(b, { shape: [3, 5, 2] })), ref.values, {
        tol: h.matmul(5, ref.absScale),
        shape: [3, 4, 2],
      });
      const w = uniform(7 * 5, -1, 1, 704);
      const bias = uniform(7, -1, 1, 705);
      const inp = uniform(2 * 3 * 5, -1, 1, 706);
      const lin = tfCompute(() =>
        tf.add(tf.matMul(tfTensor(inp, [6, 5]), tfTensor(w, [7, 5]), false, true), tfTensor(bias, [7])),
      );
      const out = S.linear(tensor(inp, { shape: [2, 3, 5] }), tensor(w, { shape: [7, 5] }), tensor(bias));
      await expectTensor(out, lin.values, { tol: h.matmul(6, 6), shape: [2, 3, 7], label: 'linear' });
      await expectTensor(
        S.linear(
          tensor([1, 2], { dtype: 'float32' }),
          tensor(
            [
              [1, 1],
              [2, -1],
            ],
            { dtype: 'float32' },
          ),
        ),
        [3, 0],
        { shape: [2] },
      );
    });

    it('float16 operands give float16 results', async (ctx) => {
      h.requireDTypes(ctx, 'float16');
      const a: Tensor = tensor(
        [
          [0.5, 1.5],
          [2, -1],
        ],
        { dtype: 'float16' },
      );
      await expectTensor(
        S.matmul(a, a),
        [
          [3.25, -0.75],
          [-1, 4],
        ],
        { dtype: 'float16' },
      );
    });
  });
}
