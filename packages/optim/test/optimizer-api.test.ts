import { zeroGrad } from '@strata/autograd';
import { loadSafetensors, memory, saveSafetensors, type Tensor, tensor, tidy } from '@strata/core';
import { describe, expect, it } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  NAdam,
  type Optimizer,
  type OptimizerStateDict,
  RMSprop,
  SGD,
} from '../src/index';
import { A, B, expectTrajectory, makeParam, quadraticLoss, referenceQuadratic, W0 } from './helpers';
import { adamRule, sgdRule } from './reference-rules';

function backwardQuadratic(...params: Tensor[]): void {
  tidy(() => {
    let loss = quadraticLoss(params[0] as Tensor);
    for (const p of params.slice(1)) loss = loss.add(quadraticLoss(p));
    loss.backward();
  });
}

describe('param groups', () => {
  it('SGD: each group uses its own lr, other options from the defaults', () => {
    const w1 = makeParam();
    const w2 = makeParam();
    const opt = new SGD([{ params: [w1] }, { params: [w2], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
    expect(opt.paramGroups[1]?.momentum).toBe(0.9);
    const traj1: number[][] = [];
    const traj2: number[][] = [];
    for (let t = 0; t < 3; t++) {
      backwardQuadratic(w1, w2);
      opt.step();
      opt.zeroGrad();
      traj1.push(Array.from(w1.dataSync()));
      traj2.push(Array.from(w2.dataSync()));
    }
    expectTrajectory(traj1, referenceQuadratic(sgdRule({ lr: 0.1, momentum: 0.9 })));
    expectTrajectory(traj2, referenceQuadratic(sgdRule({ lr: 0.5, momentum: 0.9 })));
  });

  it('Adam: groups with different lr and betas; addParamGroup; lr changed between steps', () => {
    const w1 = makeParam();
    const w2 = makeParam();
    const opt = new Adam([w1], { lr: 0.1 });
    opt.addParamGroup({ params: [w2], lr: 0.01, betas: [0.5, 0.9] });
    expect(opt.paramGroups[1]?.eps).toBe(1e-8);
    const traj1: number[][] = [];
    const traj2: number[][] = [];
    for (let t = 0; t < 3; t++) {
      backwardQuadratic(w1, w2);
      opt.step();
      opt.zeroGrad();
      traj1.push(Array.from(w1.dataSync()));
      traj2.push(Array.from(w2.dataSync()));
    }
    expectTrajectory(traj1, referenceQuadratic(adamRule({ lr: 0.1 })));
    expectTrajectory(traj2, referenceQuadratic(adamRule({ lr: 0.01, betas: [0.5, 0.9] })));
  });

  it('rejects bad parameter lists and options with clear errors', () => {
    const w = makeParam();
    expect(() => new SGD([])).toThrow(/empty parameter list/);
    expect(() => new SGD(w as unknown as Tensor[])).toThrow(/not a single Tensor/);
    expect(() => new SGD([w, w])).toThrow(/same tensor twice/);
    expect(() => new SGD([{ params: [w] }, { params: [w] }])).toThrow(/more than one parameter group/);
    expect(() => new SGD([tensor([1, 2])])).toThrow(/floating-point/);
    expect(() => new SGD([w], { lr: -1 })).toThrow(/SGD: invalid lr -1/);
    expect(() => new SGD([w], { nesterov: true })).toThrow(/nesterov/);
    expect(() => new Adam([w], { betas: [0.9, 1] })).toThrow(/betas\[1\]/);
    expect(() => new Adam([{ params: [w], eps: -1 }])).toThrow(/Adam: invalid eps/);
    expect(() => new Adadelta([w], { rho: 1.5 })).toThrow(/rho/);
    expect(() => new RMSprop([w], { alpha: -0.1 })).toThrow(/alpha/);
    expect(() => new Adagrad([w], { lrDecay: -1 })).toThrow(/lrDecay/);
    expect(() => new NAdam([w], { momentumDecay: -1 })).toThrow(/momentumDecay/);
    const nonLeaf = tidy(() => w.mul(2));
    expect(() => new SGD([nonLeaf])).toThrow(/non-leaf/);
  });
});

describe('step and zeroGrad', () => {
  it('skips parameters without a gradient (no state is created for them)', () => {
    const used = makeParam();
    const unused = makeParam();
    const opt = new Adam([used, unused], { lr: 0.1 });
    backwardQuadratic(used);
    opt.step();
    expect(Array.from(unused.dataSync())).toEqual(W0);
    expect(Array.from(used.dataSync())).not.toEqual(W0);
    expect(opt.state.has(unused)).toBe(false);
    expect(opt.state.get(used)?.step).toBe(1);
  });

  it('keeps the parameter handles: assign swaps storage, the tensor objects stay', () => {
    const w = makeParam();
    const opt = new SGD([w], { lr: 0.1 });
    const version = w.version;
    backwardQuadratic(w);
    opt.step();
    expect(opt.paramGroups[0]?.params[0]).toBe(w);
    expect(w.version).toBeGreaterThan(version);
    expect(w.requiresGrad).toBe(true);
  });

  it('zeroGrad sets .grad to undefined by default, or to zeros with setToNone: false', () => {
    const w = makeParam();
    const opt = new SGD([w], { lr: 0.1 });
    backwardQuadratic(w);
    expect(Array.from(w.grad?.dataSync() ?? [])).toEqual(A.map((a, i) => a * (W0[i] as number) + (B[i] as number)));
    const handle = w.grad;
    opt.zeroGrad({ setToNone: false });
    expect(w.grad).toBe(handle);
    expect(Array.from(w.grad?.dataSync() ?? [])).toEqual([0, 0, 0, 0]);
    backwardQuadratic(w);
    expect(Array.from(w.grad?.dataSync() ?? [])).toEqual(A.map((a, i) => a * (W0[i] as number) + (B[i] as number)));
    opt.zeroGrad();
    expect(w.grad).toBeUndefined();
  });

  it('step(closure) evaluates the closure with gradients on and returns its result', () => {
    const w = makeParam();
    const opt = new SGD([w], { lr: 0.1 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      return tidy(() => {
        const l = quadraticLoss(w);
        l.backward();
        return l.itemSync();
      });
    });
    const expected =
      0.5 * A.reduce((s, a, i) => s + a * (W0[i] as number) ** 2, 0) + B.reduce((s, b, i) => s + b * (W0[i] as number), 0);
    expect(loss).toBeCloseTo(expected, 5);
    expectTrajectory([Array.from(w.dataSync())], referenceQuadratic(sgdRule({ lr: 0.1 }), 1));
  });
});

const makers: [string, (p: Tensor[]) => Optimizer][] = [
  ['SGD', (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true })],
  ['Adam', (p) => new Adam(p, { lr: 0.1, amsgrad: true })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.1 })],
  ['Adamax', (p) => new Adamax(p, { lr: 0.1 })],
  ['NAdam', (p) => new NAdam(p, { lr: 0.1 })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.1 })],
  ['RMSprop', (p) => new RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true })],
  ['Adadelta', (p) => new Adadelta(p, { lr: 0.5 })],
];

