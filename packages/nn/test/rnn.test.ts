import { gradcheck, noGrad, zeroGrad } from '@strata/autograd';
import { Generator, memory, randn, type Tensor, tensor, tidy } from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { GRU, GRUCell, Linear, LSTM, LSTMCell, type Module, RNN, RNNCell } from '../src/index';

// ---------------------------------------------------------------------------
// A float64 reference written from the equations (PyTorch's docs), sharing no
// code with the layers: plain JS loops over plain arrays.
// ---------------------------------------------------------------------------
type Vec = number[];
type Mat = number[][];
type Mode = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

const sig = (v: number) => 1 / (1 + Math.exp(-v));
const matOf = (t: Tensor): Mat => {
  const [rows, cols] = t.shape as [number, number];
  const d = t.dataSync();
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => Number(d[i * cols + j])));
};
const vecOf = (t: Tensor): Vec => Array.from(t.dataSync(), Number);
/** A 3-d tensor as nested arrays [i][j] of vectors. */
const grid = (t: Tensor): Vec[][] => {
  const [a, b, c] = t.shape as [number, number, number];
  const d = vecOf(t);
  return Array.from({ length: a }, (_, i) => Array.from({ length: b }, (_, j) => d.slice((i * b + j) * c, (i * b + j + 1) * c)));
};
const affine = (w: Mat, x: Vec, b: Vec | undefined): Vec =>
  w.map((row, i) => row.reduce((s, wij, j) => s + wij * (x[j] as number), b ? (b[i] as number) : 0));

interface RefWeights {
  ih: Mat;
  hh: Mat;
  bih: Vec | undefined;
  bhh: Vec | undefined;
}

function refStep(mode: Mode, w: RefWeights, x: Vec, h: Vec, c: Vec): { h: Vec; c: Vec } {
  const H = h.length;
  const gi = affine(w.ih, x, w.bih);
  const gh = affine(w.hh, h, w.bhh);
  const part = (v: Vec, k: number) => v.slice(k * H, (k + 1) * H);
  const at = (v: Vec, j: number) => v[j] as number;
  if (mode === 'rnn_tanh' || mode === 'rnn_relu') {
    const pre = gi.map((v, j) => v + at(gh, j));
    return { h: pre.map((v) => (mode === 'rnn_tanh' ? Math.tanh(v) : Math.max(0, v))), c };
  }
  if (mode === 'lstm') {
    const g = gi.map((v, j) => v + at(gh, j));
    const [i, f, gg, o] = [0, 1, 2, 3].map((k) => part(g, k)) as [Vec, Vec, Vec, Vec];
    const cNext = c.map((cj, j) => sig(at(f, j)) * cj + sig(at(i, j)) * Math.tanh(at(gg, j)));
    return { h: cNext.map((cj, j) => sig(at(o, j)) * Math.tanh(cj)), c: cNext };
  }
  const [xr, xz, xn] = [0, 1, 2].map((k) => part(gi, k)) as [Vec, Vec, Vec];
  const [hr, hz, hn] = [0, 1, 2].map((k) => part(gh, k)) as [Vec, Vec, Vec];
  const hNext = h.map((hj, j) => {
    const r = sig(at(xr, j) + at(hr, j));
    const z = sig(at(xz, j) + at(hz, j));
    const n = Math.tanh(at(xn, j) + r * at(hn, j));
    return (1 - z) * n + z * hj;
  });
  return { h: hNext, c };
}

