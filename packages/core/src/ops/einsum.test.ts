import { describe, expect, it } from 'vitest';
import { arange, einsum, Generator, matmul, memory, randn, ShapeError, type Tensor, tensor, tidy } from '../index';

const close = (t: Tensor, expected: ArrayLike<number>, digits = 4) => {
  const got = Array.from(t.dataSync());
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i] as number, digits);
  });
};
const m = () =>
  tensor([
    [1, 2],
    [3, 4],
  ]);

describe('einsum', () => {
  it('matrix products, explicit and implicit', () => {
    const g = new Generator(1);
    const a = randn([3, 4], { generator: g });
    const b = randn([4, 5], { generator: g });
    const ref = matmul(a, b).dataSync();
    close(einsum('ij,jk->ik', a, b), ref);
    close(einsum('ij,jk', a, b), ref);
    close(einsum(' ij , jk -> ki ', a, b), matmul(a, b).T.contiguous().dataSync());
    const x = randn([2, 3, 4], { generator: g });
    const y = randn([2, 4, 5], { generator: g });
    close(einsum('bij,bjk->bik', x, y), matmul(x, y).dataSync());
  });

  it('transpose, diagonal, trace, sums, dot and outer', () => {
    expect(einsum('ij->ji', m()).arraySync()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    // implicit output is alphabetical: 'ji' transposes
    expect(einsum('ji', m()).arraySync()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(einsum('ii->i', m()).arraySync()).toEqual([1, 4]);
    expect(einsum('ii', m()).arraySync()).toBe(5);
    expect(einsum('ii->', m()).arraySync()).toBe(5);
    expect(einsum('ij->i', m()).arraySync()).toEqual([3, 7]);
    expect(einsum('ij->', m()).arraySync()).toBe(10);
    expect(einsum('i,i->', tensor([1, 2, 3]), tensor([4, 5, 6])).arraySync()).toBe(32);
    expect(einsum('i,j->ij', tensor([1, 2]), tensor([3, 4, 5])).arraySync()).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
    expect(einsum('i,i->i', tensor([1, 2]), tensor([3, 4])).arraySync()).toEqual([3, 8]);
    expect(einsum(',->', tensor(3), tensor(4)).arraySync()).toBe(12);
    expect(einsum('Aa->aA', m()).arraySync()).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it('repeated labels across more dims: iji->j and iij,jk->ik', () => {
    const t = arange(8).reshape(2, 2, 2); // t[i][j][k] = 4i + 2j + k
    // sum_i t[i][j][i] = t[0][j][0] + t[1][j][1] = 2j + (5 + 2j)
    expect(einsum('iji->j', t).arraySync()).toEqual([5, 9]);
    // diag over (i, i): d[i][j] = t[i][i][j] = 6i + j
    expect(einsum('iij->ij', t).arraySync()).toEqual([
      [0, 1],
      [6, 7],
    ]);
    expect(einsum('iij,jk->ik', t, m()).arraySync()).toEqual([
      [3, 4],
      [27, 40],
    ]);
    expect(einsum('iii', t).arraySync()).toBe(7);
  });

  it('ellipsis broadcasting, and ellipsis dims summed when the output omits them', () => {
    const g = new Generator(2);
    const a = randn([2, 1, 2, 3], { generator: g });
    const b = randn([3, 3, 4], { generator: g });
    const out = einsum('...ij,...jk->...ik', a, b);
    expect(out.shape).toEqual([2, 3, 2, 4]);
    close(out, matmul(a, b).dataSync());
    expect(einsum('...ij->...ji', arange(6).reshape(1, 2, 3)).shape).toEqual([1, 3, 2]);
    expect(einsum('...i->i', arange(6).reshape(2, 3)).arraySync()).toEqual([3, 5, 7]);
    expect(einsum('i...->...', arange(6).reshape(2, 3)).arraySync()).toEqual([3, 5, 7]);
    expect(einsum('b...,b...->b', arange(6).reshape(2, 3), arange(6).reshape(2, 3)).arraySync()).toEqual([5, 50]);
    // implicit output puts the ellipsis dims first
    expect(einsum('i...', arange(6).reshape(2, 3)).shape).toEqual([3, 2]);
  });

  it('three operands, and size-1 broadcasting of a label', () => {
    const g = new Generator(3);
    const a = randn([2, 3], { generator: g });
    const b = randn([3, 4], { generator: g });
    const c = randn([4, 5], { generator: g });
    close(einsum('ij,jk,kl->il', a, b, c), matmul(matmul(a, b), c).dataSync());
    close(einsum('ij,jk,kl->li', a, b, c), matmul(matmul(a, b), c).T.contiguous().dataSync());
    close(einsum('ij,jk,kl->', a, b, c), [matmul(matmul(a, b), c).sum().itemSync() as number]);
    // j appears in all three: a batched product
    const d = randn([2, 3], { generator: g });
    const e = randn([4, 3], { generator: g });
    close(einsum('ij,ij,kj->ik', a, d, e), matmul(a.mul(d), e.T).dataSync());
    expect(
      einsum(
        'ij,ij->ij',
        tensor([[1], [2]]),
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).arraySync(),
    ).toEqual([
      [1, 2, 3],
      [8, 10, 12],
    ]);
  });

  it('clear errors for malformed equations and mismatched sizes', () => {
    expect(() => einsum('ij,jk->ik', m())).toThrow(/2 operand term/);
    expect(() => einsum('ij', m(), m())).toThrow(/1 operand term/);
    expect(() => einsum('i1->i', m())).toThrow(/\[a-zA-Z\]/);
    expect(() => einsum('i.j->i', m())).toThrow(/ellipsis/);
    expect(() => einsum('......->', m())).toThrow(/more than one ellipsis/);
    expect(() => einsum('ij->k', m())).toThrow(/does not appear/);
    expect(() => einsum('ij->ii', m())).toThrow(/more than once/);
    expect(() => einsum('ijk->i', m())).toThrow(ShapeError);
    expect(() => einsum('ij,jk->ik', m(), arange(9).reshape(3, 3))).toThrow(/does not broadcast/);
    expect(() => einsum('ii->i', tensor([[1, 2, 3]]))).toThrow(/repeated/);
    expect(() => einsum('i')).toThrow(/at least one operand/);
  });

  it('leaves memory flat', () => {
    const a = randn([3, 3], { generator: new Generator(4) });
    const before = memory().numTensors;
    tidy(() => {
      einsum('ii', a);
      einsum('ij,jk,kl->il', a, a, a);
      einsum('...j,j->...', a, a.sum(0));
    });
    expect(memory().numTensors).toBe(before);
    a.dispose();
  });
});
