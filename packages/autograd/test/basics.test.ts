import { arange, Generator, memory, ones, randn, tensor, tidy, zeros } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { customGrad, enableGrad, grad, gradients, noGrad, valueAndGrad, vjp, zeroGrad } from '../src/index';

const values = async (t: { data(): Promise<ArrayLike<number>> } | undefined) => Array.from((await t?.data()) ?? []);
const close = (a: number[], b: number[], tol = 1e-5) =>
  a.every((v, i) => Math.abs(v - (b[i] as number)) <= tol * (1 + Math.abs(b[i] as number)));

describe('PyTorch-style autograd', () => {
  it('backpropagates through a small expression', async () => {
    const x = tensor([1, 2, 3], { dtype: 'float32' }).requiresGrad_();
    const y = x.mul(x).add(x.mul(3)).sum(); // d/dx = 2x + 3
    expect(y.gradFn).toBe('reduceBackward');
    expect(x.isLeaf).toBe(true);
    expect(y.isLeaf).toBe(false);
    y.backward();
    expect(await values(x.grad)).toEqual([5, 7, 9]);
  });

  it('accumulates .grad across backward calls until zeroGrad', async () => {
    const x = tensor([2], { dtype: 'float32' }).requiresGrad_();
    x.mul(x).sum().backward();
    x.mul(x).sum().backward();
    expect(await values(x.grad)).toEqual([8]);
    zeroGrad([x]);
    expect(x.grad).toBeUndefined();
    x.mul(5).sum().backward();
    expect(await values(x.grad)).toEqual([5]);
  });

  it('sums gradients back over broadcast dims', async () => {
    const a = ones([2, 3]).requiresGrad_();
    const b = tensor([1, 2, 3], { dtype: 'float32' }).requiresGrad_();
    a.mul(b).sum().backward();
    expect(b.grad?.shape).toEqual([3]);
    expect(await values(b.grad)).toEqual([2, 2, 2]);
    expect(await values(a.grad)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('takes a gradient argument for non-scalar outputs, and says so when it is missing', async () => {
    const x = tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(/one-element output; this one has shape \[2\]: pass backward\(gradOutput\)/);
    y.backward(tensor([1, 10], { dtype: 'float32' }));
    expect(await values(x.grad)).toEqual([2, 20]);
  });

  it('frees the graph after backward unless retainGraph', async () => {
    const x = tensor([3], { dtype: 'float32' }).requiresGrad_();
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(await values(x.grad)).toEqual([12]);
    expect(() => y.backward()).toThrow(/already freed by an earlier backward\(\); pass \{ retainGraph: true \}/);
  });

  it('gives clear errors for tensors that do not require grad', () => {
    expect(() => tensor([1], { dtype: 'float32' }).mul(2).sum().backward()).toThrow(/does not require grad/);
    expect(() => tensor([1, 2]).requiresGrad_()).toThrow(/only floating-point tensors can require gradients, got int32/);
    const x = tensor([1], { dtype: 'float32' }).requiresGrad_();
    const unrelated = tensor([2], { dtype: 'float32' });
    expect(() => gradients(x.mul(2).sum(), [unrelated])).toThrow(/input 0 does not require grad/);
  });

  it('records nothing under noGrad, and enableGrad turns it back on', () => {
    const x = tensor([1], { dtype: 'float32' }).requiresGrad_();
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(noGrad(() => enableGrad(() => x.mul(2))).requiresGrad).toBe(true);
    expect(x.mul(2).detach().requiresGrad).toBe(false);
  });

  it('retainGrad keeps a non-leaf gradient', async () => {
    const x = tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
    const h = x.mul(3).retainGrad();
    h.mul(h).sum().backward();
    expect(await values(h.grad)).toEqual([6, 12]);
    expect(await values(x.grad)).toEqual([18, 36]);
  });

  it('integer results never require grad', () => {
    const x = tensor([1.5, -2], { dtype: 'float32' }).requiresGrad_();
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.gt(0).requiresGrad).toBe(false);
  });
});

describe('functional autograd', () => {
  it('grad and valueAndGrad with argnums', async () => {
    const f = (a: ReturnType<typeof tensor>, b: ReturnType<typeof tensor>) => a.mul(b).add(a.mul(a)).sum();
    const a = tensor([1, 2], { dtype: 'float32' });
    const b = tensor([3, 4], { dtype: 'float32' });
    const [value, grads] = valueAndGrad(f, { argnums: [0, 1] })(a, b);
    expect(await value.item()).toBe(16);
    const [ga, gb] = grads as [typeof a, typeof b];
    expect(await values(ga)).toEqual([5, 8]);
    expect(await values(gb)).toEqual([1, 2]);
    expect(a.requiresGrad).toBe(false); // inputs are not modified
  });

  it('higher-order: grad(grad(f)) for polynomials, sin, tanh and a matmul', async () => {
    const x = tensor([0.5, -1, 2], { dtype: 'float32' });
    const cube = (t: typeof x) => t.mul(t).mul(t).sum();
    const d2 = grad((t: typeof x) => (grad(cube)(t) as typeof x).sum())(x);
    expect(close(await values(d2 as typeof x), [3, -6, 12])).toBe(true);
    const dSin2 = grad((t: typeof x) => (grad((u: typeof x) => u.sin().sum())(t) as typeof x).sum())(x);
    expect(
      close(
        await values(dSin2 as typeof x),
        [0.5, -1, 2].map((v) => -Math.sin(v)),
      ),
    ).toBe(true);
    const dTanh2 = grad((t: typeof x) => (grad((u: typeof x) => u.tanh().sum())(t) as typeof x).sum())(x);
    const th = (v: number) => Math.tanh(v);
    expect(
      close(
        await values(dTanh2 as typeof x),
        [0.5, -1, 2].map((v) => -2 * th(v) * (1 - th(v) ** 2)),
        1e-4,
      ),
    ).toBe(true);
    const w = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float32' },
    );
    const quad = (v: typeof x) => v.matmul(w).matmul(v); // vᵀWv: Hessian W + Wᵀ, so d/dv of sum(grad) = (W + Wᵀ)·1
    const h = grad((v: typeof x) => (grad(quad)(v) as typeof x).sum())(tensor([1, 1], { dtype: 'float32' }));
    expect(await values(h as typeof x)).toEqual([7, 13]);
  });

  it('vjp gives vᵀJ', async () => {
    const { output, grads } = vjp(
      (x) => x.mul(x),
      [tensor([1, 2, 3], { dtype: 'float32' })],
      tensor([1, 0, 2], { dtype: 'float32' }),
    );
    expect(await values(output)).toEqual([1, 4, 9]);
    expect(await values(grads[0])).toEqual([2, 0, 12]);
  });

  it('customGrad uses the user backward', async () => {
    // A straight-through estimator: forward rounds, backward passes the gradient unchanged.
    const roundSte = customGrad<[ReturnType<typeof tensor>]>({
      forward: (x) => x.round(),
      backward: (g) => [g],
    });
    const x = tensor([0.4, 1.6], { dtype: 'float32' }).requiresGrad_();
    const y = roundSte(x)
      .mul(tensor([2, 3], { dtype: 'float32' }))
      .sum();
    expect(await y.item()).toBe(6);
    y.backward();
    expect(await values(x.grad)).toEqual([2, 3]);
  });
});

describe('memory', () => {
  it('a 1,000-step loop of forward, backward and zeroGrad holds memory flat', () => {
    const g = new Generator(0);
    const w = randn([8, 8], { generator: g }).mul(0.1).requiresGrad_();
    const x = randn([16, 8], { generator: g });
    const step = () => {
      tidy(() => {
        const loss = x.matmul(w).tanh().matmul(w.T).square().mean();
        loss.backward();
      });
      zeroGrad([w]);
    };
    step();
    const before = memory();
    for (let i = 0; i < 1000; i++) step();
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });

  it('the tape releases what it held once backward finishes', () => {
    const x = arange(6, undefined, 1, { dtype: 'float32' }).requiresGrad_();
    const before = memory().numTensors;
    tidy(() => x.reshape(2, 3).T.exp().sum().backward());
    const grad = x.grad;
    expect(memory().numTensors - before).toBe(1); // just x.grad
    grad?.dispose();
    x.grad = undefined;
    expect(zeros([1]).requiresGrad).toBe(false);
  });
});

describe('assign and the tape', () => {
  it('refuses backward through a tensor assign()ed after the forward, and allows assign after backward', async () => {
    const w = tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
    const loss = w.mul(w).sum();
    noGrad(() => w.assign(tensor([5, 5], { dtype: 'float32' })));
    expect(() => loss.backward()).toThrow(
      /changed by assign\(\) after the forward pass; assign parameters only after backward\(\)/,
    );
    const loss2 = w.mul(w).sum();
    loss2.backward();
    noGrad(() => w.assign(w.sub(w.grad as ReturnType<typeof tensor>)));
    expect(await values(w)).toEqual([-5, -5]);
    expect(w.requiresGrad).toBe(true);
  });
});

describe('graph lifetime', () => {
  it('frees graph branches that backward never visits once their tensors are disposed', () => {
    const w = tensor([1, 2, 3, 4], { dtype: 'float32' }).requiresGrad_();
    const step = () =>
      tidy(() => {
        const a = w.slice([{ start: 0, end: 2 }]).exp();
        const unused = w
          .slice([{ start: 2 }])
          .exp()
          .mul(2); // never reaches the loss
        void unused;
        a.sum().backward();
      });
    step();
    zeroGrad([w]);
    const before = memory();
    for (let i = 0; i < 20; i++) {
      step();
      zeroGrad([w]);
    }
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
  });

  it('frees a whole graph when its output is disposed without backward', () => {
    const w = tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
    const before = memory().numTensors;
    tidy(() => {
      w.mul(w).exp().sum();
    });
    expect(memory().numTensors).toBe(before);
  });

  it('keeps the graph of a tensor the user still holds, and frees it on dispose', () => {
    const w = tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
    const before = memory().numTensors;
    const kept = tidy(() => w.mul(w).exp().sum());
    expect(memory().numTensors).toBeGreaterThan(before + 1); // the tape holds what backward needs
    kept.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
