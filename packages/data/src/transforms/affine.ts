/**
 * Affine warps of images (rotation, translation, scaling) and their random
 * versions, like torchvision's RandomRotation / RandomAffine.
 *
 * Design note. Source coordinates depend only on the image size and the
 * parameters, so they are computed on the host; the pixels are then fetched
 * on the tensor's backend with `indexSelect` over the flattened (…, H*W)
 * image. Nearest sampling points outside the image at an extra "fill" column;
 * bilinear sampling reads a copy padded by one pixel of fill, so samples just
 * outside the image blend toward the fill value and farther ones are fill.
 */
import {
  add,
  cat,
  fromStorageArray,
  full,
  type Generator,
  indexSelect,
  mul,
  pad,
  reshape,
  type Tensor,
  tidy,
} from '@strata/core';
import { type RandomSource, resolveGenerator, uniforms } from '../random';
import { checkImage, imageSize, type Transform } from './transform';

export interface AffineParams {
  /** Counter-clockwise rotation in degrees (default 0). */
  angle?: number;
  /** Shift of the content in pixels, [dx (right), dy (down)] (default [0, 0]). */
  translate?: readonly [number, number];
  /** Zoom about the centre (default 1). */
  scale?: number;
}

export interface SampleOptions {
  /** 'nearest' (default, like torchvision) or 'bilinear' (float images). */
  interpolation?: 'nearest' | 'bilinear';
  /** Value for pixels that come from outside the image (default 0). */
  fill?: number;
}

/**
 * Warps the last two dims of `x` (HW, CHW or NCHW) by rotating `angle` degrees
 * counter-clockwise about the centre ((W-1)/2, (H-1)/2), scaling by `scale`,
 * then shifting by `translate`. Each output pixel p samples the input at
 * `c + R(-angle) (p - c - t) / scale`.
 *
 * @example
 * affine(image, { angle: 90 });                                   // rot90 counter-clockwise
 * affine(image, { angle: 10, scale: 1.1 }, { interpolation: 'bilinear' });
 */
export function affine(x: Tensor, params: AffineParams, options: SampleOptions = {}): Tensor {
  checkImage(x, 'affine');
  const angle = params.angle ?? 0;
  const [tx, ty] = params.translate ?? [0, 0];
  const scale = params.scale ?? 1;
  if (![angle, tx, ty].every(Number.isFinite) || !(scale > 0 && Number.isFinite(scale)))
    throw new RangeError(`affine: angle and translate must be finite and scale positive; got ${JSON.stringify(params)}`);
  const interpolation = options.interpolation ?? 'nearest';
  const fill = options.fill ?? 0;
  const [h, w] = imageSize(x);
  const theta = (angle * Math.PI) / 180;
  const cos = Math.cos(theta) / scale;
  const sin = Math.sin(theta) / scale;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const plane = h * w;
  const sourceX = new Float64Array(plane);
  const sourceY = new Float64Array(plane);
  for (let y = 0; y < h; y++) {
    for (let xo = 0; xo < w; xo++) {
      const dx = xo - cx - tx;
      const dy = y - cy - ty;
      sourceX[y * w + xo] = cx + cos * dx - sin * dy;
      sourceY[y * w + xo] = cy + sin * dx + cos * dy;
    }
  }
  const lead = x.shape.slice(0, -2);
  const rows = lead.reduce((a, b) => a * b, 1);
  const index = (values: Int32Array) => fromStorageArray(values, [values.length], 'int32', x.backend);
  return tidy(() => {
    if (interpolation === 'nearest') {
      const idx = new Int32Array(plane);
      for (let p = 0; p < plane; p++) {
        const sx = Math.round(sourceX[p] as number);
        const sy = Math.round(sourceY[p] as number);
        idx[p] = sx >= 0 && sx < w && sy >= 0 && sy < h ? sy * w + sx : plane; // `plane` is the fill column
      }
      const flat = cat([reshape(x, [rows, plane]), full([rows, 1], fill, { dtype: x.dtype, backend: x.backend })], 1);
      return reshape(indexSelect(flat, 1, index(idx)), x.shape);
    }
    if (interpolation !== 'bilinear')
      throw new RangeError(`affine: interpolation must be 'nearest' or 'bilinear', got '${String(interpolation)}'`);
    const pw = w + 2;
    const padded = reshape(pad(x, [1, 1, 1, 1], { value: fill }), [rows, (h + 2) * pw]);
    const corners = [0, 1, 2, 3].map(() => ({ idx: new Int32Array(plane), weight: new Float32Array(plane) }));
    for (let p = 0; p < plane; p++) {
      const px = Math.min(Math.max((sourceX[p] as number) + 1, 0), w + 1);
      const py = Math.min(Math.max((sourceY[p] as number) + 1, 0), h + 1);
      const x0 = Math.min(Math.floor(px), w);
      const y0 = Math.min(Math.floor(py), h);
      const fx = px - x0;
      const fy = py - y0;
      const spots = [
        [y0 * pw + x0, (1 - fx) * (1 - fy)],
        [y0 * pw + x0 + 1, fx * (1 - fy)],
        [(y0 + 1) * pw + x0, (1 - fx) * fy],
        [(y0 + 1) * pw + x0 + 1, fx * fy],
      ] as const;
      spots.forEach(([i, wt], k) => {
        const c = corners[k] as { idx: Int32Array; weight: Float32Array };
        c.idx[p] = i;
        c.weight[p] = wt;
      });
    }
    let out: Tensor | undefined;
    for (const { idx, weight } of corners) {
      const term = mul(indexSelect(padded, 1, index(idx)), fromStorageArray(weight, [1, plane], 'float32', x.backend));
      out = out ? add(out, term) : term;
    }
    return reshape(out as Tensor, x.shape);
  });
}

