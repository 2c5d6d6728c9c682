import { Tensor } from '../tensor/tensor';

/**
 * Attaches functional ops as Tensor methods: `defineMethods({ add })` makes
 * `a.add(b)` call `add(a, b)`. Each op file pairs this with a `declare module`
 * block, so the method's type sits next to its implementation.
 */
// `never[]` accepts any parameter list after the tensor; each method is typed where it is declared.
export function defineMethods(ops: Record<string, (self: Tensor, ...args: never[]) => unknown>): void {
  for (const [name, fn] of Object.entries(ops)) {
    Object.defineProperty(Tensor.prototype, name, {
      configurable: true,
      writable: true,
      value(this: Tensor, ...args: unknown[]) {
        return (fn as (self: Tensor, ...rest: unknown[]) => unknown)(this, ...args);
      },
    });
  }
}