/** x [t][n] vectors (L, N, in); h0/c0 [layer·D + d][n]. */
function refForward(
  mode: Mode,
  state: Record<string, Tensor>,
  x: Vec[][],
  opts: { layers: number; bidirectional: boolean; hidden: number; h0?: Vec[][]; c0?: Vec[][] },
): { output: Vec[][]; h: Vec[][]; c: Vec[][] } {
  const D = opts.bidirectional ? 2 : 1;
  const L = x.length;
  const N = (x[0] as Vec[]).length;
  const zero = () => new Array<number>(opts.hidden).fill(0);
  const hOut: Vec[][] = [];
  const cOut: Vec[][] = [];
  let seq = x;
  for (let layer = 0; layer < opts.layers; layer++) {
    const next: Vec[][] = Array.from({ length: L }, () => Array.from({ length: N }, () => [] as Vec));
    for (let d = 0; d < D; d++) {
      const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
      const get = (k: string) => state[k + sfx];
      const w: RefWeights = {
        ih: matOf(get('weight_ih') as Tensor),
        hh: matOf(get('weight_hh') as Tensor),
        bih: get('bias_ih') ? vecOf(get('bias_ih') as Tensor) : undefined,
        bhh: get('bias_hh') ? vecOf(get('bias_hh') as Tensor) : undefined,
      };
      const slot = layer * D + d;
      const hs: Vec[] = [];
      const cs: Vec[] = [];
      for (let n = 0; n < N; n++) {
        let h = opts.h0?.[slot]?.[n] ?? zero();
        let c = opts.c0?.[slot]?.[n] ?? zero();
        for (let s = 0; s < L; s++) {
          const t = d === 1 ? L - 1 - s : s;
          ({ h, c } = refStep(mode, w, seq[t]?.[n] as Vec, h, c));
          next[t]?.[n]?.push(...h);
        }
        hs.push(h);
        cs.push(c);
      }
      hOut.push(hs);
      cOut.push(cs);
    }
    seq = next;
  }
  return { output: seq, h: hOut, c: cOut };
}

const flat = (v: Vec[][]): number[] => v.flat(2);
function expectClose(actual: Tensor | ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5): void {
  const a = Array.from('dataSync' in actual ? actual.dataSync() : actual, Number);
  expect(a.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (expected[i] as number)));
  expect(worst).toBeLessThan(atol);
}

/** Replaces a parameter of a module by PyTorch name (values only, like loading a checkpoint). */
function setParam(m: Module, name: string, values: number[]): void {
  const sd = m.stateDict();
  const target = sd[name] as Tensor;
  m.loadStateDict({ ...sd, [name]: tensor(values, { shape: [...target.shape], dtype: 'float32' }) });
}

/** A module's parameter as a transposed (cols, rows) tfjs tensor, optionally reordering its gate blocks. */
function tfKernel(t: Tensor, gateOrder: number[]): tf.Tensor {
  const H = (t.shape[0] as number) / gateOrder.length;
  const blocks = gateOrder.map((k) => tf.tensor2d(matOf(t).slice(k * H, (k + 1) * H)));
  return tf.transpose(tf.concat(blocks, 0));
}
function tfBias(a: Tensor, b: Tensor, gateOrder: number[]): tf.Tensor {
  const sum = vecOf(a).map((v, i) => v + (vecOf(b)[i] as number));
  const H = sum.length / gateOrder.length;
  return tf.tensor1d(gateOrder.flatMap((k) => sum.slice(k * H, (k + 1) * H)));
}

const gen = (seed: number) => new Generator(seed);

