import { philox4x32 } from './philox';

/**
 * A seeded random stream: a Philox key plus a counter of blocks used so far.
 * Each random op takes `ceil(n / 4)` blocks and advances the counter, so the
 * numbers depend only on the seed and the sequence of ops, not on the backend.
 */
export class Generator {
  #key: [number, number] = [0, 0];
  #counter = 0;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Seeds with an integer (up to 2^53) or a bigint (64 bits used). */
  manualSeed(seed: number | bigint): this {
    let s: bigint;
    if (typeof seed === 'bigint') s = BigInt.asUintN(64, seed);
    else if (Number.isSafeInteger(seed)) s = BigInt.asUintN(64, BigInt(seed));
    else throw new RangeError(`manualSeed: seed must be an integer or a bigint, got ${seed}`);
    this.#key = [Number(s & 0xffffffffn), Number(s >> 32n)];
    this.#counter = 0;
    return this;
  }

  /** Reserves `blocks` Philox blocks and returns the key and the first block's counter. */
  take(blocks: number): { key: readonly [number, number]; counter: number } {
    const counter = this.#counter;
    this.#counter += blocks;
    if (this.#counter > Number.MAX_SAFE_INTEGER) throw new RangeError('Generator: counter overflow; reseed it');
    return { key: this.#key, counter };
  }

  /** The state to save in a checkpoint: key words and counter. */
  getState(): { key: [number, number]; counter: number } {
    return { key: [...this.#key], counter: this.#counter };
  }

  setState(state: { key: readonly [number, number]; counter: number }): this {
    this.#key = [state.key[0] >>> 0, state.key[1] >>> 0];
    this.#counter = state.counter;
    return this;
  }

  /** A uint32 drawn on the host (for host-side choices such as shuffles). */
  nextUint32(): number {
    const { key, counter } = this.take(1);
    const out = new Uint32Array(4);
    philox4x32(key[0], key[1], counter % 2 ** 32, Math.floor(counter / 2 ** 32), out);
    return out[0] as number;
  }
}

/** The default generator that creation functions use when none is passed. */
export const defaultGenerator = new Generator(0);

/** Seeds the default generator, like torch.manual_seed. */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}
