/**
 * Emits one function body as WebAssembly bytecode. Methods push instructions
 * in stack-machine order and return `this`, so emitting code reads like the
 * assembly it produces:
 *
 *   f.get(a).get(b).i32Add().set(c);       // c = a + b
 *
 * Branches name a `Label` returned by `block`/`loop` instead of a relative
 * depth; the builder counts the depth, so nesting can change without breaking
 * branch targets. Locals are typed handles from `local()` or the parameters.
 */
import { sleb, uleb } from './encoding';
import { blockTypeEmpty, bulk, op, type SimdOp, simd, type ValType, valType } from './opcodes';

/** A parameter or local variable of the function being built. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/** A branch target: the block or loop it was opened with. */
export interface Label {
  readonly level: number;
}

/** An i32 operand: a local, or a constant. */
export type I32Operand = Local | number;

export class FunctionBuilder {
  readonly params: readonly Local[];
  readonly #locals: ValType[] = [];
  readonly #code: number[] = [];
  #depth = 0;

  constructor(
    readonly paramTypes: readonly ValType[],
    readonly resultTypes: readonly ValType[],
  ) {
    this.params = paramTypes.map((type, index) => ({ index, type }));
  }

  /** A new local of `type` (zero-initialised, as the spec says). */
  local(type: ValType = valType.i32): Local {
    this.#locals.push(type);
    return { index: this.paramTypes.length + this.#locals.length - 1, type };
  }

  /** `count` new locals of one type. */
  locals(count: number, type: ValType = valType.i32): Local[] {
    return Array.from({ length: count }, () => this.local(type));
  }

  /** Appends raw bytes (an instruction with its immediates). */
  emit(...bytes: number[]): this {
    for (const b of bytes) this.#code.push(b);
    return this;
  }

  /** The encoded body: local declarations (grouped by runs of one type), code, `end`. */
  encode(): number[] {
    if (this.#depth !== 0) throw new Error(`wasm builder: ${this.#depth} block(s) left open`);
    const groups: [number, ValType][] = [];
    for (const t of this.#locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const decls = [...uleb(groups.length)];
    for (const [count, t] of groups) decls.push(...uleb(count), t);
    const body = [...decls, ...this.#code, op.end];
    return [...uleb(body.length), ...body];
  }

  // ---- structured control ----

  block(body: (label: Label) => void): this {
    return this.#structured(op.block, body);
  }

  loop(body: (label: Label) => void): this {
    return this.#structured(op.loop, body);
  }

  /** `if` on the i32 on the stack, with an optional `else` arm. */
  if(then: () => void, otherwise?: () => void): this {
    this.emit(op.if, blockTypeEmpty);
    this.#depth++;
    then();
    if (otherwise) {
      this.emit(op.else);
      otherwise();
    }
    this.#depth--;
    return this.emit(op.end);
  }

  br(label: Label): this {
    return this.emit(op.br, ...uleb(this.#relative(label)));
  }

  brIf(label: Label): this {
    return this.emit(op.brIf, ...uleb(this.#relative(label)));
  }

  return(): this {
    return this.emit(op.return);
  }

  call(funcIndex: number): this {
    return this.emit(op.call, ...uleb(funcIndex));
  }

  /**
   * `for (i = start; i < end; i += step) body()`, as a guarded do-while (one
   * compare per iteration). `end` is read each iteration; `step` must be positive.
   */
  for(i: Local, start: I32Operand, end: I32Operand, step: I32Operand, body: () => void): this {
    this.push(start).set(i);
    this.push(i).push(end).emit(op.i32LtS);
    return this.if(() => {
      this.loop((again) => {
        body();
        this.push(i).push(step).emit(op.i32Add).tee(i).push(end).emit(op.i32LtS).brIf(again);
      });
    });
  }

  // ---- locals and constants ----

  get(x: Local): this {
    return this.emit(op.localGet, ...uleb(x.index));
  }

  set(x: Local): this {
    return this.emit(op.localSet, ...uleb(x.index));
  }

  tee(x: Local): this {
    return this.emit(op.localTee, ...uleb(x.index));
  }

  i32(value: number): this {
    return this.emit(op.i32Const, ...sleb(value));
  }

  f32(value: number): this {
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    return this.emit(op.f32Const, ...bytes);
  }

  /** Pushes an i32 operand: a local's value or a constant. */
  push(x: I32Operand): this {
    return typeof x === 'number' ? this.i32(x) : this.get(x);
  }

  /** `dst = a <op> b` for an i32 binary opcode. */
  assign(dst: Local, a: I32Operand, opcode: number, b: I32Operand): this {
    return this.push(a).push(b).emit(opcode).set(dst);
  }

  /** `x += by`. */
  inc(x: Local, by: I32Operand): this {
    return this.assign(x, x, op.i32Add, by);
  }

  /** `dst = min(a, b)` (signed). */
  min(dst: Local, a: I32Operand, b: I32Operand): this {
    return this.push(a).push(b).push(a).push(b).emit(op.i32LtS, op.select).set(dst);
  }

  // ---- memory ----

  f32Load(offset = 0): this {
    return this.emit(op.f32Load, 2, ...uleb(offset));
  }

  f32Store(offset = 0): this {
    return this.emit(op.f32Store, 2, ...uleb(offset));
  }

  i32Load(offset = 0): this {
    return this.emit(op.i32Load, 2, ...uleb(offset));
  }

  i32Store(offset = 0): this {
    return this.emit(op.i32Store, 2, ...uleb(offset));
  }

  /** memory.fill(dest, value, bytes) from the stack. */
  memoryFill(): this {
    return this.emit(0xfc, ...uleb(bulk.memoryFill), 0x00);
  }

  /** memory.copy(dest, src, bytes) from the stack. */
  memoryCopy(): this {
    return this.emit(0xfc, ...uleb(bulk.memoryCopy), 0x00, 0x00);
  }

  // ---- SIMD ----

  simd(sub: SimdOp): this {
    return this.emit(0xfd, ...uleb(sub));
  }

  /** v128.load at address + offset; alignment hint 16 bytes is never required, so 4 (2^2) is declared. */
  v128Load(offset = 0): this {
    return this.simd(simd.v128Load).emit(2, ...uleb(offset));
  }

  v128Store(offset = 0): this {
    return this.simd(simd.v128Store).emit(2, ...uleb(offset));
  }

  /** Loads one f32 and splats it to all four lanes. */
  v128Load32Splat(offset = 0): this {
    return this.simd(simd.v128Load32Splat).emit(2, ...uleb(offset));
  }

  v128Zero(): this {
    return this.simd(simd.v128Const).emit(...new Array<number>(16).fill(0));
  }

  f32x4ExtractLane(lane: number): this {
    return this.simd(simd.f32x4ExtractLane).emit(lane);
  }

  #structured(opcode: number, body: (label: Label) => void): this {
    this.emit(opcode, blockTypeEmpty);
    this.#depth++;
    body({ level: this.#depth });
    this.#depth--;
    return this.emit(op.end);
  }

  #relative(label: Label): number {
    const rel = this.#depth - label.level;
    if (rel < 0) throw new Error('wasm builder: branch to a label that is not open');
    return rel;
  }
}