describe('RNN, LSTM, GRU: forward against TensorFlow.js', () => {
  it('LSTM matches tfjs-layers LSTM (kernel = W_ihᵀ, same gate order i,f,g,o; bias = b_ih + b_hh)', () => {
    const [I, H, N, L] = [3, 5, 2, 6];
    const lstm = new LSTM(I, H, { batchFirst: true, generator: gen(1) });
    const x = randn([N, L, I], { generator: gen(2) });
    const h0 = randn([1, N, H], { generator: gen(3) });
    const c0 = randn([1, N, H], { generator: gen(4) });
    const ours = noGrad(() => lstm.forward(x, [h0, c0]));

    const sd = lstm.stateDict();
    const order = [0, 1, 2, 3];
    const layer = tfl.layers.lstm({
      units: H,
      returnSequences: true,
      returnState: true,
      recurrentActivation: 'sigmoid',
      kernelInitializer: 'zeros',
      recurrentInitializer: 'zeros',
    });
    const tx = tf.tensor3d(grid(x));
    const initialState = [tf.tensor2d(grid(h0)[0] as Mat), tf.tensor2d(grid(c0)[0] as Mat)];
    layer.apply(tx, { initialState });
    layer.setWeights([
      tfKernel(sd.weight_ih_l0 as Tensor, order),
      tfKernel(sd.weight_hh_l0 as Tensor, order),
      tfBias(sd.bias_ih_l0 as Tensor, sd.bias_hh_l0 as Tensor, order),
    ]);
    const [out, h, c] = layer.apply(tx, { initialState }) as tf.Tensor[];
    expectClose(ours.output, (out as tf.Tensor).dataSync());
    expectClose(ours.h, (h as tf.Tensor).dataSync());
    expectClose(ours.c, (c as tf.Tensor).dataSync());
  });

  it('GRU matches tfjs-layers GRU (gates z,r,h vs r,z,n) where both formulations agree', () => {
    // tfjs-layers 4.22 GRUCell throws on resetAfter: true, so it only has the
    // reset-before candidate tanh(W_h x + b_h + U_h (r ⊙ h)); PyTorch's is
    // tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)). They agree when b_hn = 0 and
    // W_hn is diagonal (a diagonal matrix commutes with ⊙ r); the general case
    // is checked against the float64 reference below.
    const [I, H, N, L] = [4, 3, 2, 5];
    const gru = new GRU(I, H, { generator: gen(5) });
    const sd = gru.stateDict();
    const whh = vecOf(sd.weight_hh_l0 as Tensor);
    for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) if (i !== j) whh[(2 * H + i) * H + j] = 0;
    setParam(gru, 'weight_hh_l0', whh);
    setParam(
      gru,
      'bias_hh_l0',
      vecOf(sd.bias_hh_l0 as Tensor).map((v, k) => (k >= 2 * H ? 0 : v)),
    );
    const x = randn([L, N, I], { generator: gen(6) });
    const h0 = randn([1, N, H], { generator: gen(7) });
    const ours = noGrad(() => gru.forward(x, h0));

    const order = [1, 0, 2]; // tfjs block k holds PyTorch block order[k]
    const layer = tfl.layers.gru({
      units: H,
      returnSequences: true,
      returnState: true,
      recurrentActivation: 'sigmoid',
      kernelInitializer: 'zeros',
      recurrentInitializer: 'zeros',
    });
    const tx = tf.transpose(tf.tensor3d(grid(x)), [1, 0, 2]); // tfjs is batch-major
    const initialState = [tf.tensor2d(grid(h0)[0] as Mat)];
    layer.apply(tx, { initialState });
    const s = gru.stateDict();
    layer.setWeights([
      tfKernel(s.weight_ih_l0 as Tensor, order),
      tfKernel(s.weight_hh_l0 as Tensor, order),
      tfBias(s.bias_ih_l0 as Tensor, s.bias_hh_l0 as Tensor, order),
    ]);
    const [out, h] = layer.apply(tx, { initialState }) as tf.Tensor[];
    expectClose(ours.output, tf.transpose(out as tf.Tensor, [1, 0, 2]).dataSync());
    expectClose(ours.h, (h as tf.Tensor).dataSync());
  });

  it('RNN (tanh) matches tfjs-layers SimpleRNN', () => {
    const [I, H, N, L] = [3, 4, 2, 5];
    const rnn = new RNN(I, H, { batchFirst: true, generator: gen(8) });
    const x = randn([N, L, I], { generator: gen(9) });
    const ours = noGrad(() => rnn.forward(x));
    const sd = rnn.stateDict();
    const layer = tfl.layers.simpleRNN({
      units: H,
      returnSequences: true,
      returnState: true,
      kernelInitializer: 'zeros',
      recurrentInitializer: 'zeros',
    });
    const tx = tf.tensor3d(grid(x));
    layer.apply(tx);
    layer.setWeights([
      tfKernel(sd.weight_ih_l0 as Tensor, [0]),
      tfKernel(sd.weight_hh_l0 as Tensor, [0]),
      tfBias(sd.bias_ih_l0 as Tensor, sd.bias_hh_l0 as Tensor, [0]),
    ]);
    const [out, h] = layer.apply(tx) as tf.Tensor[];
    expectClose(ours.output, (out as tf.Tensor).dataSync());
    expectClose(ours.h, (h as tf.Tensor).dataSync());
  });
});

