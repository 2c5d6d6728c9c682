/**
 * `Module`: the base of every layer and model, shaped like PyTorch's so that
 * checkpoints load by name. Child modules and parameters are found from the
 * instance's own properties (a property holding a Module is a child, one
 * holding a `parameter(...)` tensor is a parameter, under the property's name);
 * buffers (running statistics) are registered explicitly with their PyTorch
 * names (`running_mean`), since they are not trainable and their names are
 * part of the checkpoint format.
 */
import { isTensor, noGradView, type Tensor } from './imports';
import { isParameter, parameter } from './parameter';

export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export class StateDictError extends Error {
  override name = 'StateDictError';
}

export abstract class Module {
  /** Whether the module is in training mode (dropout active, batch statistics used). */
  training = true;
  #buffers = new Map<string, Tensor | undefined>();
  #nonPersistent = new Set<string>();

  /** The short name printed by toString (the class name by default). */
  get typeName(): string {
    return this.constructor.name;
  }

  /** Extra text inside the parentheses of toString, like PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  /** Registers (or replaces) a buffer under its checkpoint name; `persistent: false` keeps it out of stateDict. */
  registerBuffer(name: string, value: Tensor | undefined, options: { persistent?: boolean } = {}): void {
    this.#buffers.set(name, value);
    if (options.persistent === false) this.#nonPersistent.add(name);
    else this.#nonPersistent.delete(name);
  }

  /** The buffer registered under `name`. */
  buffer(name: string): Tensor | undefined {
    return this.#buffers.get(name);
  }

  *namedChildren(): Generator<[string, Module]> {
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) yield [key, value];
    }
  }

  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [name, child] of this.namedChildren()) yield* child.namedModules(prefix ? `${prefix}.${name}` : name);
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** This module's own parameters (not its children's), by property name. */
  *ownParameters(): Generator<[string, Tensor]> {
    for (const [key, value] of Object.entries(this)) {
      if (isParameter(value)) yield [key, value];
    }
  }

  *namedParameters(prefix = '', recurse = true): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [modName, m] of recurse ? this.namedModules(prefix) : [[prefix, this] as [string, Module]]) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue; // shared (tied) parameters are listed once
        seen.add(p);
        yield [modName ? `${modName}.${name}` : name, p];
      }
    }
  }

  *parameters(recurse = true): Generator<Tensor> {
    for (const [, p] of this.namedParameters('', recurse)) yield p;
  }

  *namedBuffers(prefix = '', recurse = true): Generator<[string, Tensor]> {
    for (const [modName, m] of recurse ? this.namedModules(prefix) : [[prefix, this] as [string, Module]]) {
      for (const [name, b] of m.#buffers) if (b) yield [modName ? `${modName}.${name}` : name, b];
    }
  }

  *buffers(recurse = true): Generator<Tensor> {
    for (const [, b] of this.namedBuffers('', recurse)) yield b;
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Turns gradients on or off for every parameter (freezing). */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  /** Calls fn on every module (children first, then this), like PyTorch's apply. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Parameters and persistent buffers by dotted name (`layer1.0.conv1.weight`,
   * `bn1.running_mean`). The values are the module's own tensors: read or save
   * them, do not dispose them.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, m] of this.namedModules()) {
      const key = (k: string) => (name ? `${name}.${k}` : k);
      for (const [k, p] of m.ownParameters()) out[key(k)] = p;
      for (const [k, b] of m.#buffers) if (b && !m.#nonPersistent.has(k)) out[key(k)] = b;
    }
    return out;
  }

  /**
   * Copies values into the module's parameters and buffers by name (with
   * `assign`, so optimizers keep their references). Shape mismatches always
   * throw; with `strict` (the default) missing or unexpected keys throw too,
   * listing every one.
   */
  loadStateDict(state: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !(k in own));
    const mismatches: string[] = [];
    for (const [k, target] of Object.entries(own)) {
      const value = state[k];
      if (!value) continue;
      if (!isTensor(value)) {
        mismatches.push(`${k}: not a tensor`);
        continue;
      }
      if (value.shape.join(',') !== target.shape.join(',')) {
        mismatches.push(`${k}: checkpoint [${value.shape.join(', ')}] vs model [${target.shape.join(', ')}]`);
      }
    }
    const problems: string[] = [];
    if (mismatches.length > 0) problems.push(`size mismatch for ${mismatches.join('; ')}`);
    if ((options.strict ?? true) && missingKeys.length > 0) problems.push(`missing keys: ${missingKeys.join(', ')}`);
    if ((options.strict ?? true) && unexpectedKeys.length > 0) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    if (problems.length > 0) throw new StateDictError(`loadStateDict(${this.typeName}): ${problems.join('. ')}`);
    for (const [k, target] of Object.entries(own)) {
      const value = state[k];
      if (!value || value === target) continue;
      const cast = value.dtype === target.dtype ? value : value.to(target.dtype);
      const detached = noGradView(cast);
      target.assign(detached);
      detached.dispose();
      if (cast !== value) cast.dispose();
    }
    return { missingKeys, unexpectedKeys };
  }

  /** PyTorch-style module print. */
  toString(): string {
    const children = [...this.namedChildren()];
    const extra = this.extraRepr();
    if (children.length === 0) return `${this.typeName}(${extra})`;
    const lines = children.map(([name, child]) => `  (${name}): ${child.toString().split('\n').join('\n  ')}`);
    return `${this.typeName}(${extra ? `\n  ${extra}` : ''}\n${lines.join('\n')}\n)`;
  }

  /**
   * Moves every parameter and buffer to another backend (`await model.to('webgpu')`).
   * Create optimizers after moving: they hold the parameter tensors.
   */
  async to(backend: string): Promise<this> {
    for (const m of this.modules()) {
      for (const [key, p] of [...m.ownParameters()]) {
        if (p.backend.name === backend) continue;
        const moved = await p.to(backend);
        replaceParameter(m, key, moved, p.requiresGrad);
        p.dispose();
      }
      for (const [key, b] of [...m.#buffers]) {
        if (!b || b.backend.name === backend) continue;
        m.#buffers.set(key, await b.to(backend));
        b.dispose();
      }
    }
    return this;
  }

  /** Disposes every parameter and buffer of this module and its children. */
  dispose(): void {
    for (const p of this.parameters()) if (!p.isDisposed) p.dispose();
    for (const b of this.buffers()) if (!b.isDisposed) b.dispose();
  }
}

/** Re-marks a moved or replaced tensor as a parameter, keeping its requiresGrad. */
export function replaceParameter(owner: Module, key: string, value: Tensor, requiresGrad: boolean): void {
  (owner as unknown as Record<string, Tensor>)[key] = parameter(value, requiresGrad);
}
