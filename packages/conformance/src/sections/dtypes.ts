/**
 * dtype behaviour a backend must reproduce: PyTorch's promotion rules, integer
 * wrap-around and truncation, bool storage, casts with `to(dtype)`, and the
 * float16 storage round trip (round to nearest even, overflow to infinity).
 */
import * as S from '@strata/core';
import { type DType, tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { expectTensor } from '../compare';
import type { Harness } from '../harness';
import { roundF16, uniform } from '../oracle';

export function dtypesSection(h: Harness): void {
  describe('dtypes and promotion', () => {
    it('int32 with float32 promotes to float32; int32 with int32 stays int32', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const i = tensor([1, -2, 3], { dtype: 'int32' });
      const f = tensor([0.5, 0.25, -1], { dtype: 'float32' });
      await expectTensor(S.add(i, f), [1.5, -1.75, 2], { dtype: 'float32' });
      await expectTensor(S.mul(f, i), [0.5, -0.5, -3], { dtype: 'float32' });
      await expectTensor(S.add(i, i), [2, -4, 6], { dtype: 'int32' });
      await expectTensor(S.mul(i, tensor([7, 7, 7], { dtype: 'int32' })), [7, -14, 21], { dtype: 'int32' });
      await expectTensor(S.sub(i, 5), [-4, -7, -2], { dtype: 'int32' });
      await expectTensor(S.add(i, 0.5), [1.5, -1.5, 3.5], { dtype: 'float32' });
      await expectTensor(S.maximum(i, f), [1, 0.25, 3], { dtype: 'float32' });
    });

    it('int32 / int32 is true division in float32', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const out = S.div(tensor([7, -7, 1, 0], { dtype: 'int32' }), tensor([2, 2, 3, 0], { dtype: 'int32' }));
      await expectTensor(out, [3.5, -3.5, 1 / 3, Number.NaN], { dtype: 'float32', tol: h.arith });
      await expectTensor(S.exp(tensor([0, 1], { dtype: 'int32' })), [1, Math.E], { dtype: 'float32', tol: h.math });
      await expectTensor(S.mean(tensor([1, 2], { dtype: 'int32' })), [1.5], { dtype: 'float32', shape: [] });
    });

    it('int32 arithmetic wraps around like int32', async (ctx) => {
      h.requireDTypes(ctx, 'int32');
      const big = tensor([2147483647, -2147483648, 65536], { dtype: 'int32' });
      await expectTensor(S.add(big, 1), [-2147483648, -2147483647, 65537], { dtype: 'int32' });
      await expectTensor(S.mul(big, tensor([1, 1, 65536], { dtype: 'int32' })), [2147483647, -2147483648, 0], { dtype: 'int32' });
      await expectTensor(S.neg(tensor([-2147483647, 5], { dtype: 'int32' })), [2147483647, -5], { dtype: 'int32' });
    });

    it('bool operands promote to the other dtype; comparisons give bool', async (ctx) => {
      h.requireDTypes(ctx, 'bool', 'int32');
      const b = tensor([true, false, true]);
      await expectTensor(S.add(b, tensor([1, 2, 3], { dtype: 'int32' })), [2, 2, 4], { dtype: 'int32' });
      await expectTensor(S.mul(b, tensor([1.5, 2, 3], { dtype: 'float32' })), [1.5, 0, 3], { dtype: 'float32' });
      await expectTensor(S.add(b, 2), [3, 2, 3], { dtype: 'int32' });
      await expectTensor(S.sum(b), [2], { dtype: 'int32', shape: [] });
      await expectTensor(S.lt(tensor([1, 5], { dtype: 'int32' }), 2.5), [true, false], { dtype: 'bool' });
    });

    it('bool + bool is logical or and bool * bool logical and (0/1); bool - bool and -bool are errors, like PyTorch', async (ctx) => {
      h.requireDTypes(ctx, 'bool');
      const out = S.add(tensor([true, true, false]), tensor([true, false, false]));
      await expectTensor(out, [1, 1, 0], { dtype: 'bool' });
      await expectTensor(S.mul(tensor([true, true, false]), tensor([true, false, false])), [1, 0, 0], { dtype: 'bool' });
      expect(() => S.sub(tensor([true]), tensor([false]))).toThrow(S.DTypeError);
      expect(() => S.neg(tensor([true]))).toThrow(S.DTypeError);
    });

    it('to(dtype) casts: float -> int truncates toward zero, anything -> bool is != 0', async (ctx) => {
      h.requireDTypes(ctx, 'int32', 'bool');
      const x = tensor([-2.7, -0.5, 0, 0.5, 2.7, 1e9]);
      await expectTensor(x.to('int32'), [-2, 0, 0, 0, 2, 1000000000], { dtype: 'int32' });
      await expectTensor(x.to('bool'), [1, 1, 0, 1, 1, 1], { dtype: 'bool' });
      await expectTensor(tensor([Number.NaN]).to('bool'), [1], { dtype: 'bool' });
      await expectTensor(tensor([true, false]).to('float32'), [1, 0], { dtype: 'float32' });
      await expectTensor(tensor([3, -4], { dtype: 'int32' }).to('float32'), [3, -4], { dtype: 'float32' });
      await expectTensor(x.to('float32'), Array.from(new Float32Array([-2.7, -0.5, 0, 0.5, 2.7, 1e9])), { dtype: 'float32' });
      const strided = tensor([
        [1.5, -2.5],
        [3.5, -4.5],
      ]).T;
      await expectTensor(
        strided.to('int32'),
        [
          [1, 3],
          [-2, -4],
        ],
        { dtype: 'int32' },
      );
    });

    it('float16 storage round trip: round to nearest even, subnormals, overflow, NaN', async (ctx) => {
      h.requireDTypes(ctx, 'float16');
      const cases: [number, number][] = [
        [0.1, 0.0999755859375],
        [1 / 3, 0.333251953125],
        [65504, 65504],
        [65519, 65504],
        [65520, Number.POSITIVE_INFINITY],
        [-1e6, Number.NEGATIVE_INFINITY],
        [1 + 2 ** -11, 1], // tie: rounds to even
        [1 + 3 * 2 ** -11, 1 + 2 ** -9], // tie: rounds up to even
        [2 ** -24, 2 ** -24], // smallest subnormal
        [2 ** -26, 0],
        [6.1e-5, 0.00006097555160522461],
        [-0, -0],
        [Number.NaN, Number.NaN],
      ];
      const t = tensor(
        cases.map((c) => c[0]),
        { dtype: 'float16' },
      );
      await expectTensor(
        t,
        cases.map((c) => c[1]),
        { dtype: 'float16' },
      );
      await expectTensor(
        tensor(cases.map((c) => c[0])).to('float16'),
        cases.map((c) => c[1]),
        { dtype: 'float16', label: 'float32 -> float16 cast' },
      );
      await expectTensor(
        t.to('float32'),
        cases.map((c) => c[1]),
        { dtype: 'float32', label: 'float16 -> float32 cast' },
      );
    });

    it('float16 arithmetic: float16 with float16 (or a JS scalar) stays float16; with float32 becomes float32', async (ctx) => {
      h.requireDTypes(ctx, 'float16');
      const x = Array.from(uniform(50, -8, 8, 41), roundF16);
      const y = Array.from(uniform(50, -8, 8, 42), roundF16);
      const [a, b] = [tensor(x, { dtype: 'float16' }), tensor(y, { dtype: 'float16' })];
      await expectTensor(
        S.add(a, b),
        x.map((v, i) => roundF16(v + (y[i] as number))),
        { dtype: 'float16', tol: h.half },
      );
      await expectTensor(
        S.mul(a, b),
        x.map((v, i) => roundF16(v * (y[i] as number))),
        { dtype: 'float16', tol: h.half },
      );
      await expectTensor(
        S.add(a, 0.5),
        x.map((v) => roundF16(v + 0.5)),
        { dtype: 'float16', tol: h.half },
      );
      await expectTensor(
        S.add(a, tensor(y, { dtype: 'float32' })),
        x.map((v, i) => v + (y[i] as number)),
        { dtype: 'float32', tol: h.arith },
      );
      const types: DType[] = ['int32', 'bool'];
      for (const d of types) {
        if (h.supports(d))
          await expectTensor(
            S.add(a, tensor(new Array<number>(50).fill(1), { dtype: d })),
            x.map((v) => roundF16(v + 1)),
            { dtype: 'float16', tol: h.half },
          );
      }
    });

    it('reductions and matmul of float16 return float16', async (ctx) => {
      h.requireDTypes(ctx, 'float16');
      const x = tensor(
        [
          [1, 2, 3],
          [4, 5, 6.5],
        ],
        { dtype: 'float16' },
      );
      await expectTensor(S.sum(x, 1), [6, 15.5], { dtype: 'float16' });
      await expectTensor(S.max(x, 0), [4, 5, 6.5], { dtype: 'float16' });
      await expectTensor(S.mean(x), [21.5 / 6], { dtype: 'float16', tol: h.half, shape: [] });
      await expectTensor(
        S.matmul(x, x.T),
        [
          [14, 33.5],
          [33.5, 83.25],
        ],
        { dtype: 'float16' },
      );
      await expectTensor(
        S.cumsum(x, 1),
        [
          [1, 3, 6],
          [4, 9, 15.5],
        ],
        { dtype: 'float16' },
      );
    });
  });
}
