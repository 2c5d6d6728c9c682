/**
 * The transform contract. A transform maps one input to a new output and never
 * disposes its input; tensors it makes along the way are freed (each transform
 * runs inside `tidy`). Even a transform that changes nothing (a flip that did
 * not fire) returns a new handle, so the caller may dispose input and output
 * independently.
 *
 * Image tensors are CHW or HW (a batch NCHW also works for the deterministic
 * transforms): the last two dims are height and width.
 */
import { type Tensor, tidy } from '@strata/core';

/** An object form of a transform (the classes in this folder). */
export interface Transform<I = Tensor, O = Tensor> {
  apply(input: I): O;
}

/** A transform object or a plain function. */
export type TransformLike<I = Tensor, O = Tensor> = Transform<I, O> | ((input: I) => O);

/** Runs a transform object or function. */
export function applyTransform<I, O>(transform: TransformLike<I, O>, input: I): O {
  return typeof transform === 'function' ? transform(input) : transform.apply(input);
}

/** Throws a clear error unless `x` is an image tensor with at least 2 dims (…, H, W). */
export function checkImage(x: Tensor, where: string): void {
  x.assertAlive(where);
  if (x.ndim < 2)
    throw new RangeError(`${where}: expected an image tensor (…, H, W) with at least 2 dims, got shape [${x.shape.join(', ')}]`);
}

/** Height and width of an image tensor (the last two dims). */
export function imageSize(x: Tensor): [number, number] {
  return [x.shape[x.ndim - 2] as number, x.shape[x.ndim - 1] as number];
}

/** `[h, w]` from a size given as one number (square) or a pair. */
export function sizePair(size: number | readonly [number, number], where: string): [number, number] {
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1)
    throw new RangeError(`${where}: size must be a positive integer or a pair of them, got ${JSON.stringify(size)}`);
  return [h, w];
}

/**
 * Chains transforms: the first may change the input type (ToTensor), the rest
 * map tensors to tensors. Intermediate tensors are disposed.
 *
 * @example
 * const augment = new Compose([
 *   new ToTensor(),
 *   new RandomCrop(28, { padding: 4, seed: 0 }),
 *   new RandomHorizontalFlip(0.5, { seed: 1 }),
 *   new Normalize([0.1307], [0.3081]),
 * ]);
 * const x = augment.apply({ data: pixels, width: 28, height: 28 }); // (1, 28, 28) float32
 */
export class Compose<I = Tensor> implements Transform<I, Tensor> {
  readonly transforms: readonly [TransformLike<I, Tensor>, ...TransformLike<Tensor, Tensor>[]];

  constructor(transforms: readonly [TransformLike<I, Tensor>, ...TransformLike<Tensor, Tensor>[]]) {
    if (transforms.length === 0) throw new RangeError('Compose: needs at least one transform');
    this.transforms = transforms;
  }

  apply(input: I): Tensor {
    const [first, ...rest] = this.transforms;
    return tidy(() => {
      let x = applyTransform(first, input);
      for (const t of rest) x = applyTransform(t, x);
      return x;
    });
  }
}
