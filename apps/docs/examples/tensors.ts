import { arange, slice, type Tensor, tensor } from '@strata/core';
import type { Print } from './types';

export const title = 'Tensors, views and broadcasting';

/** Shapes and dtypes, views that share storage (no copies), and NumPy/PyTorch broadcasting. */
export async function run(print: Print): Promise<void> {
  // toArray() works on every backend (GPU reads are asynchronous); the CPU also offers arraySync().
  const show = async (t: Tensor) => JSON.stringify(await t.toArray());

  const x = arange(6).reshape([2, 3]); // integer arguments give int32
  print(`x: shape [${x.shape}], dtype ${x.dtype}`);

  // transpose, slicing and reshape are views: new shape and strides over the same storage.
  const xt = x.T;
  print(`x.T: shape [${xt.shape}], strides [${xt.strides}]`);
  const tail = slice(x, [null, { start: 1 }]);
  print(`x[:, 1:]: ${await show(tail)}`);

  // Broadcasting: (2, 3) + (3,) adds the row to each row; (2, 1) * (3,) is an outer product.
  const row = tensor([10, 20, 30], { dtype: 'int32' });
  const sum = x.add(row);
  print(`x + row: ${await show(sum)}`);
  const col = tensor([[1], [2]], { dtype: 'float32' });
  const scale = tensor([1, 2, 3]);
  const outer = col.mul(scale);
  print(`col * [1, 2, 3]: ${await show(outer)}`);

  // Mixed dtypes promote like PyTorch: int32 + float32 → float32.
  const mixed = x.add(col);
  print(`int32 + float32 → ${mixed.dtype}`);

  // GPU memory is not garbage-collected: free what you made (or wrap the work in tidy()).
  for (const t of [x, xt, tail, row, sum, col, scale, outer, mixed]) t.dispose();
}
