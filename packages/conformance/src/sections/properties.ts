/**
 * Property tests (fast-check, fixed seeds so every run sees the same cases):
 * algebraic identities that must hold exactly or within float tolerance, and
 * view semantics that must agree with JS index arithmetic.
 */
import * as S from '@strata/core';
import { tensor } from '@strata/core';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectValues, valuesOf } from '../compare';
import type { Harness } from '../harness';
import { matmulRef, sizeOf } from '../oracle';
import { permuteRef, viewRef } from './views';

const RUNS = { numRuns: 50 };

/** float32 values in ±1000, without subnormal-range magnitudes (so relative error bounds hold). */
const value = fc.float({ min: -1000, max: 1000, noNaN: true }).map((v) => (Math.abs(v) < 1e-6 ? 0 : v));
const shapeArb = (maxRank: number, minDim = 0) => fc.array(fc.integer({ min: minDim, max: 4 }), { maxLength: maxRank });
const valuesFor = (shape: readonly number[]) => fc.array(value, { minLength: sizeOf(shape), maxLength: sizeOf(shape) });
const tensorArb = (maxRank: number, minDim = 0) =>
  shapeArb(maxRank, minDim).chain((shape) => fc.record({ shape: fc.constant(shape), values: valuesFor(shape) }));
/** A shape that broadcasts against `shape`: some dims set to 1, some leading dims dropped. */
const broadcastPartner = (shape: readonly number[]) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: shape.length }),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
    )
    .map(([drop, ones]) => shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
const permutationOf = (rank: number) =>
  fc.shuffledSubarray(
    Array.from({ length: rank }, (_, i) => i),
    { minLength: rank, maxLength: rank },
  );

export function propertiesSection(h: Harness): void {
  describe('properties', () => {
    it('a + b == b + a and a * b == b * a exactly, with broadcasting', async () => {
      const arb = tensorArb(3).chain(({ shape, values }) =>
        broadcastPartner(shape).chain((other) =>
          fc.record({
            shape: fc.constant(shape),
            values: fc.constant(values),
            other: fc.constant(other),
            otherValues: valuesFor(other),
          }),
        ),
      );
      await fc.assert(
        fc.asyncProperty(arb, async ({ shape, values, other, otherValues }) => {
          const [a, b] = [tensor(values, { shape, dtype: 'float32' }), tensor(otherValues, { shape: other, dtype: 'float32' })];
          expectValues(await valuesOf(S.add(a, b)), await valuesOf(S.add(b, a)), h.exact, 'a + b vs b + a');
          expectValues(await valuesOf(S.mul(a, b)), await valuesOf(S.mul(b, a)), h.exact, 'a * b vs b * a');
        }),
        { ...RUNS, seed: 101 },
      );
    });

    it('(a * b) * c ≈ a * (b * c); x - x == 0, x * 1 == x, x + 0 == x exactly', async () => {
      const arb = shapeArb(3).chain((shape) =>
        fc.tuple(fc.constant(shape), valuesFor(shape), valuesFor(shape), valuesFor(shape)),
      );
      const tol = { rtol: 2 * h.arith.rtol, atol: h.arith.atol };
      await fc.assert(
        fc.asyncProperty(arb, async ([shape, av, bv, cv]) => {
          const [a, b, c] = [av, bv, cv].map((v) => tensor(v, { shape, dtype: 'float32' })) as [S.Tensor, S.Tensor, S.Tensor];
          expectValues(await valuesOf(a.mul(b).mul(c)), await valuesOf(a.mul(b.mul(c))), tol, '(a*b)*c vs a*(b*c)');
          expectValues(await valuesOf(a.sub(a)), new Array<number>(av.length).fill(0), h.exact, 'x - x');
          expectValues(await valuesOf(a.mul(1)), Array.from(new Float32Array(av)), h.exact, 'x * 1');
          expectValues(await valuesOf(a.add(S.zeros(shape))), Array.from(new Float32Array(av)), h.exact, 'x + 0');
        }),
        { ...RUNS, seed: 102 },
      );
    });

    it('a sum over several axes equals the sum of partial sums', async () => {
      const arb = tensorArb(4, 1).filter(({ shape }) => shape.length >= 2);
      await fc.assert(
        fc.asyncProperty(arb, async ({ shape, values }) => {
          const x = tensor(values, { shape, dtype: 'float32' });
          const sumAbs = values.reduce((s, v) => s + Math.abs(v), 0);
          const tol = h.reduction(values.length, 2 * sumAbs);
          expectValues(await valuesOf(x.sum([0, 1])), await valuesOf(x.sum(1).sum(0)), tol, 'sum([0, 1]) vs sum(1).sum(0)');
          expectValues(await valuesOf(x.sum()), await valuesOf(x.sum(-1).sum()), tol, 'sum() vs sum(-1).sum()');
        }),
        { ...RUNS, seed: 103 },
      );
    });

    it('matmul: A @ I == A == I @ A exactly; (A @ B) @ C ≈ A @ (B @ C)', async () => {
      const dims = fc.tuple(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
      );
      const small = fc.integer({ min: -64, max: 64 }).map((v) => v / 8);
      const arb = dims.chain(([m, k, n, p]) =>
        fc.tuple(
          fc.constant([m, k, n, p] as const),
          fc.array(small, { minLength: m * k, maxLength: m * k }),
          fc.array(small, { minLength: k * n, maxLength: k * n }),
          fc.array(small, { minLength: n * p, maxLength: n * p }),
        ),
      );
      await fc.assert(
        fc.asyncProperty(arb, async ([[m, k, n, p], av, bv, cv]) => {
          const [a, b, c] = [
            tensor(av, { shape: [m, k], dtype: 'float32' }),
            tensor(bv, { shape: [k, n], dtype: 'float32' }),
            tensor(cv, { shape: [n, p], dtype: 'float32' }),
          ];
          expectValues(await valuesOf(S.matmul(a, S.eye(k))), av, h.exact, 'A @ I');
          expectValues(await valuesOf(S.matmul(S.eye(m), a)), av, h.exact, 'I @ A');
          const absAB = matmulRef(av.map(Math.abs), bv.map(Math.abs), 1, m, k, n).values;
          const scale = matmulRef(absAB, cv.map(Math.abs), 1, m, n, p).absScale;
          const tol = h.matmul(k + n, scale);
          expectValues(await valuesOf(a.matmul(b).matmul(c)), await valuesOf(a.matmul(b.matmul(c))), tol, '(A@B)@C vs A@(B@C)');
        }),
        { ...RUNS, seed: 104 },
      );
    });

    it('reshape round trip, permute then inverse permute, transpose twice', async () => {
      const arb = tensorArb(4).chain(({ shape, values }) =>
        fc.record({ shape: fc.constant(shape), values: fc.constant(values), perm: permutationOf(shape.length) }),
      );
      await fc.assert(
        fc.asyncProperty(arb, async ({ shape, values, perm }) => {
          const f32 = Array.from(new Float32Array(values));
          const x = tensor(values, { shape, dtype: 'float32' });
          expectValues(await valuesOf(S.reshape(x.reshape(-1), shape)), f32, h.exact, 'reshape round trip');
          const permuted = x.permute(...perm);
          expectValues(await valuesOf(permuted), permuteRef(f32, shape, perm), h.exact, 'permute vs JS');
          const inverse = perm.map((_, i) => perm.indexOf(i));
          expectValues(await valuesOf(permuted.permute(...inverse)), f32, h.exact, 'inverse permute');
          expectValues(await valuesOf(permuted.reshape(-1)), permuteRef(f32, shape, perm), h.exact, 'reshape of a permuted view');
          if (shape.length >= 2)
            expectValues(await valuesOf(x.transpose(0, -1).transpose(0, -1)), f32, h.exact, 'transpose twice');
        }),
        { ...RUNS, seed: 105 },
      );
    });

    it('slicing equals JS slicing of the data', async () => {
      const range = (size: number) =>
        fc.record({
          start: fc.integer({ min: -size - 1, max: size + 1 }),
          end: fc.integer({ min: -size - 1, max: size + 1 }),
          step: fc.integer({ min: 1, max: 3 }),
        });
      const arb = tensorArb(3, 1).chain(({ shape, values }) =>
        fc.record({ shape: fc.constant(shape), values: fc.constant(values), ranges: fc.tuple(...shape.map((d) => range(d))) }),
      );
      await fc.assert(
        fc.asyncProperty(arb, async ({ shape, values, ranges }) => {
          const f32 = Array.from(new Float32Array(values));
          const norm = (v: number, size: number) => Math.min(size, Math.max(0, v < 0 ? v + size : v));
          const picks = shape.map((size, d) => {
            const r = ranges[d] as { start: number; end: number; step: number };
            const [s, e] = [norm(r.start, size), norm(r.end, size)];
            const out: number[] = [];
            for (let i = s; i < e; i += r.step) out.push(i);
            return out;
          });
          const outShape = picks.map((p) => p.length);
          const want = viewRef(f32, shape, outShape, (idx) => idx.map((v, d) => picks[d]![v]!));
          const got = tensor(values, { shape, dtype: 'float32' }).slice(ranges);
          expectValues([...got.shape], outShape, h.exact, 'sliced shape');
          expectValues(await valuesOf(got), want, h.exact, 'sliced values');
        }),
        { ...RUNS, seed: 106 },
      );
    });
  });
}
