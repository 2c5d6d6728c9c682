/**
 * The optimizer base class: parameter groups, per-parameter state, `step()`,
 * `zeroGrad()`, and state dicts in PyTorch's structure.
 *
 * Design note. Every update runs inside `noGrad(() => tidy(...))` and writes
 * parameters and state buffers with `assign`, so their handles stay stable (a
 * model, a scheduler or a checkpoint may hold them) and each step's temporaries
 * are released when it returns: a training loop holds `memory()` flat.
 * Hyperparameters enter the math as 0-d tensors (`k(value)` in the update
 * rules) rather than as constants folded into kernels: the lr and the bias
 * corrections change every step, and a folded constant would make backends
 * generate and cache a new kernel each time.
 */
import { zeroGrad as clearGrads, enableGrad, noGrad } from '@strata/autograd';
import { isFloat, isTensor, keep, type Tensor, tensor, tidy, zerosLike } from '@strata/core';
import { type GroupStateDict, type OptimizerStateDict, toCamelCase, toSnakeCase } from './state-dict';

export type { GroupStateDict, OptimizerStateDict } from './state-dict';

/** Options every optimizer has. */
export interface GroupOptions {
  lr: number;
}

/**
 * One parameter group: its tensors and its resolved options (PyTorch's
 * `param_groups[i]`). Schedulers change `lr` and may add keys of their own
 * (`initialLr`, `maxLr`, `maxMomentum` ...).
 */
export type ParamGroup<G extends GroupOptions = GroupOptions> = G & {
  params: Tensor[];
  /** The lr schedulers start from (PyTorch's `initial_lr`); set by the first scheduler. */
  initialLr?: number;
  [key: string]: unknown;
};

/** A group as given to a constructor or `addParamGroup`: its params and any options to override. */
export type ParamGroupInput<G extends GroupOptions = GroupOptions> = Partial<G> & {
  params: Iterable<Tensor>;
  [key: string]: unknown;
};

/** What optimizers accept: parameters (one group), or a list of groups. */
export type Params<G extends GroupOptions = GroupOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<G>>;

/** Per-parameter state: buffers (tensors, owned by the optimizer) and counters such as `step`. */
export type ParamState = { [key: string]: Tensor | number | undefined };

/** A hyperparameter as a 0-d tensor with the dtype and backend of the parameter being updated. */
export type Scalar = (value: number) => Tensor;

/** 0-d tensors for one step, one per (backend, dtype, value); the step's tidy() disposes them. */
class StepScalars {
  readonly #cache = new Map<object, Map<string, Tensor>>();

  get(value: number, like: Tensor): Tensor {
    let byValue = this.#cache.get(like.backend);
    if (!byValue) {
      byValue = new Map();
      this.#cache.set(like.backend, byValue);
    }
    const key = `${like.dtype}:${value}`;
    let t = byValue.get(key);
    if (!t) {
      t = tensor(value, { dtype: like.dtype, backend: like.backend });
      byValue.set(key, t);
    }
    return t;
  }
}

/** Throws a RangeError naming the optimizer and option unless `ok`. */
export function checkOption(ok: boolean, optimizer: string, option: string, value: unknown, expected: string): void {
  if (!ok) throw new RangeError(`${optimizer}: invalid ${option} ${JSON.stringify(value)}; expected ${expected}`);
}

/** Checks `betas` is a pair in [0, 1). */
export function checkBetas(optimizer: string, betas: readonly number[]): void {
  checkOption(betas.length === 2, optimizer, 'betas', betas, 'a pair [beta1, beta2]');
  betas.forEach((b, i) => {
    checkOption(b >= 0 && b < 1, optimizer, `betas[${i}]`, b, 'a value in [0, 1)');
  });
}

/**
 * Base class of every optimizer. Subclasses give the per-parameter rule
 * (`updateParameter`) and its initial state (`initState`); the base owns the
 * groups, the loop over parameters with a `.grad`, memory and state dicts.
 *
 * ```ts
 * const opt = new SGD([{ params: backbone }, { params: head, lr: 1e-2 }], { lr: 1e-3, momentum: 0.9 });
 * tidy(() => loss(model(x), y).backward());
 * opt.step();
 * opt.zeroGrad();
 * ```
 */
export abstract class Optimizer<G extends GroupOptions = GroupOptions, S extends ParamState = ParamState> {
  /** The options of groups that do not override them. */
  readonly defaults: Readonly<G>;
  readonly paramGroups: ParamGroup<G>[] = [];
  /** State per parameter, created lazily at its first update. */
  readonly state = new Map<Tensor, S>();
  /** The optimizer's name in messages. */
  readonly name: string;

