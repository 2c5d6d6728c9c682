/** Shapes that do not fit an op: names the op and every shape involved. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** A dtype an op cannot take, or two that cannot meet: names them and the fix. */
export class DTypeError extends TypeError {
  override name = 'DTypeError';
}

/** Using a tensor after `dispose()`. */
export class DisposedError extends Error {
  override name = 'DisposedError';
}

/** Two tensors on different backends in one op, or a backend that cannot do what was asked. */
export class BackendError extends Error {
  override name = 'BackendError';
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
