/**
 * Padding with PyTorch's `F.pad` conventions: `pads` lists (before, after)
 * pairs starting from the LAST dim. Positive padding runs the `pad` primitive;
 * negative padding crops, as a slice view of the padded result.
 */
import { E } from '../backend/expr';
import type { PadMode } from '../backend/primitives';
import type { DType } from '../dtype';
import { runPrimitive } from '../engine';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import type { Tensor } from '../tensor/tensor';
import { slice } from './views';

export interface PadOptions {
  /** 'constant' (default) fills with `value`; 'reflect' mirrors without repeating the edge; 'replicate' repeats the edge. */
  mode?: PadMode;
  /** Fill value for 'constant' mode (default 0), converted to the tensor's dtype. */
  value?: number | boolean;
}

const modes: readonly PadMode[] = ['constant', 'reflect', 'replicate'];

function castTo(x: Tensor, dtype: DType): Tensor {
  return runPrimitive('elementwise', [x], { expr: E.cast(E.input(0, x.dtype), dtype) }, { shape: x.shape, dtype });
}

/** The fill value as the kernel stores it for `dtype`. */
function fillValue(value: number | boolean, dtype: DType): number {
  const v = Number(value);
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  if (dtype === 'int32') {
    if (!Number.isFinite(v) || Math.abs(v) >= 2 ** 31)
      throw new DTypeError(`pad: value ${v} cannot be stored in an int32 tensor`);
    return Math.trunc(v);
  }
  return v;
}

/**
 * Pads (or, with negative amounts, crops) the trailing dims, like
 * `torch.nn.functional.pad`. `pads = [left, right]` pads the last dim,
 * `[left, right, top, bottom]` the last two, and so on. Reflect padding must be
 * smaller than the padded dim; replicate needs a non-empty dim. Unlike PyTorch,
 * reflect and replicate may pad any number of dims.
 *
 * @example
 * pad(tensor([1, 2, 3]), [1, 2]);                       // [0, 1, 2, 3, 0, 0]
 * pad(tensor([1, 2, 3]), [2, 1], { mode: 'reflect' });   // [3, 2, 1, 2, 3, 2]
 * pad(tensor([1, 2, 3]), [1, 1], { mode: 'replicate' }); // [1, 1, 2, 3, 3]
 * pad(tensor([1, 2, 3]), [-1, 0]);                      // [2, 3]
 */
export function pad(x: Tensor, pads: readonly number[], options: PadOptions = {}): Tensor {
  x.assertAlive('pad');
  const mode = options.mode ?? 'constant';
  if (!modes.includes(mode)) throw new RangeError(`pad: unknown mode '${String(mode)}'; expected one of ${modes.join(', ')}`);
  if (mode !== 'constant' && options.value !== undefined && Number(options.value) !== 0) {
    throw new RangeError(`pad: mode '${mode}' takes no value (got ${String(options.value)})`);
  }
  if (pads.length % 2 !== 0) throw new ShapeError(`pad: padding must have an even length (pairs per dim), got ${fmtShape(pads)}`);
  if (pads.length / 2 > x.ndim) {
    throw new ShapeError(
      `pad: padding ${fmtShape(pads)} covers ${pads.length / 2} dims, but the input of shape ${fmtShape(x.shape)} has ${x.ndim}`,
    );
  }
  for (const p of pads) if (!Number.isInteger(p)) throw new RangeError(`pad: padding must hold integers, got ${fmtShape(pads)}`);

  const pairs = x.shape.map((): [number, number] => [0, 0]);
  for (let k = 0; k < pads.length / 2; k++) pairs[x.ndim - 1 - k] = [pads[2 * k] as number, pads[2 * k + 1] as number];
  pairs.forEach(([before, after], d) => {
    const size = x.shape[d] as number;
    const where = `dimension ${d} (size ${size}; input shape ${fmtShape(x.shape)})`;
    if (size + before + after < 0) throw new ShapeError(`pad: padding (${before}, ${after}) of ${where} gives a negative size`);
    if (mode === 'reflect' && (before >= size || after >= size) && (before > 0 || after > 0)) {
      throw new ShapeError(`pad: reflect padding (${before}, ${after}) must be smaller than the size of ${where}`);
    }
    if (mode === 'replicate' && size === 0 && (before > 0 || after > 0)) {
      throw new ShapeError(`pad: replicate padding (${before}, ${after}) needs a non-empty ${where}`);
    }
  });

  const grow = pairs.map(([before, after]): [number, number] => [Math.max(0, before), Math.max(0, after)]);
  const shape = x.shape.map((d, i) => d + (grow[i] as [number, number])[0] + (grow[i] as [number, number])[1]);
  const value = fillValue(options.value ?? 0, x.dtype);
  return tidy(() => {
    // float16 storage holds raw bits: a non-zero fill is applied in float32.
    const viaFloat32 = x.dtype === 'float16' && mode === 'constant' && !Object.is(value, 0);
    const input = viaFloat32 ? castTo(x, 'float32') : x;
    let out = runPrimitive('pad', [input], { pads: grow, mode, value }, { shape, dtype: input.dtype });
    if (viaFloat32) out = castTo(out, 'float16');
    if (pairs.every(([before, after]) => before >= 0 && after >= 0)) return out;
    return slice(
      out,
      pairs.map(([before, after], d) => ({ start: Math.max(0, -before), end: (shape[d] as number) - Math.max(0, -after) })),
    );
  });
}
