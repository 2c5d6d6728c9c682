/** Sequential, ModuleList and ModuleDict: children named "0", "1", ... or by key, as in PyTorch. */
import type { Tensor } from './imports';
import { Module } from './module';

/** A module with a one-tensor-in, one-tensor-out forward. */
export interface UnaryModule extends Module {
  forward(x: Tensor): Tensor;
}

export class ModuleList<M extends Module = Module> extends Module {
  protected readonly items: M[];

  constructor(modules: Iterable<M> = []) {
    super();
    this.items = [...modules];
  }

  override *namedChildren(): Generator<[string, Module]> {
    for (const [i, m] of this.items.entries()) yield [String(i), m];
  }

  get length(): number {
    return this.items.length;
  }

  at(index: number): M {
    const m = this.items.at(index);
    if (!m) throw new RangeError(`${this.typeName}: index ${index} is out of range for ${this.items.length} modules`);
    return m;
  }

  append(module: M): this {
    this.items.push(module);
    return this;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}

/** Runs its modules in order: `new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1))`. */
export class Sequential extends ModuleList<UnaryModule> {
  constructor(...modules: UnaryModule[]) {
    super(modules);
  }

  forward(x: Tensor): Tensor {
    let out = x;
    for (const m of this.items) out = m.forward(out);
    return out;
  }
}

export class ModuleDict<M extends Module = Module> extends Module {
  readonly #items = new Map<string, M>();

  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    const entries = Symbol.iterator in modules ? [...(modules as Iterable<[string, M]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
  }

  override *namedChildren(): Generator<[string, Module]> {
    yield* this.#items;
  }

  get(key: string): M {
    const m = this.#items.get(key);
    if (!m) throw new RangeError(`ModuleDict: no module named '${key}' (have: ${[...this.#items.keys()].join(', ')})`);
    return m;
  }

  set(key: string, module: M): this {
    if (key.includes('.')) throw new RangeError(`ModuleDict: key '${key}' must not contain '.' (it separates state-dict names)`);
    this.#items.set(key, module);
    return this;
  }

  has(key: string): boolean {
    return this.#items.has(key);
  }

  keys(): IterableIterator<string> {
    return this.#items.keys();
  }
}