describe('RNN, LSTM, GRU: multi-layer and bidirectional against a float64 reference', () => {
  const cases: { mode: Mode; make: () => LSTM | GRU | RNN }[] = [
    { mode: 'lstm', make: () => new LSTM(3, 4, { numLayers: 2, bidirectional: true, generator: gen(10) }) },
    { mode: 'gru', make: () => new GRU(3, 4, { numLayers: 2, bidirectional: true, generator: gen(11) }) },
    { mode: 'rnn_tanh', make: () => new RNN(3, 4, { numLayers: 3, bidirectional: true, generator: gen(12) }) },
    { mode: 'rnn_relu', make: () => new RNN(3, 4, { numLayers: 2, nonlinearity: 'relu', generator: gen(13) }) },
    { mode: 'gru', make: () => new GRU(3, 4, { numLayers: 2, bias: false, generator: gen(14) }) },
  ];
  for (const { mode, make } of cases) {
    it(`${mode}: ${make().toString()}`, () => {
      const m = make();
      const layers = m.numLayers;
      const D = m.directions;
      const [L, N] = [5, 2];
      const x = randn([L, N, 3], { generator: gen(20) });
      const h0 = randn([D * layers, N, 4], { generator: gen(21) });
      const c0 = randn([D * layers, N, 4], { generator: gen(22) });
      const ours = noGrad(() => (m instanceof LSTM ? m.forward(x, { h: h0, c: c0 }) : m.forward(x, h0)));
      const ref = refForward(mode, m.stateDict(), grid(x), {
        layers,
        bidirectional: m.bidirectional,
        hidden: 4,
        h0: grid(h0),
        c0: grid(c0),
      });
      expect(ours.output.shape).toEqual([L, N, D * 4]);
      expect(ours.h.shape).toEqual([D * layers, N, 4]);
      expectClose(ours.output, flat(ref.output));
      expectClose(ours.h, flat(ref.h));
      if ('c' in ours) expectClose(ours.c as Tensor, flat(ref.c));
    });
  }

  it('cells match one reference step (batched and unbatched)', () => {
    const x = randn([2, 3], { generator: gen(30) });
    const h = randn([2, 4], { generator: gen(31) });
    const c = randn([2, 4], { generator: gen(32) });
    const refOf = (mode: Mode, cell: RNNCell | LSTMCell | GRUCell) => {
      const w: RefWeights = {
        ih: matOf(cell.weight_ih),
        hh: matOf(cell.weight_hh),
        bih: cell.bias_ih && vecOf(cell.bias_ih),
        bhh: cell.bias_hh && vecOf(cell.bias_hh),
      };
      const xs = matOf(x);
      const hs = matOf(h);
      const cs = matOf(c);
      return xs.map((xi, n) => refStep(mode, w, xi, hs[n] as Vec, cs[n] as Vec));
    };
    noGrad(() => {
      const rnnCell = new RNNCell(3, 4, { nonlinearity: 'relu', generator: gen(33) });
      expectClose(
        rnnCell.forward(x, h),
        refOf('rnn_relu', rnnCell).flatMap((s) => s.h),
      );
      const gruCell = new GRUCell(3, 4, { generator: gen(34) });
      expectClose(
        gruCell.forward(x, h),
        refOf('gru', gruCell).flatMap((s) => s.h),
      );
      expectClose(gruCell.forward(x.slice([1]), h.slice([1])), (refOf('gru', gruCell)[1] as { h: Vec }).h);
      const lstmCell = new LSTMCell(3, 4, { bias: false, generator: gen(35) });
      const out = lstmCell.forward(x, [h, c]);
      const ref = refOf('lstm', lstmCell);
      expectClose(
        out.h,
        ref.flatMap((s) => s.h),
      );
      expectClose(
        out.c,
        ref.flatMap((s) => s.c),
      );
      expect(lstmCell.forward(x).h.shape).toEqual([2, 4]);
    });
  });
});

