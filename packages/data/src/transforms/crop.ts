/** Crops: RandomCrop (with optional padding) and CenterCrop, like torchvision's. */
import { clone, type Generator, pad, slice, type Tensor, tidy } from '@strata/core';
import { type RandomSource, resolveGenerator, uniforms } from '../random';
import { checkImage, imageSize, sizePair, type Transform } from './transform';

/** Border handling for padding: core's `pad` modes. */
export type PaddingMode = 'constant' | 'reflect' | 'replicate';

/** A (…, h, w) window of `x` starting at (top, left), as a new contiguous tensor. */
export function crop(x: Tensor, top: number, left: number, height: number, width: number): Tensor {
  checkImage(x, 'crop');
  const [h, w] = imageSize(x);
  if (top < 0 || left < 0 || top + height > h || left + width > w)
    throw new RangeError(`crop: window ${height}x${width} at (${top}, ${left}) does not fit an image of ${h}x${w}`);
  return tidy(() =>
    clone(
      slice(x, [
        ...new Array<null>(x.ndim - 2).fill(null),
        { start: top, end: top + height },
        { start: left, end: left + width },
      ]),
    ),
  );
}

/** Padding as core's `[left, right, top, bottom]` from torchvision's forms: n, [lr, tb] or [l, t, r, b]. */
function padding4(padding: number | readonly number[]): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding] : padding;
  const [l, t, r, b] =
    p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : p.length === 4 ? p : [];
  const out = [l, r, t, b];
  if (!out.every((v) => Number.isInteger(v) && (v as number) >= 0))
    throw new RangeError(`padding must be a non-negative integer, [lr, tb] or [l, t, r, b]; got ${JSON.stringify(padding)}`);
  return out as [number, number, number, number];
}

export interface RandomCropOptions extends RandomSource {
  /** Padding added before cropping: n (all sides), [left/right, top/bottom] or [left, top, right, bottom]. */
  padding?: number | readonly number[];
  /** Pad an image smaller than the crop up to its size (default false: error). */
  padIfNeeded?: boolean;
  /** Fill value for 'constant' padding (default 0). */
  fill?: number;
  /** Default 'constant'. */
  paddingMode?: PaddingMode;
}

/**
 * Crops a random `size` window (after optional padding). Offsets are uniform
 * over every position where the window fits: top in [0, H' - h], left in
 * [0, W' - w], drawn from the generator.
 *
 * @example
 * const crop = new RandomCrop(32, { padding: 4, seed: 0 }); // the CIFAR-10 augmentation
 * const y = crop.apply(image);                              // (3, 32, 32)
 */
export class RandomCrop implements Transform {
  readonly size: [number, number];
  readonly #padding: [number, number, number, number] | undefined;
  readonly #options: RandomCropOptions;
  readonly #generator: Generator;

  constructor(size: number | readonly [number, number], options: RandomCropOptions = {}) {
    this.size = sizePair(size, 'RandomCrop');
    this.#padding = options.padding === undefined ? undefined : padding4(options.padding);
    this.#options = options;
    this.#generator = resolveGenerator(options, 'RandomCrop');
  }

  /** The offsets the next `apply` on an (already padded) h x w image would use; advances the generator. */
  sampleOffsets(h: number, w: number): { top: number; left: number } {
    const [ch, cw] = this.size;
    const [u, v] = uniforms(this.#generator, 2) as unknown as [number, number];
    return { top: Math.floor(u * (h - ch + 1)), left: Math.floor(v * (w - cw + 1)) };
  }

  apply(x: Tensor): Tensor {
    checkImage(x, 'RandomCrop');
    const [ch, cw] = this.size;
    const mode = this.#options.paddingMode ?? 'constant';
    const padOptions = mode === 'constant' ? { mode, value: this.#options.fill ?? 0 } : { mode };
    return tidy(() => {
      const padding = this.#padding;
      let img = padding?.some((p) => p > 0) ? pad(x, padding, padOptions) : x;
      const [h, w] = imageSize(img);
      if (this.#options.padIfNeeded && (h < ch || w < cw)) {
        const dw = Math.max(0, cw - w);
        const dh = Math.max(0, ch - h);
        img = pad(img, [dw, dw, dh, dh], padOptions);
      }
      const [ph, pw] = imageSize(img);
      if (ph < ch || pw < cw)
        throw new RangeError(
          `RandomCrop: crop size ${ch}x${cw} is larger than the (padded) image ${ph}x${pw}; add padding or padIfNeeded`,
        );
      const { top, left } = this.sampleOffsets(ph, pw);
      return crop(img, top, left, ch, cw);
    });
  }
}

/** Python's round(): halves go to the even neighbour (torchvision's CenterCrop offsets use it). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Crops the central `size` window; an image smaller than the crop is first
 * zero-padded (extra pixel on the right/bottom), like torchvision. Offsets are
 * `round((H - h) / 2)` and `round((W - w) / 2)` with halves to even.
 *
 * @example
 * new CenterCrop(24).apply(image); // (C, 24, 24)
 */
export class CenterCrop implements Transform {
  readonly size: [number, number];

  constructor(size: number | readonly [number, number]) {
    this.size = sizePair(size, 'CenterCrop');
  }

  apply(x: Tensor): Tensor {
    checkImage(x, 'CenterCrop');
    const [ch, cw] = this.size;
    return tidy(() => {
      let img = x;
      const [h, w] = imageSize(x);
      if (h < ch || w < cw) {
        const dw = Math.max(0, cw - w);
        const dh = Math.max(0, ch - h);
        img = pad(x, [dw >> 1, (dw + 1) >> 1, dh >> 1, (dh + 1) >> 1]);
      }
      const [ph, pw] = imageSize(img);
      return crop(img, roundHalfEven((ph - ch) / 2), roundHalfEven((pw - cw) / 2), ch, cw);
    });
  }
}