/** A `[min, max]` range from one number d (→ [-d, d]) or a pair. */
function range(value: number | readonly [number, number], where: string): [number, number] {
  const [lo, hi] = typeof value === 'number' ? [-Math.abs(value), Math.abs(value)] : value;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi)
    throw new RangeError(`${where}: expected a number or a [min, max] pair with min <= max, got ${JSON.stringify(value)}`);
  return [lo, hi];
}

export interface RandomRotationOptions extends SampleOptions, RandomSource {}

/**
 * Rotates by an angle uniform in [-degrees, degrees] (or [min, max]),
 * counter-clockwise for positive angles, about the image centre; corners are
 * filled with `fill`.
 *
 * @example
 * const rotate = new RandomRotation(15, { interpolation: 'bilinear', seed: 0 });
 */
export class RandomRotation implements Transform {
  readonly degrees: [number, number];
  readonly #options: SampleOptions;
  readonly #generator: Generator;

  constructor(degrees: number | readonly [number, number], options: RandomRotationOptions = {}) {
    this.degrees = range(degrees, 'RandomRotation');
    this.#options = { interpolation: options.interpolation, fill: options.fill };
    this.#generator = resolveGenerator(options, 'RandomRotation');
  }

  /** The angle the next `apply` would use; advances the generator. */
  sampleAngle(): number {
    const [lo, hi] = this.degrees;
    return lo + (uniforms(this.#generator, 1)[0] as number) * (hi - lo);
  }

  apply(x: Tensor): Tensor {
    return affine(x, { angle: this.sampleAngle() }, this.#options);
  }
}

export interface RandomAffineOptions extends SampleOptions, RandomSource {
  /** Largest shift as a fraction of [width, height]: dx uniform in ±a·W, dy in ±b·H, rounded (default none). */
  translate?: readonly [number, number];
  /** Zoom uniform in [min, max] (default 1). */
  scale?: readonly [number, number];
}

/**
 * A random rotation, shift and zoom (torchvision's RandomAffine without shear).
 *
 * @example
 * const jitter = new RandomAffine(10, { translate: [0.1, 0.1], scale: [0.9, 1.1], seed: 0 });
 */
export class RandomAffine implements Transform {
  readonly degrees: [number, number];
  readonly translate: readonly [number, number] | undefined;
  readonly scale: [number, number];
  readonly #options: SampleOptions;
  readonly #generator: Generator;

  constructor(degrees: number | readonly [number, number], options: RandomAffineOptions = {}) {
    this.degrees = range(degrees, 'RandomAffine');
    this.translate = options.translate;
    if (this.translate && !this.translate.every((t) => t >= 0 && t <= 1))
      throw new RangeError(`RandomAffine: translate fractions must be in [0, 1], got ${JSON.stringify(this.translate)}`);
    this.scale = range(options.scale ?? [1, 1], 'RandomAffine scale');
    if (this.scale[0] <= 0) throw new RangeError(`RandomAffine: scale must be positive, got ${JSON.stringify(options.scale)}`);
    this.#options = { interpolation: options.interpolation, fill: options.fill };
    this.#generator = resolveGenerator(options, 'RandomAffine');
  }

  /** The parameters for an h x w image that the next `apply` would use; advances the generator. */
  sampleParams(h: number, w: number): Required<AffineParams> {
    const [ua, ux, uy, us] = uniforms(this.#generator, 4) as unknown as [number, number, number, number];
    const [lo, hi] = this.degrees;
    const [a, b] = this.translate ?? [0, 0];
    const between = (u: number, min: number, max: number) => min + u * (max - min);
    return {
      angle: between(ua, lo, hi),
      translate: [Math.round(between(ux, -a * w, a * w)), Math.round(between(uy, -b * h, b * h))],
      scale: between(us, this.scale[0], this.scale[1]),
    };
  }

  apply(x: Tensor): Tensor {
    checkImage(x, 'RandomAffine');
    const [h, w] = imageSize(x);
    return affine(x, this.sampleParams(h, w), this.#options);
  }
}
