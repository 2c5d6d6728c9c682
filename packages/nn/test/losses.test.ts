import { gradcheck } from '@strata/autograd';
import { logSoftmax, memory, type Tensor, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import {
  BCELoss,
  BCEWithLogitsLoss,
  binaryCrossEntropy,
  CosineEmbeddingLoss,
  CrossEntropyLoss,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  type LossReduction,
  MarginRankingLoss,
  MSELoss,
  mseLoss,
  NLLLoss,
  SmoothL1Loss,
} from '../src/index';

type Reduction = LossReduction;
const reductions: Reduction[] = ['mean', 'sum', 'none'];
const gradOptions = { eps: 1e-3, atol: 2e-3, rtol: 1e-2 };

/** PyTorch's reduction of per-element losses. */
function reduceRef(values: number[], reduction: Reduction): number[] {
  const total = values.reduce((a, b) => a + b, 0);
  return reduction === 'none' ? values : [reduction === 'sum' ? total : total / values.length];
}

const read = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>);

function expectClose(actual: Tensor, expected: number[], tol = 1e-5): void {
  const got = read(actual);
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => {
    const e = expected[i] as number;
    expect(Math.abs(v - e), `element ${i}: ${v} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  });
}

/** Runs forward for every reduction and compares with the reference's reduction of the pointwise values. */
function checkReductions(
  make: (reduction: Reduction) => { forward(...args: Tensor[]): Tensor },
  args: Tensor[],
  pointwise: number[],
  shape: number[],
): void {
  for (const reduction of reductions) {
    const out = make(reduction).forward(...args);
    expect(out.shape).toEqual(reduction === 'none' ? shape : []);
    expectClose(out, reduceRef(pointwise, reduction));
    out.dispose();
  }
}

const xs = [0.3, -1.2, 2.5, 0.0, 1.7, -0.4];
const ys = [0.1, 0.8, -1.0, 0.45, 1.2, 0.9];
const t = (v: number[], shape = [2, 3]) => tensor(v, { shape });

describe('regression losses', () => {
  const d = xs.map((x, i) => x - (ys[i] as number));
  it('MSELoss and L1Loss', () => {
    tidy(() => {
      checkReductions(
        (reduction) => new MSELoss({ reduction }),
        [t(xs), t(ys)],
        d.map((v) => v * v),
        [2, 3],
      );
      checkReductions((reduction) => new L1Loss({ reduction }), [t(xs), t(ys)], d.map(Math.abs), [2, 3]);
    });
  });

  it('SmoothL1Loss (beta) and HuberLoss (delta)', () => {
    tidy(() => {
      for (const beta of [1, 0.5, 0]) {
        const ref = d.map((v) => (Math.abs(v) < beta ? (0.5 * v * v) / beta : Math.abs(v) - 0.5 * beta));
        checkReductions((reduction) => new SmoothL1Loss({ beta, reduction }), [t(xs), t(ys)], ref, [2, 3]);
      }
      for (const delta of [1, 0.7]) {
        const ref = d.map((v) => (Math.abs(v) < delta ? 0.5 * v * v : delta * (Math.abs(v) - 0.5 * delta)));
        checkReductions((reduction) => new HuberLoss({ delta, reduction }), [t(xs), t(ys)], ref, [2, 3]);
      }
    });
  });

  it('has correct gradients (gradcheck) and explains shape mistakes', async () => {
    const target = t(ys);
    const fns = [
      (x: Tensor) => new MSELoss().forward(x, target),
      (x: Tensor) => new L1Loss({ reduction: 'sum' }).forward(x, target),
      (x: Tensor) => new SmoothL1Loss({ beta: 0.5, reduction: 'none' }).forward(x, target),
      (x: Tensor) => new HuberLoss({ delta: 0.7 }).forward(x, target),
    ];
    for (const f of fns) expect((await gradcheck(f, [t(xs)], gradOptions)).mismatches).toEqual([]);
    expect(() => mseLoss(t(xs), t(ys, [6]))).toThrow(/target \[6\] must have the input's shape \[2, 3\]/);
    expect(() => new MSELoss({ reduction: 'avg' as Reduction })).toThrow(/reduction must be 'mean', 'sum', 'none'; got 'avg'/);
    target.dispose();
  });
});

describe('classification losses', () => {
  // logits (3, 4), int32 targets with one ignored, per-class weights
  const logits = [0.2, -1.0, 1.5, 0.3, 2.0, 0.1, -0.5, 0.0, -0.3, 0.8, 0.4, -1.2];
  const targets = [2, 0, -100];
  const w = [0.5, 1.0, 2.0, 1.5];
  const logpRef = (row: number) => {
    const r = logits.slice(row * 4, row * 4 + 4);
    const m = Math.max(...r);
    const lse = m + Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0));
    return r.map((v) => v - lse);
  };

  it('CrossEntropyLoss with weight, ignoreIndex and label smoothing, for each reduction', () => {
    const eps = 0.1;
    const perSample = targets.map((c, n) => {
      if (c === -100) return 0;
      const lp = logpRef(n);
      const nll = -(w[c] as number) * (lp[c] as number);
      const smooth = -lp.reduce((a, v, k) => a + (w[k] as number) * v, 0);
      return (1 - eps) * nll + (eps / 4) * smooth;
    });
    const denom = targets.reduce((a, c) => a + (c === -100 ? 0 : (w[c] as number)), 0);
    tidy(() => {
      const weight = tensor(w);
      const make = (reduction: Reduction) => new CrossEntropyLoss({ weight, labelSmoothing: eps, reduction });
      const x = t(logits, [3, 4]);
      const y = tensor(targets, { dtype: 'int32' });
      expectClose(make('none').forward(x, y), perSample);
      expectClose(make('sum').forward(x, y), [perSample.reduce((a, b) => a + b, 0)]);
      expectClose(make('mean').forward(x, y), [perSample.reduce((a, b) => a + b, 0) / denom]);
      expect(Object.keys(make('mean').stateDict())).toEqual(['weight']);
      expect(Object.keys(new CrossEntropyLoss().stateDict())).toEqual([]);
    });
  });

  it('CrossEntropyLoss with class-probability targets and NLLLoss', () => {
    const probs = [0.1, 0.2, 0.3, 0.4, 1, 0, 0, 0, 0.25, 0.25, 0.25, 0.25];
    const ce = [0, 1, 2].map((n) => -logpRef(n).reduce((a, v, k) => a + (probs[n * 4 + k] as number) * v, 0));
    const nll = [0, 1].map((n) => -(w[targets[n] as number] as number) * (logpRef(n)[targets[n] as number] as number));
    tidy(() => {
      checkReductions((reduction) => new CrossEntropyLoss({ reduction }), [t(logits, [3, 4]), t(probs, [3, 4])], ce, [3]);
      const logp = logSoftmax(t(logits, [3, 4]), 1);
      const y = tensor(targets, { dtype: 'int32' });
      const weight = tensor(w);
      expectClose(new NLLLoss({ weight, reduction: 'none' }).forward(logp, y), [...nll, 0]);
      expectClose(
        new NLLLoss({ weight }).forward(logp, y),
        [(nll[0] as number) + (nll[1] as number)].map((s) => s / 2.5),
      );
    });
  });

  it('has correct gradients (gradcheck)', async () => {
    const y = tensor(targets, { dtype: 'int32' });
    const weight = tensor(w);
    const ce = new CrossEntropyLoss({ weight, labelSmoothing: 0.2 });
    expect((await gradcheck((x) => ce.forward(x, y), [t(logits, [3, 4])], gradOptions)).mismatches).toEqual([]);
    const nll = new NLLLoss({ reduction: 'sum' });
    expect((await gradcheck((x) => nll.forward(x, y), [t(logits, [3, 4])], gradOptions)).mismatches).toEqual([]);
    y.dispose();
    weight.dispose();
  });
});

describe('binary losses', () => {
  const p = [0.2, 0.9, 0.5, 0.999, 0.0, 1.0];
  const y = [0, 1, 1, 0, 1, 1];
  const weight = [1, 2, 0.5];
  const clampLog = (v: number) => Math.max(Math.log(v), -100);

  it('BCELoss clamps the logs at -100 and applies weight', () => {
    const ref = p.map((x, i) => {
      const yi = y[i] as number;
      return -(weight[i % 3] as number) * (yi * clampLog(x) + (1 - yi) * clampLog(1 - x));
    });
    expect(ref[4]).toBe(200); // log 0 clamped: -2 * -100
    tidy(() => {
      const wt = tensor(weight);
      checkReductions((reduction) => new BCELoss({ weight: wt, reduction }), [t(p), t(y)], ref, [2, 3]);
    });
  });

  it('BCELoss has PyTorch gradients, finite at probabilities of exactly 0 and 1', async () => {
    const x = t(p).requiresGrad_();
    const loss = new BCELoss({ reduction: 'sum' }).forward(x, t(y));
    loss.backward();
    const g = read(x.grad as Tensor);
    const ref = p.map((v, i) => (v - (y[i] as number)) / Math.max(v * (1 - v), 1e-12));
    g.forEach((v, i) => {
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(v - (ref[i] as number))).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(ref[i] as number)));
    });
    const inner = [0.2, 0.7, 0.4, 0.6, 0.35, 0.8];
    const target = t([0, 1, 0.3, 0, 1, 1]);
    const f = (v: Tensor) => binaryCrossEntropy(v, target, { reduction: 'none' });
    expect((await gradcheck(f, [t(inner)], gradOptions)).mismatches).toEqual([]);
    for (const v of [x, loss, target]) v.dispose();
  });

  it('BCEWithLogitsLoss is stable for large logits and applies posWeight (last dim) and weight', async () => {
    const logits = [-3, 0, 2, 50, -50, 0.5];
    const yl = [0, 1, 1, 0, 1, 0.3];
    const pos = [2, 0.5, 3];
    const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    const ref = logits.map((x, i) => {
      const yi = yl[i] as number;
      const lw = 1 + ((pos[i % 3] as number) - 1) * yi;
      return (weight[i % 3] as number) * ((1 - yi) * x + lw * softplus(-x));
    });
    const posWeight = tensor(pos);
    const wt = tensor(weight);
    tidy(() => {
      checkReductions(
        (reduction) => new BCEWithLogitsLoss({ weight: wt, posWeight, reduction }),
        [t(logits), t(yl)],
        ref,
        [2, 3],
      );
      expect(Object.keys(new BCEWithLogitsLoss({ weight: wt, posWeight }).stateDict())).toEqual(['weight', 'pos_weight']);
      const plain = logits.map((x, i) => (1 - (yl[i] as number)) * x + softplus(-x));
      expectClose(new BCEWithLogitsLoss({ reduction: 'none' }).forward(t(logits), t(yl)), plain);
    });
    const loss = new BCEWithLogitsLoss({ posWeight });
    const target = t(yl);
    const f = (x: Tensor) => loss.forward(x, target);
    expect((await gradcheck(f, [t([-3, 0.2, 2, 5, -4, 0.5])], gradOptions)).mismatches).toEqual([]);
    for (const v of [posWeight, wt, target]) v.dispose();
  });
});

describe('KLDivLoss', () => {
  const input = [-1.2, -0.5, -2.0, -0.1, -3.0, -0.7];
  const target = [0.3, 0.5, 0.2, 0.0, 0.9, 0.1];
  const pointwise = input.map((x, i) => {
    const ti = target[i] as number;
    return ti === 0 ? 0 : ti * (Math.log(ti) - x);
  });

  it('matches t (log t - x) for every reduction, batchmean and logTarget', () => {
    tidy(() => {
      checkReductions((reduction) => new KLDivLoss({ reduction }), [t(input), t(target)], pointwise, [2, 3]);
      const total = pointwise.reduce((a, b) => a + b, 0);
      expectClose(new KLDivLoss({ reduction: 'batchmean' }).forward(t(input), t(target)), [total / 2]);
      const logT = [-1.0, -0.2, -2.5, -0.9, -0.05, -1.6];
      const refLog = input.map((x, i) => Math.exp(logT[i] as number) * ((logT[i] as number) - x));
      checkReductions((reduction) => new KLDivLoss({ reduction, logTarget: true }), [t(input), t(logT)], refLog, [2, 3]);
    });
  });

  it('has correct gradients (gradcheck)', async () => {
    const tt = t(target);
    const kl = new KLDivLoss({ reduction: 'batchmean' });
    expect((await gradcheck((x) => kl.forward(x, tt), [t(input)], gradOptions)).mismatches).toEqual([]);
    tt.dispose();
  });
});

describe('embedding and ranking losses', () => {
  const a = [0.5, -1.0, 2.0, 0.3, 1.0, 1.0, -0.2, 0.7, 0.9];
  const b = [1.0, 0.2, 1.5, -0.3, 0.8, 0.1, 0.4, 0.6, -1.1];
  const y = [1, -1, -1];

  it('CosineEmbeddingLoss matches 1 - cos / max(0, cos - margin)', async () => {
    const margin = 0.2;
    const ref = y.map((yi, n) => {
      const u = a.slice(n * 3, n * 3 + 3);
      const v = b.slice(n * 3, n * 3 + 3);
      const dot = u.reduce((s, ui, i) => s + ui * (v[i] as number), 0);
      const cos = dot / Math.sqrt((u.reduce((s, ui) => s + ui * ui, 0) + 1e-12) * (v.reduce((s, vi) => s + vi * vi, 0) + 1e-12));
      return yi === 1 ? 1 - cos : Math.max(0, cos - margin);
    });
    expect(ref[2]).toBe(0); // a dissimilar pair already below the margin
    tidy(() => {
      checkReductions(
        (reduction) => new CosineEmbeddingLoss({ margin, reduction }),
        [t(a, [3, 3]), t(b, [3, 3]), tensor(y, { dtype: 'int32' })],
        ref,
        [3],
      );
    });
    const target = tensor(y, { dtype: 'float32' });
    const loss = new CosineEmbeddingLoss({ margin: -0.5 });
    const f = (u: Tensor, v: Tensor) => loss.forward(u, v, target);
    expect((await gradcheck(f, [t(a, [3, 3]), t(b, [3, 3])], gradOptions)).mismatches).toEqual([]);
    target.dispose();
  });

  it('MarginRankingLoss matches max(0, -y (x1 - x2) + margin)', async () => {
    const x1 = [0.5, -1.0, 2.0, 0.3];
    const x2 = [1.0, 0.2, 1.5, -0.3];
    const yr = [1, -1, 1, -1];
    const margin = 0.3;
    const ref = x1.map((u, i) => Math.max(0, -(yr[i] as number) * (u - (x2[i] as number)) + margin));
    tidy(() => {
      checkReductions(
        (reduction) => new MarginRankingLoss({ margin, reduction }),
        [t(x1, [4]), t(x2, [4]), t(yr, [4])],
        ref,
        [4],
      );
    });
    const target = t(yr, [4]);
    const loss = new MarginRankingLoss({ margin });
    const f = (u: Tensor, v: Tensor) => loss.forward(u, v, target);
    expect((await gradcheck(f, [t(x1, [4]), t(x2, [4])], gradOptions)).mismatches).toEqual([]);
    target.dispose();
  });
});

describe('loss memory', () => {
  it('stays flat over forward + backward steps inside tidy', () => {
    const x = tensor([0.2, 0.7, 0.4, 0.6, 0.35, 0.8], { shape: [2, 3] }).requiresGrad_();
    const y = tensor([0, 1, 1, 0, 1, 0], { shape: [2, 3] });
    const labels = tensor([2, 0], { dtype: 'int32' });
    const losses: ((v: Tensor) => Tensor)[] = [
      (v) => new MSELoss().forward(v, y),
      (v) => new SmoothL1Loss().forward(v, y),
      (v) => new BCELoss().forward(v, y),
      (v) => new BCEWithLogitsLoss().forward(v, y),
      (v) => new CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(v, labels),
      (v) => new KLDivLoss({ reduction: 'batchmean' }).forward(v, y),
      (v) => new CosineEmbeddingLoss().forward(v, y, labels.sub(1)),
      (v) => new MarginRankingLoss().forward(v, y, y),
    ];
    const step = () =>
      tidy(() => {
        for (const f of losses) f(x).backward();
      });
    step();
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(memory().numTensors).toBe(before);
    for (const v of [x, y, labels]) v.dispose();
  });
});