describe('RNN, LSTM, GRU: layouts and state', () => {
  it('batchFirst transposes input and output only; unbatched equals batch 1', () => {
    const a = new LSTM(3, 4, { numLayers: 2, bidirectional: true, generator: gen(40) });
    const b = new LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
    b.loadStateDict(a.stateDict());
    const x = randn([5, 2, 3], { generator: gen(41) });
    noGrad(() => {
      const ra = a.forward(x);
      const rb = b.forward(x.transpose(0, 1));
      expect(rb.output.shape).toEqual([2, 5, 8]);
      expectClose(rb.output.transpose(0, 1).contiguous(), ra.output.dataSync());
      expectClose(rb.h, ra.h.dataSync());
      expectClose(rb.c, ra.c.dataSync());

      const x1 = x.slice([null, 1]); // (L, inputSize)
      const single = a.forward(x.narrow(1, 1, 1));
      const un = a.forward(x1, { h: single.h.mul(0).squeeze(1), c: single.c.mul(0).squeeze(1) });
      expect(un.output.shape).toEqual([5, 8]);
      expect(un.h.shape).toEqual([4, 4]);
      expectClose(un.output, single.output.dataSync());
      expectClose(un.h, single.h.dataSync());
      expect(b.forward(x1).output.shape).toEqual([5, 8]); // unbatched ignores batchFirst
    });
  });

  it('the final state continues a sequence: two halves equal the whole', () => {
    const gru = new GRU(3, 4, { numLayers: 2, generator: gen(42) });
    const lstm = new LSTM(3, 4, { numLayers: 2, batchFirst: true, generator: gen(43) });
    const x = randn([6, 2, 3], { generator: gen(44) });
    noGrad(() => {
      const whole = gru.forward(x);
      const first = gru.forward(x.narrow(0, 0, 4));
      const second = gru.forward(x.narrow(0, 4, 2), first.h);
      expectClose(second.h, whole.h.dataSync());
      expectClose(second.output, whole.output.narrow(0, 4, 2).contiguous().dataSync());

      const xb = x.transpose(0, 1);
      const full = lstm.forward(xb);
      const part = lstm.forward(xb.narrow(1, 3, 3), lstm.forward(xb.narrow(1, 0, 3)));
      expectClose(part.h, full.h.dataSync());
      expectClose(part.c, full.c.dataSync());
    });
  });

  it('rejects wrong shapes with the expected layout', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    expect(() => lstm.forward(randn([5, 2, 7]))).toThrow(/LSTM.forward: expected input \(L, N, inputSize\).*got \[5, 2, 7\]/);
    expect(() => lstm.forward(randn([5, 2, 3]), [randn([1, 2, 4]), randn([2, 2, 4])])).toThrow(/h0 must have shape \[2, 2, 4\]/);
    expect(() => new GRUCell(3, 4).forward(randn([2, 3]), randn([3, 4]))).toThrow(/hx must have shape \[2, 4\]/);
    expect(() => new RNN(3, 4, { numLayers: 0 })).toThrow(/numLayers/);
  });
});

