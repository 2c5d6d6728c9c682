/**
 * ToTensor: 8-bit image data (HWC interleaved or HW) → float32 CHW in [0, 1],
 * like torchvision's ToTensor.
 */
import { fromStorageArray, isFloat, isTensor, permute, type Tensor, tidy, unsqueeze } from '@strata/core';
import type { Transform } from './transform';

/**
 * Raw pixels, row-major and channel-interleaved (HWC), values 0..255 — the
 * layout of a browser `ImageData` (RGBA), a decoded PNG, or a CIFAR/MNIST
 * record converted to HWC. `channels` defaults to `data.length / (width * height)`.
 */
export interface ImageLike {
  readonly data: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
  readonly channels?: number;
}

/** What ToTensor accepts: pixel data, nested arrays HW / HWC of 0..255, or a HW / HWC tensor. */
export type ImageInput = ImageLike | readonly (readonly number[])[] | readonly (readonly (readonly number[])[])[] | Tensor;

function fromPixels(image: ImageLike): Tensor {
  const { data, width: w, height: h } = image;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1)
    throw new RangeError(`ToTensor: width and height must be positive integers, got ${w}x${h}`);
  const c = image.channels ?? data.length / (w * h);
  if (!Number.isInteger(c) || c < 1 || data.length !== w * h * c)
    throw new RangeError(
      `ToTensor: ${data.length} values do not make a ${h}x${w} image${image.channels ? ` with ${image.channels} channels` : ''} (HWC layout)`,
    );
  const plane = w * h;
  const out = new Float32Array(plane * c);
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < c; k++) {
      const v = data[p * c + k] as number;
      if (!(v >= 0 && v <= 255))
        throw new RangeError(`ToTensor: pixel values must be in 0..255, got ${v} at pixel ${p}, channel ${k}`);
      out[k * plane + p] = v / 255;
    }
  }
  return fromStorageArray(out, [c, h, w], 'float32');
}

function fromNested(rows: readonly (readonly number[])[] | readonly (readonly (readonly number[])[])[]): Tensor {
  const h = rows.length;
  const w = rows[0]?.length ?? 0;
  const first = rows[0]?.[0];
  const c = Array.isArray(first) ? first.length : 1;
  const data = new Array<number>(h * w * c);
  rows.forEach((row, y) => {
    if (row.length !== w) throw new RangeError(`ToTensor: row ${y} has ${row.length} pixels, row 0 has ${w}`);
    row.forEach((pixel: number | readonly number[], x: number) => {
      const values = typeof pixel === 'number' ? [pixel] : pixel;
      if (values.length !== c)
        throw new RangeError(`ToTensor: pixel (${y}, ${x}) has ${values.length} channels, pixel (0, 0) has ${c}`);
      values.forEach((v, k) => {
        data[(y * w + x) * c + k] = v;
      });
    });
  });
  return fromPixels({ data, width: w, height: h, channels: c });
}

/**
 * Converts 8-bit image data to a float32 (C, H, W) tensor in [0, 1]: pixel
 * objects (`ImageLike`, e.g. an `ImageData`), nested arrays (HW or HWC) or
 * integer tensors (HW or HWC) are divided by 255; float tensors (HW or HWC)
 * are only moved to CHW. HW input gives one channel. The input is not
 * disposed.
 *
 * @example
 * new ToTensor().apply([[0, 255], [51, 102]]);              // (1, 2, 2): [[0, 1], [0.2, 0.4]]
 * new ToTensor().apply({ data: rgba, width: 32, height: 32 }); // (4, 32, 32)
 */
export class ToTensor implements Transform<ImageInput, Tensor> {
  apply(input: ImageInput): Tensor {
    if (!isTensor(input)) return Array.isArray(input) ? fromNested(input) : fromPixels(input as ImageLike);
    input.assertAlive('ToTensor');
    if (input.ndim !== 2 && input.ndim !== 3)
      throw new RangeError(`ToTensor: expected an HW or HWC tensor, got shape [${input.shape.join(', ')}]`);
    return tidy(() => {
      const chw = input.ndim === 2 ? unsqueeze(input, 0) : permute(input, [2, 0, 1]);
      return isFloat(input.dtype) ? chw.to('float32') : chw.to('float32').div(255);
    });
  }
}
