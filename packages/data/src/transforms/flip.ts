/** Random flips, like torchvision's RandomHorizontalFlip / RandomVerticalFlip. */
import { contiguous, flip, type Generator, type Tensor } from '@strata/core';
import { type RandomSource, resolveGenerator, uniforms } from '../random';
import { checkImage, type Transform } from './transform';

class RandomFlip implements Transform {
  readonly p: number;
  readonly #axis: number;
  readonly #generator: Generator;
  readonly #name: string;

  constructor(name: string, axis: number, p: number, options: RandomSource) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: p must be in [0, 1], got ${p}`);
    this.p = p;
    this.#axis = axis;
    this.#name = name;
    this.#generator = resolveGenerator(options, name);
  }

  apply(x: Tensor): Tensor {
    checkImage(x, this.#name);
    // One draw per call, flipped or not, so the stream does not depend on p.
    const u = uniforms(this.#generator, 1)[0] as number;
    return u < this.p ? flip(x, this.#axis) : contiguous(x);
  }
}

/**
 * Mirrors the image left–right (last dim) with probability `p` (default 0.5).
 * When it does not fire, the result is a new handle on the same storage.
 *
 * @example
 * const hflip = new RandomHorizontalFlip(0.5, { seed: 0 });
 */
export class RandomHorizontalFlip extends RandomFlip {
  constructor(p = 0.5, options: RandomSource = {}) {
    super('RandomHorizontalFlip', -1, p, options);
  }
}

/**
 * Mirrors the image top–bottom (dim -2) with probability `p` (default 0.5).
 *
 * @example
 * const vflip = new RandomVerticalFlip(0.5, { generator });
 */
export class RandomVerticalFlip extends RandomFlip {
  constructor(p = 0.5, options: RandomSource = {}) {
    super('RandomVerticalFlip', -2, p, options);
  }
}
