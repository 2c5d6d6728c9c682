/**
 * `target.assign(value)`: how variables (parameters, running statistics)
 * change. The target handle keeps its identity and takes the value's storage
 * (a contiguous copy when the value is a view), so there is no aliasing between
 * the two afterwards and no kernel writes into storage another tensor reads.
 */
import { BackendError, DTypeError, fmtShape, ShapeError } from '../errors';
import { contiguous } from '../ops/views';
import { contiguousStrides, isContiguous, shapesEqual } from '../shape';
import { Tensor } from './tensor';

export function assign(target: Tensor, value: Tensor): Tensor {
  target.assertAlive('assign');
  value.assertAlive('assign');
  if (!shapesEqual(target.shape, value.shape)) {
    throw new ShapeError(`assign: value of shape ${fmtShape(value.shape)} does not match the target's ${fmtShape(target.shape)}`);
  }
  if (target.dtype !== value.dtype) {
    throw new DTypeError(
      `assign: value is ${value.dtype} but the target is ${target.dtype}; convert with value.to('${target.dtype}')`,
    );
  }
  if (target.backend !== value.backend) {
    throw new BackendError(
      `assign: value lives on '${value.backend.name}', the target on '${target.backend.name}'; move it with \`await value.to('${target.backend.name}')\``,
    );
  }
  if (value === target) return target;
  const source = isContiguous(value.shape, value.strides) ? value : contiguous(value);
  target.swapStorage(source.storage, contiguousStrides(target.shape), source.offset);
  if (source !== value) source.dispose();
  return target;
}

Object.assign(Tensor.prototype, {
  assign(this: Tensor, value: Tensor) {
    return assign(this, value);
  },
});

declare module './tensor' {
  interface Tensor {
    /** Replaces this tensor's values with `value`'s (same shape, dtype and backend). Returns this. */
    assign(value: Tensor): Tensor;
  }
}
