/**
 * Character-level text: a tokenizer whose vocabulary is the sorted set of
 * characters (code points) of a text, and a dataset of (input, target)
 * windows shifted by one — the setup of char-RNN and nanoGPT's shakespeare_char.
 */
import { fromStorageArray, isTensor, type Tensor } from '@strata/core';
import type { Collated } from './collate';
import { checkIndex, type Dataset } from './dataset';

export interface CharTokenizerOptions {
  /** A character that unknown characters encode to (added to the vocabulary). Without it, unknown characters throw. */
  unk?: string;
}

/**
 * Maps characters to ids 0..vocabSize-1 (sorted by code point) and back.
 *
 * @example
 * const tok = CharTokenizer.fromText('hello world');
 * tok.vocab;                  // [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']
 * tok.encode('hold');         // Int32Array [3, 5, 4, 1]
 * tok.decode(tok.encode('hold')); // 'hold'
 */
export class CharTokenizer {
  readonly vocab: readonly string[];
  readonly unk: string | undefined;
  readonly #ids: ReadonlyMap<string, number>;

  constructor(vocab: readonly string[], options: CharTokenizerOptions = {}) {
    const chars = [...vocab];
    if (options.unk !== undefined) {
      if ([...options.unk].length !== 1)
        throw new RangeError(`CharTokenizer: unk must be one character, got ${JSON.stringify(options.unk)}`);
      if (!chars.includes(options.unk)) chars.push(options.unk);
    }
    const ids = new Map<string, number>();
    chars.forEach((c, i) => {
      if ([...c].length !== 1)
        throw new RangeError(`CharTokenizer: vocabulary entry ${i} is ${JSON.stringify(c)}, not one character`);
      if (ids.has(c)) throw new RangeError(`CharTokenizer: ${JSON.stringify(c)} appears twice in the vocabulary`);
      ids.set(c, i);
    });
    this.vocab = chars;
    this.unk = options.unk;
    this.#ids = ids;
  }

  /** The sorted unique characters of `text` (plus `unk`, if given and new, at the end). */
  static fromText(text: string, options: CharTokenizerOptions = {}): CharTokenizer {
    const unique = [...new Set(text)].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number));
    return new CharTokenizer(unique, options);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** The id of one character. */
  id(char: string): number {
    const id = this.#ids.get(char) ?? (this.unk === undefined ? undefined : this.#ids.get(this.unk));
    if (id === undefined)
      throw new RangeError(
        `CharTokenizer: character ${JSON.stringify(char)} (U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}) is not in the vocabulary; build it from text that contains it, or pass { unk }`,
      );
    return id;
  }

  /** Ids of every character (code point) of `text`. */
  encode(text: string): Int32Array {
    const chars = [...text];
    const out = new Int32Array(chars.length);
    chars.forEach((c, i) => {
      try {
        out[i] = this.id(c);
      } catch (error) {
        if (error instanceof RangeError) throw new RangeError(`${error.message} (at character ${i})`);
        throw error;
      }
    });
    return out;
  }

  /** The text of `ids` (an array, typed array, or int32 tensor read synchronously). */
  decode(ids: ArrayLike<number> | Tensor): string {
    const values: ArrayLike<number> = isTensor(ids) ? ids.dataSync() : ids;
    let out = '';
    for (let i = 0; i < values.length; i++) {
      const c = this.vocab[values[i] as number];
      if (c === undefined)
        throw new RangeError(`CharTokenizer.decode: id ${values[i]} (position ${i}) is outside 0..${this.vocabSize - 1}`);
      out += c;
    }
    return out;
  }
}

/**
 * Every window of `blockSize + 1` tokens as an (input, target) pair: input is
 * tokens [i, i + blockSize), target is tokens [i + 1, i + blockSize + 1), both
 * int32 (blockSize). There are `tokens - blockSize` items.
 *
 * @example
 * const ds = new CharDataset(text, 64);               // builds a CharTokenizer from text
 * const [x, y] = ds.get(0);                          // (64), (64); y is x shifted left by one
 * const loader = new DataLoader(ds, { batchSize: 32, shuffle: true, seed: 0 }); // (32, 64) pairs
 */
export class CharDataset implements Dataset<[Tensor, Tensor]> {
  readonly tokenizer: CharTokenizer;
  readonly tokens: Int32Array;
  readonly blockSize: number;

  constructor(text: string, blockSize: number, options: { tokenizer?: CharTokenizer } = {}) {
    if (!Number.isSafeInteger(blockSize) || blockSize < 1)
      throw new RangeError(`CharDataset: blockSize must be a positive integer, got ${blockSize}`);
    this.tokenizer = options.tokenizer ?? CharTokenizer.fromText(text);
    this.tokens = this.tokenizer.encode(text);
    this.blockSize = blockSize;
    if (this.tokens.length <= blockSize)
      throw new RangeError(
        `CharDataset: the text has ${this.tokens.length} characters; it needs more than blockSize (${blockSize})`,
      );
  }

  get length(): number {
    return this.tokens.length - this.blockSize;
  }

  get(index: number): [Tensor, Tensor] {
    checkIndex(index, this.length, 'CharDataset.get');
    const t = this.blockSize;
    return [
      fromStorageArray(this.tokens.slice(index, index + t), [t], 'int32'),
      fromStorageArray(this.tokens.slice(index + 1, index + t + 1), [t], 'int32'),
    ];
  }

  /** A batch of windows in one upload each: (B, blockSize) inputs and targets. */
  getBatch(indices: readonly number[]): Collated<[Tensor, Tensor]> {
    const t = this.blockSize;
    const x = new Int32Array(indices.length * t);
    const y = new Int32Array(indices.length * t);
    indices.forEach((index, k) => {
      checkIndex(index, this.length, 'CharDataset.getBatch');
      x.set(this.tokens.subarray(index, index + t), k * t);
      y.set(this.tokens.subarray(index + 1, index + t + 1), k * t);
    });
    return [fromStorageArray(x, [indices.length, t], 'int32'), fromStorageArray(y, [indices.length, t], 'int32')];
  }
}
