/**
 * A small typed builder for WebAssembly modules: an optional imported memory,
 * functions (built with FunctionBuilder), and exports. It emits only the
 * sections this package needs: type, import, function, export, code.
 */
import { name, preamble, section, uleb, vec } from './encoding';
import { FunctionBuilder } from './function';
import type { ValType } from './opcodes';

export interface MemoryImport {
  readonly module: string;
  readonly name: string;
  /** Initial and maximum size in 64 KiB pages. */
  readonly initial: number;
  readonly maximum?: number;
  /** A shared memory (SharedArrayBuffer-backed); needs `maximum` and the threads feature. */
  readonly shared?: boolean;
}

interface FunctionEntry {
  readonly typeIndex: number;
  readonly body: FunctionBuilder;
}

const sectionId = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;

export class ModuleBuilder {
  readonly #types: string[] = [];
  readonly #typeBytes: number[][] = [];
  readonly #functions: FunctionEntry[] = [];
  readonly #exports: { name: string; index: number }[] = [];
  #memory: MemoryImport | undefined;

  /** Imports the module's one memory. Must come before any function is added. */
  importMemory(memory: MemoryImport): this {
    if (memory.shared && memory.maximum === undefined) throw new Error('wasm builder: a shared memory needs a maximum');
    this.#memory = memory;
    return this;
  }

  /**
   * Adds a function built by `build` and returns its index (for `call`).
   * A name exports it under that name.
   */
  func(
    exportName: string | undefined,
    params: readonly ValType[],
    results: readonly ValType[],
    build: (f: FunctionBuilder) => void,
  ): number {
    const body = new FunctionBuilder(params, results);
    build(body);
    const index = this.#functions.length;
    this.#functions.push({ typeIndex: this.#typeIndex(params, results), body });
    if (exportName !== undefined) this.#exports.push({ name: exportName, index });
    return index;
  }

  /** Exports an already-added function under another name. */
  export(exportName: string, funcIndex: number): this {
    this.#exports.push({ name: exportName, index: funcIndex });
    return this;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    const out: number[] = [...preamble];
    out.push(...section(sectionId.type, vec(this.#typeBytes)));
    const memory = this.#memory;
    if (memory) {
      const flags = (memory.maximum !== undefined ? 1 : 0) | (memory.shared ? 2 : 0);
      const limits = [flags, ...uleb(memory.initial), ...(memory.maximum !== undefined ? uleb(memory.maximum) : [])];
      const entry = [...name(memory.module), ...name(memory.name), 0x02, ...limits];
      out.push(...section(sectionId.import, vec([entry])));
    }
    out.push(...section(sectionId.function, vec(this.#functions.map((f) => uleb(f.typeIndex)))));
    out.push(...section(sectionId.export, vec(this.#exports.map((e) => [...name(e.name), 0x00, ...uleb(e.index)]))));
    out.push(...section(sectionId.code, vec(this.#functions.map((f) => f.body.encode()))));
    return new Uint8Array(out);
  }

  #typeIndex(params: readonly ValType[], results: readonly ValType[]): number {
    const key = `${params.join(',')}->${results.join(',')}`;
    const found = this.#types.indexOf(key);
    if (found >= 0) return found;
    this.#types.push(key);
    this.#typeBytes.push([0x60, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))]);
    return this.#types.length - 1;
  }
}