describe('RNN, LSTM, GRU: parameters', () => {
  it("stateDict keys and shapes are PyTorch's", () => {
    const lstm = new LSTM(10, 20, { numLayers: 2, bidirectional: true });
    const sd = lstm.stateDict();
    const keys: string[] = [];
    for (const l of [0, 1]) {
      for (const sfx of ['', '_reverse'])
        keys.push(...['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((k) => `${k}_l${l}${sfx}`));
    }
    expect(Object.keys(sd)).toEqual(keys);
    expect(lstm.flatWeightNames).toEqual(keys);
    expect(lstm.allWeights.length).toBe(4);
    expect(lstm.allWeights[3]?.[1]).toBe(sd.weight_hh_l1_reverse);
    expect(sd.weight_ih_l0?.shape).toEqual([80, 10]);
    expect(sd.weight_hh_l0?.shape).toEqual([80, 20]);
    expect(sd.bias_ih_l1_reverse?.shape).toEqual([80]);
    expect(sd.weight_ih_l1?.shape).toEqual([80, 40]);
    expect(Object.keys(new GRU(2, 3, { bias: false }).stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    expect(new GRU(2, 3).stateDict().weight_hh_l0?.shape).toEqual([9, 3]);
    expect(Object.keys(new LSTMCell(2, 3).stateDict())).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    expect(new GRUCell(2, 3).weight_ih.shape).toEqual([9, 2]);
  });

  it('initialises every weight and bias from U(-1/sqrt(hidden), 1/sqrt(hidden))', () => {
    const bound = 1 / Math.sqrt(64);
    for (const m of [new LSTM(16, 64, { generator: gen(50) }), new GRUCell(16, 64, { generator: gen(51) })]) {
      for (const p of m.parameters()) {
        const v = vecOf(p);
        expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
        expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.9 * bound);
      }
    }
  });

  it('prints like PyTorch', () => {
    expect(new LSTM(10, 20, { numLayers: 2, bidirectional: true }).toString()).toBe(
      'LSTM(10, 20, num_layers=2, bidirectional=True)',
    );
    expect(new GRU(3, 4, { batchFirst: true, dropout: 0.5, bias: false, numLayers: 2 }).toString()).toBe(
      'GRU(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5)',
    );
    expect(new RNN(3, 4).toString()).toBe('RNN(3, 4)');
    expect(new RNNCell(3, 4, { bias: false, nonlinearity: 'relu' }).toString()).toBe(
      'RNNCell(3, 4, bias=False, nonlinearity=relu)',
    );
    expect(new LSTMCell(3, 4).toString()).toBe('LSTMCell(3, 4)');
  });

  it('dropout acts between layers in training only, seeded by the generator', () => {
    const make = () => new GRU(3, 8, { numLayers: 2, dropout: 0.5, generator: gen(60) });
    const [a, b] = [make(), make()];
    const x = randn([4, 2, 3], { generator: gen(61) });
    noGrad(() => {
      const ta = vecOf(a.forward(x).output);
      expect(vecOf(b.forward(x).output)).toEqual(ta); // same seed, same masks
      expect(vecOf(a.forward(x).output)).not.toEqual(ta); // the generator advanced
      a.eval();
      const ref = refForward('gru', a.stateDict(), grid(x), { layers: 2, bidirectional: false, hidden: 8 });
      expectClose(a.forward(x).output, flat(ref.output));
      const single = new GRU(3, 8, { dropout: 0.5, generator: gen(62) }); // one layer: nothing to drop between
      const r1 = refForward('gru', single.stateDict(), grid(x), { layers: 1, bidirectional: false, hidden: 8 });
      expectClose(single.forward(x).output, flat(r1.output));
    });
  });
});

describe('RNN, LSTM, GRU: gradients and memory', () => {
  /** Calls f with one parameter of m swapped for `w` (so gradcheck can perturb it). */
  function withParam<T>(m: Module, name: string, w: Tensor, f: () => T): T {
    const own = m as unknown as Record<string, Tensor>;
    const saved = own[name] as Tensor;
    own[name] = w;
    try {
      return f();
    } finally {
      own[name] = saved;
    }
  }
  const tol = { eps: 1e-3, atol: 2e-3, rtol: 1e-2 };

  it('gradcheck: LSTMCell and GRUCell w.r.t. the input and a weight', async () => {
    const x = randn([2, 3], { generator: gen(70) });
    const h0 = randn([2, 4], { generator: gen(71) });
    const c0 = randn([2, 4], { generator: gen(72) });
    const lstm = new LSTMCell(3, 4, { generator: gen(73) });
    const lstmF = (xi: Tensor, w: Tensor) =>
      withParam(lstm, 'weight_hh', w, () => {
        const { h, c } = lstm.forward(xi, [h0, c0]);
        return h.add(c.mul(0.5));
      });
    const r1 = await gradcheck(lstmF, [x, lstm.weight_hh], tol);
    expect(r1.mismatches).toEqual([]);

    const gru = new GRUCell(3, 4, { generator: gen(74) });
    const gruF = (xi: Tensor, w: Tensor) => withParam(gru, 'weight_hh', w, () => gru.forward(xi, h0));
    const r2 = await gradcheck(gruF, [x, gru.weight_hh], tol);
    expect(r2.mismatches).toEqual([]);
    const gruB = (hi: Tensor, b: Tensor) => withParam(gru, 'bias_hh', b, () => gru.forward(x, hi));
    expect((await gradcheck(gruB, [h0, gru.bias_hh as Tensor], tol)).mismatches).toEqual([]);
  });

  it('gradcheck: through time, layers and directions (LSTM and GRU layers)', async () => {
    const x = randn([3, 2, 2], { generator: gen(75) });
    const lstm = new LSTM(2, 3, { numLayers: 2, bidirectional: true, generator: gen(76) });
    const f = (xi: Tensor, w: Tensor) =>
      withParam(lstm, 'weight_hh_l0_reverse', w, () => {
        const { output, c } = lstm.forward(xi);
        return output.sum(0).add(c.sum(0).sum(1, true));
      });
    const w = lstm.stateDict().weight_hh_l0_reverse as Tensor;
    expect((await gradcheck(f, [x, w], tol)).mismatches).toEqual([]);

    const gru = new GRU(2, 3, { numLayers: 2, batchFirst: true, generator: gen(77) });
    const h0 = randn([2, 3, 3], { generator: gen(78) });
    const g = (xi: Tensor, hi: Tensor) => {
      const { output, h } = gru.forward(xi, hi);
      return output.sum(1).add(h.sum(0));
    };
    expect((await gradcheck(g, [x, h0], tol)).mismatches).toEqual([]);
  });

  // The loss uses every output: autograd releases the graph nodes that backward
  // visits, so a node on a branch the loss never reads (say `c` when only
  // `output` is used) is only reclaimed by GC, not deterministically.
  it('backward reaches every parameter, and forward/backward leak nothing', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true, generator: gen(80) });
    const x = randn([5, 2, 3], { generator: gen(81) });
    const params = [...lstm.parameters()];
    const before = memory();
    for (let i = 0; i < 3; i++) {
      const { output, h, c } = lstm.forward(x);
      tidy(() => output.square().sum().add(h.sum()).add(c.sum()).backward());
      for (const t of [output, h, c]) t.dispose();
      expect(params.every((p) => p.grad !== undefined && vecOf(p.grad).some((v) => v !== 0))).toBe(true);
      zeroGrad(params);
      noGrad(() => {
        const first = lstm.forward(x);
        const r = lstm.forward(x, first);
        for (const t of [first.output, first.h, first.c, r.output, r.h, r.c]) t.dispose();
        tidy(() => {
          new GRU(3, 4, { numLayers: 2, bidirectional: true }).forward(x);
        });
      });
      expect(memory().numTensors).toBe(before.numTensors);
      expect(memory().numBytes).toBe(before.numBytes);
    }
  });
});