describe('stateDict / loadStateDict', () => {
  for (const [name, make] of makers) {
    it(`${name}: a loaded state dict continues identically`, () => {
      const w = makeParam();
      const original = make([w]);
      for (let t = 0; t < 2; t++) {
        backwardQuadratic(w);
        original.step();
        original.zeroGrad();
      }
      const sd = original.stateDict();
      expect(sd.param_groups).toHaveLength(1);
      expect(sd.param_groups[0]?.params).toEqual([0]);
      expect(Object.keys(sd.state)).toEqual(['0']);
      // Options survive JSON (the tensors would travel as safetensors).
      const groups = JSON.parse(JSON.stringify(sd.param_groups)) as OptimizerStateDict['param_groups'];
      const copy = makeParam(Array.from(w.dataSync()));
      const resumed = make([copy]);
      resumed.paramGroups[0]!.lr = 123;
      resumed.loadStateDict({ state: sd.state, param_groups: groups });
      expect(resumed.paramGroups[0]?.lr).toBe(original.paramGroups[0]?.lr);
      for (let t = 0; t < 3; t++) {
        backwardQuadratic(w, copy);
        original.step();
        resumed.step();
        zeroGrad([w, copy]);
      }
      expect(Array.from(copy.dataSync())).toEqual(Array.from(w.dataSync()));
      original.dispose();
      resumed.dispose();
    });
  }

  it("has PyTorch's structure: snake_case options, params as indices across groups, named state buffers", () => {
    const w1 = makeParam();
    const w2 = makeParam();
    const w3 = makeParam();
    const opt = new Adam([{ params: [w1, w2] }, { params: [w3], lr: 0.01, weightDecay: 0.1 }], { amsgrad: true });
    backwardQuadratic(w1, w3);
    opt.step();
    const sd = opt.stateDict();
    expect(sd.param_groups).toEqual([
      {
        lr: 0.001,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weight_decay: 0,
        amsgrad: true,
        maximize: false,
        decoupled_weight_decay: false,
        params: [0, 1],
      },
      {
        lr: 0.01,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weight_decay: 0.1,
        amsgrad: true,
        maximize: false,
        decoupled_weight_decay: false,
        params: [2],
      },
    ]);
    expect(Object.keys(sd.state).sort()).toEqual(['0', '2']);
    expect(Object.keys(sd.state[2] ?? {}).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    expect(sd.state[2]?.step).toBe(1);
    // Indices map back to the parameters in group order.
    const [v1, v2, v3] = [makeParam(), makeParam(), makeParam()];
    const other = new Adam([{ params: [v1, v2] }, { params: [v3] }]);
    other.loadStateDict(sd);
    expect(other.paramGroups[1]?.weightDecay).toBe(0.1);
    expect(other.state.has(v2)).toBe(false);
    const loaded = other.state.get(v3)?.exp_avg;
    expect(loaded).not.toBe(sd.state[2]?.exp_avg);
    const source = sd.state[2]?.exp_avg as Tensor;
    expect(Array.from(loaded?.dataSync() ?? [])).toEqual(Array.from(source.dataSync()));
  });

  it('round-trips through safetensors + JSON, and accepts PyTorch-style 0-d step tensors', async () => {
    const w = makeParam();
    const opt = new NAdam([w], { lr: 0.1 });
    for (let t = 0; t < 2; t++) {
      backwardQuadratic(w);
      opt.step();
      opt.zeroGrad();
    }
    const sd = opt.stateDict();
    const record: Record<string, Tensor> = {};
    const scalars: Record<string, number> = {};
    for (const [id, entry] of Object.entries(sd.state)) {
      for (const [key, value] of Object.entries(entry)) {
        if (typeof value === 'number') scalars[`${id}.${key}`] = value;
        else record[`state.${id}.${key}`] = value;
      }
    }
    const bytes = await saveSafetensors(record);
    const json = JSON.stringify({ param_groups: sd.param_groups, scalars });
    const { tensors } = loadSafetensors(bytes);
    const meta = JSON.parse(json) as { param_groups: OptimizerStateDict['param_groups']; scalars: Record<string, number> };
    const state: OptimizerStateDict['state'] = {};
    for (const [name, t] of Object.entries(tensors)) {
      const [, id, key] = name.split('.') as [string, string, string];
      state[Number(id)] = { ...state[Number(id)], [key]: t };
    }
    for (const [name, value] of Object.entries(meta.scalars)) {
      const [id, key] = name.split('.') as [string, string];
      // PyTorch keeps step and mu_product as 0-d float32 tensors.
      state[Number(id)] = { ...state[Number(id)], [key]: tensor(value, { dtype: 'float32' }) };
    }
    const copy = makeParam(Array.from(w.dataSync()));
    const resumed = new NAdam([copy], { lr: 0.5 });
    resumed.loadStateDict({ state, param_groups: meta.param_groups });
    expect(resumed.state.get(copy)?.step).toBe(2);
    for (let t = 0; t < 3; t++) {
      backwardQuadratic(w, copy);
      opt.step();
      resumed.step();
      zeroGrad([w, copy]);
    }
    const a = Array.from(w.dataSync());
    const b = Array.from(copy.dataSync());
    // mu_product went through float32 (as in PyTorch), so allow float32 rounding.
    b.forEach((v, i) => {
      expect(v).toBeCloseTo(a[i] as number, 6);
    });
  });

  it('rejects a state dict that does not fit, and leaves the optimizer unchanged', () => {
    const w = makeParam();
    const opt = new Adam([w], { lr: 0.1 });
    backwardQuadratic(w);
    opt.step();
    const sd = opt.stateDict();
    const other = new Adam([makeParam(), makeParam()]);
    expect(() => other.loadStateDict(sd)).toThrow(/parameter group 0 has 1 parameters in the state dict, 2 in the optimizer/);
    const small = new Adam([tensor([1, 2], { dtype: 'float32' }).requiresGrad_()]);
    const before = memory().numTensors;
    expect(() => small.loadStateDict(sd)).toThrow(/shape \[4\] does not match the parameter's \[2\]/);
    expect(memory().numTensors).toBe(before);
    expect(small.paramGroups[0]?.lr).toBe(0.001);
  });

  it('dispose() releases the state buffers', () => {
    const w = makeParam();
    const opt = new RMSprop([w], { momentum: 0.9, centered: true });
    const before = memory().numTensors;
    backwardQuadratic(w);
    opt.step();
    opt.zeroGrad();
    expect(memory().numTensors).toBe(before + 3);
    opt.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
