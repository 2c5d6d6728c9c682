/** Normalize: per-channel (x - mean) / std, like torchvision's Normalize. */
import { div, fromStorageArray, isFloat, sub, type Tensor, tidy } from '@strata/core';
import { checkImage, type Transform } from './transform';

/**
 * Subtracts `mean[c]` and divides by `std[c]` along the channel dim of a
 * float (C, H, W) image or (N, C, H, W) batch; a single number (or one-element
 * list) applies to every channel and to HW images.
 *
 * @example
 * new Normalize([0.1307], [0.3081]).apply(image);                    // MNIST statistics
 * new Normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]);    // CIFAR-10
 */
export class Normalize implements Transform {
  readonly mean: readonly number[];
  readonly std: readonly number[];

  constructor(mean: number | readonly number[], std: number | readonly number[]) {
    this.mean = typeof mean === 'number' ? [mean] : [...mean];
    this.std = typeof std === 'number' ? [std] : [...std];
    if (this.mean.length === 0 || this.mean.length !== this.std.length)
      throw new RangeError(
        `Normalize: mean and std need the same, non-zero length; got ${this.mean.length} and ${this.std.length}`,
      );
    this.std.forEach((s, c) => {
      if (!(s !== 0 && Number.isFinite(s))) throw new RangeError(`Normalize: std must be finite and non-zero; std[${c}] is ${s}`);
    });
    this.mean.forEach((m, c) => {
      if (!Number.isFinite(m)) throw new RangeError(`Normalize: mean must be finite; mean[${c}] is ${m}`);
    });
  }

  apply(x: Tensor): Tensor {
    checkImage(x, 'Normalize');
    if (!isFloat(x.dtype)) throw new TypeError(`Normalize: needs a float image, got ${x.dtype}; apply ToTensor first`);
    const n = this.mean.length;
    if (n === 1) return tidy(() => div(sub(x, this.mean[0] as number), this.std[0] as number));
    const channels = x.ndim >= 3 ? (x.shape[x.ndim - 3] as number) : 1;
    if (x.ndim < 3 || channels !== n)
      throw new RangeError(
        `Normalize: ${n} means/stds need an image with ${n} channels in dim -3, got shape [${x.shape.join(', ')}]`,
      );
    return tidy(() => {
      const shape = [n, 1, 1];
      const mean = fromStorageArray(Float32Array.from(this.mean), shape, 'float32', x.backend);
      const std = fromStorageArray(Float32Array.from(this.std), shape, 'float32', x.backend);
      return div(sub(x, mean), std);
    });
  }
}