describe('RNN, LSTM, GRU: training', () => {
  it('an LSTM + Linear head learns the sum of a sequence (MSE < 0.01)', () => {
    const g = gen(90);
    const lstm = new LSTM(1, 16, { batchFirst: true, generator: g });
    const head = new Linear(16, 1, { generator: g });
    const params = [...lstm.parameters(), ...head.parameters()];
    // A hand-written Adam (the optim package is separate).
    const m = params.map((p) => p.mul(0));
    const v = params.map((p) => p.mul(0));
    const [lr, b1, b2, eps] = [0.03, 0.9, 0.999, 1e-8];
    const batch = (n: number) => {
      const x = randn([n, 5, 1], { generator: g }).mul(0.5);
      return { x, y: x.sum(1) }; // (n, 1)
    };
    const lossOf = (x: Tensor, y: Tensor) => {
      const { h } = lstm.forward(x); // (1, n, 16)
      return head.forward(h.squeeze(0)).sub(y).square().mean();
    };
    for (let step = 1; step <= 200; step++) {
      tidy(() => {
        const { x, y } = batch(32);
        lossOf(x, y).backward();
      });
      noGrad(() => {
        params.forEach((p, i) => {
          const grad = p.grad as Tensor;
          tidy(() => {
            const mi = (m[i] as Tensor).mul(b1).add(grad.mul(1 - b1));
            const vi = (v[i] as Tensor).mul(b2).add(grad.square().mul(1 - b2));
            const update = mi
              .div(1 - b1 ** step)
              .div(
                vi
                  .div(1 - b2 ** step)
                  .sqrt()
                  .add(eps),
              )
              .mul(lr);
            p.assign(p.sub(update));
            (m[i] as Tensor).assign(mi);
            (v[i] as Tensor).assign(vi);
          });
        });
      });
      zeroGrad(params);
    }
    const test = batch(256);
    const mse = noGrad(() => lossOf(test.x, test.y).itemSync()) as number;
    expect(mse).toBeLessThan(0.01);
  }, 30_000);
});