  constructor(params: Params<G>, defaults: G, name: string) {
    this.name = name;
    this.defaults = defaults;
    if (isTensor(params)) {
      throw new TypeError(
        `${name}: params must be an iterable of Tensors or of parameter groups, not a single Tensor; wrap it: [t]`,
      );
    }
    const list: (Tensor | ParamGroupInput<G>)[] = [...params];
    if (list.length === 0) throw new RangeError(`${name}: got an empty parameter list`);
    if (list.every(isTensor)) this.addParamGroup({ params: list } as unknown as ParamGroupInput<G>);
    else if (list.some(isTensor)) {
      throw new TypeError(`${name}: params mixes Tensors and parameter groups; pass one or the other`);
    } else for (const group of list as ParamGroupInput<G>[]) this.addParamGroup(group);
  }

  /** Checks a group's resolved options; subclasses extend it with their own. */
  protected checkOptions(options: G): void {
    checkOption(options.lr >= 0, this.name, 'lr', options.lr, 'a number >= 0');
  }

  /** The state of a parameter before its first update (tensors are kept past the step's tidy). */
  protected abstract initState(param: Tensor, group: ParamGroup<G>): S;

  /** Updates one parameter in place (`param.assign(...)`), and its state buffers the same way. */
  protected abstract updateParameter(param: Tensor, grad: Tensor, state: S, group: ParamGroup<G>, k: Scalar): void;

  /** Whether a state entry is a scalar (a number here; PyTorch stores a 0-d tensor). */
  protected isScalarState(key: string): boolean {
    return key === 'step';
  }

