/** Resize through core's `interpolate`, like torchvision's Resize (without antialiasing). */
import { interpolate, reshape, type Tensor, tidy } from '@strata/core';
import { checkImage, imageSize, type Transform } from './transform';

export interface ResizeOptions {
  /** 'bilinear' (default; float images) or 'nearest'. */
  interpolation?: 'bilinear' | 'nearest';
}

/** Output (h, w): a pair as is; one number sets the shorter edge and keeps the aspect ratio (longer = floor(size * long / short)). */
export function resizeTarget(h: number, w: number, size: number | readonly [number, number]): [number, number] {
  if (typeof size !== 'number') return [size[0], size[1]];
  if (h <= w) return [size, Math.floor((size * w) / h)];
  return [Math.floor((size * h) / w), size];
}

/**
 * Resizes the last two dims of an HW, CHW or NCHW image. Bilinear uses
 * PyTorch's `align_corners=False` sampling (torchvision's `antialias=False`).
 *
 * @example
 * new Resize([14, 14]).apply(image);  // (C, 14, 14)
 * new Resize(16).apply(image32x64);   // (C, 16, 32): shorter edge → 16
 */
export class Resize implements Transform {
  readonly size: number | readonly [number, number];
  readonly interpolation: 'bilinear' | 'nearest';

  constructor(size: number | readonly [number, number], options: ResizeOptions = {}) {
    const sizes = typeof size === 'number' ? [size] : size;
    if (sizes.length < 1 || sizes.length > 2 || !sizes.every((s) => Number.isInteger(s) && s >= 1))
      throw new RangeError(`Resize: size must be a positive integer or a pair of them, got ${JSON.stringify(size)}`);
    this.size = size;
    this.interpolation = options.interpolation ?? 'bilinear';
  }

  apply(x: Tensor): Tensor {
    checkImage(x, 'Resize');
    if (x.ndim > 4) throw new RangeError(`Resize: expected HW, CHW or NCHW, got shape [${x.shape.join(', ')}]`);
    const [h, w] = imageSize(x);
    const [oh, ow] = resizeTarget(h, w, this.size);
    if (oh < 1 || ow < 1) throw new RangeError(`Resize: ${h}x${w} to ${JSON.stringify(this.size)} gives an empty image`);
    return tidy(() => {
      const nchw = reshape(x, [
        x.ndim === 4 ? (x.shape[0] as number) : 1,
        x.ndim >= 3 ? (x.shape[x.ndim - 3] as number) : 1,
        h,
        w,
      ]);
      const y = interpolate(nchw, { size: [oh, ow], mode: this.interpolation });
      return reshape(y, [...x.shape.slice(0, -2), oh, ow]);
    });
  }
}