  /** Adds a group; options it does not give take the optimizer's defaults. */
  addParamGroup(group: ParamGroupInput<G>): void {
    if (typeof group !== 'object' || group === null || !('params' in group)) {
      throw new TypeError(`${this.name}.addParamGroup: a group is an object { params, ...options }`);
    }
    if (isTensor(group.params)) {
      throw new TypeError(`${this.name}: a group's params must be an iterable of Tensors, not a single Tensor; wrap it: [t]`);
    }
    const params = [...group.params];
    const seen = new Set<Tensor>();
    params.forEach((p, i) => {
      if (!isTensor(p)) throw new TypeError(`${this.name}: params[${i}] is not a Tensor`);
      p.assertAlive(`${this.name}`);
      if (!isFloat(p.dtype)) {
        throw new TypeError(`${this.name}: can only optimize floating-point tensors, but params[${i}] is ${p.dtype}`);
      }
      if (!p.isLeaf) throw new TypeError(`${this.name}: can't optimize a non-leaf Tensor (params[${i}]); use detach()`);
      if (seen.has(p)) throw new RangeError(`${this.name}: a parameter group lists the same tensor twice (params[${i}])`);
      seen.add(p);
    });
    for (const other of this.paramGroups) {
      if (other.params.some((p) => seen.has(p))) {
        throw new RangeError(`${this.name}: some parameters appear in more than one parameter group`);
      }
    }
    const resolved: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.defaults)) resolved[key] = Array.isArray(value) ? [...value] : value;
    for (const [key, value] of Object.entries(group)) {
      if (key !== 'params' && value !== undefined) resolved[key] = Array.isArray(value) ? [...value] : value;
    }
    this.checkOptions(resolved as unknown as G);
    resolved.params = params;
    this.paramGroups.push(resolved as ParamGroup<G>);
  }

  /**
   * One optimization step over every parameter that has a `.grad` (others are
   * skipped). `closure`, if given, re-evaluates the model with gradients on and
   * its result is returned (as in PyTorch; needed by line-search optimizers).
   */
  step<T = undefined>(closure?: () => T): T | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() =>
      tidy(() => {
        const scalars = new StepScalars();
        for (const group of this.paramGroups) {
          for (const param of group.params) {
            const grad = param.grad;
            if (!grad) continue;
            let state = this.state.get(param);
            if (!state) {
              state = this.initState(param, group);
              for (const value of Object.values(state)) if (isTensor(value)) keep(value);
              this.state.set(param, state);
            }
            this.updateParameter(param, grad, state, group, (value) => scalars.get(value, param));
          }
        }
      }),
    );
    return loss;
  }

  /**
   * Clears the gradients of every parameter: `.grad = undefined` (default,
   * PyTorch's set_to_none), or with `setToNone: false` fills each `.grad` with
   * zeros in place (the same handle, as torch's `grad.zero_()`).
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    if (options.setToNone ?? true) {
      for (const group of this.paramGroups) clearGrads(group.params);
      return;
    }
    noGrad(() =>
      tidy(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) p.grad?.assign(zerosLike(p.grad));
        }
      }),
    );
  }

  /**
   * The optimizer's state in PyTorch's structure: `state` keyed by parameter
   * index across groups, `param_groups` with snake_case options and `params` as
   * index lists. State tensors are the optimizer's live buffers (clone them for
   * a snapshot; do not dispose them); `step` is a number.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group)) {
        if (key !== 'params') packed[toSnakeCase(key)] = Array.isArray(value) ? [...value] : value;
      }
      packed.params = group.params.map((p) => {
        const i = index.size;
        index.set(p, i);
        return i;
      });
      return packed as GroupStateDict;
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [param, entry] of this.state) {
      const i = index.get(param);
      if (i === undefined) continue;
      const packed: Record<string, Tensor | number> = {};
      for (const [key, value] of Object.entries(entry)) if (value !== undefined) packed[key] = value;
      state[i] = packed;
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Loads a state dict from `stateDict()` (or converted from PyTorch): group
   * options replace the current ones, state tensors are copied (cast to each
   * parameter's dtype), 0-d `step` tensors become numbers.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const saved = stateDict.param_groups;
    const where = `${this.name}.loadStateDict`;
    if (!Array.isArray(saved) || saved.length !== this.paramGroups.length) {
      throw new RangeError(
        `${where}: the state dict has ${Array.isArray(saved) ? saved.length : 'no'} parameter groups, the optimizer ${this.paramGroups.length}`,
      );
    }
    const byIndex = new Map<number, Tensor>();
    saved.forEach((group, i) => {
      const mine = (this.paramGroups[i] as ParamGroup<G>).params;
      if (!Array.isArray(group.params) || group.params.length !== mine.length) {
        throw new RangeError(
          `${where}: parameter group ${i} has ${group.params?.length} parameters in the state dict, ${mine.length} in the optimizer`,
        );
      }
      group.params.forEach((id, j) => {
        byIndex.set(id, mine[j] as Tensor);
      });
    });
    const fresh = new Map<Tensor, S>();
    try {
      for (const [id, entry] of Object.entries(stateDict.state)) {
        const param = byIndex.get(Number(id));
        if (!param) throw new RangeError(`${where}: state for parameter ${id}, which no parameter group lists`);
        const loaded: ParamState = {};
        fresh.set(param, loaded as S);
        for (const [key, value] of Object.entries(entry))
          loaded[key] = this.loadStateValue(param, key, value, `${where}: state[${id}].${key}`);
      }
    } catch (error) {
      for (const s of fresh.values()) for (const v of Object.values(s)) if (isTensor(v)) v.dispose();
      throw error;
    }
    saved.forEach((group, i) => {
      const mine = this.paramGroups[i] as Record<string, unknown>;
      for (const [key, value] of Object.entries(group)) {
        if (key !== 'params') mine[toCamelCase(key)] = Array.isArray(value) ? [...value] : value;
      }
    });
    this.disposeState();
    for (const [param, s] of fresh) this.state.set(param, s);
  }

  private loadStateValue(param: Tensor, key: string, value: unknown, where: string): Tensor | number {
    if (typeof value === 'number') return value;
    if (!isTensor(value)) throw new TypeError(`${where}: expected a Tensor or a number, got ${typeof value}`);
    if (this.isScalarState(key)) {
      if (value.size !== 1) throw new RangeError(`${where}: expected one value, got a tensor of shape [${value.shape}]`);
      return Number(value.dataSync()[0]);
    }
    if (value.shape.length !== param.shape.length || value.shape.some((d, i) => d !== param.shape[i])) {
      throw new RangeError(`${where}: shape [${value.shape}] does not match the parameter's [${param.shape}]`);
    }
    if (value.backend !== param.backend) {
      throw new TypeError(`${where}: lives on '${value.backend.name}', the parameter on '${param.backend.name}'; move it first`);
    }
    return keep(noGrad(() => (value.dtype === param.dtype ? value.clone() : value.to(param.dtype))));
  }

  private disposeState(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (isTensor(v) && !v.isDisposed) v.dispose();
    this.state.clear();
  }

  /** Releases the state buffers (the parameters are not touched). */
  dispose(): void {
    this.disposeState();
  }
}
