import { describe, expect, it } from 'vitest';
import { arange, DTypeError, interpolate, ShapeError, type Tensor, tensor } from '../index';

const close = (t: Tensor, expected: number[], digits = 5) => {
  const got = Array.from(t.dataSync());
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i] as number, digits);
  });
};
const row = (values: number[]) => tensor([[values]], { dtype: 'float32' }); // (1, 1, L)

describe('interpolate', () => {
  it('nearest: 2x upsampling and floor(dst * in / out)', () => {
    const x = tensor([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ]);
    const up = interpolate(x, { scaleFactor: 2 });
    expect(up.dtype).toBe('int32');
    expect(up.arraySync()).toEqual([
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ]);
    close(interpolate(row([5, 6]), { size: 3 }), [5, 5, 6]);
    close(interpolate(row([0, 1, 2, 3, 4]), { size: 2 }), [0, 2]);
    expect(interpolate(x, { size: [1, 3] }).arraySync()).toEqual([[[[1, 1, 2]]]]);
  });

  it('nearest with a scale factor uses 1 / scale, unless recomputed (PyTorch)', () => {
    close(interpolate(row([0, 1, 2, 3, 4]), { scaleFactor: 1.3 }), [0, 0, 1, 2, 3, 3]);
    close(interpolate(row([0, 1, 2, 3, 4]), { scaleFactor: 1.3, recomputeScaleFactor: true }), [0, 0, 1, 2, 3, 4]);
  });

  it('nearest-exact: floor((dst + 0.5) * scale)', () => {
    close(interpolate(row([5, 6]), { size: 3, mode: 'nearest-exact' }), [5, 6, 6]);
    close(interpolate(row([0, 1, 2, 3, 4]), { size: 2, mode: 'nearest-exact' }), [1, 3]);
  });

  it('linear, with and without alignCorners', () => {
    close(interpolate(row([0, 10]), { size: 4, mode: 'linear' }), [0, 2.5, 7.5, 10]);
    close(interpolate(row([0, 10]), { size: 3, mode: 'linear', alignCorners: true }), [0, 5, 10]);
    close(interpolate(row([0, 10]), { size: 5, mode: 'linear', alignCorners: true }), [0, 2.5, 5, 7.5, 10]);
    close(interpolate(row([0, 10, 20, 30]), { size: 2, mode: 'linear' }), [5, 25]);
    close(interpolate(row([0, 10]), { size: 1, mode: 'linear', alignCorners: true }), [0]);
  });

  it('bilinear on (N, C, H, W)', () => {
    const x = tensor(
      [
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      ],
      { dtype: 'float32' },
    );
    close(interpolate(x, { size: 3, mode: 'bilinear', alignCorners: true }), [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
    close(
      interpolate(x, { scaleFactor: 2, mode: 'bilinear' }),
      [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4],
    );
    const many = arange(2 * 3 * 4 * 5, undefined, 1, { dtype: 'float32' }).reshape(2, 3, 4, 5);
    const same = interpolate(many, { size: [4, 5], mode: 'bilinear' });
    close(same, Array.from(many.dataSync()));
    const half = interpolate(
      tensor(
        [
          [
            [
              [1, 2],
              [3, 4],
            ],
          ],
        ],
        { dtype: 'float16' },
      ),
      { size: 3, mode: 'bilinear', alignCorners: true },
    );
    expect(half.dtype).toBe('float16');
  });

  it('errors: modes, dims, size vs scaleFactor, dtypes', () => {
    const x = tensor([[[[1, 2]]]], { dtype: 'float32' });
    expect(() => interpolate(x)).toThrow(/exactly one/);
    expect(() => interpolate(x, { size: 2, scaleFactor: 2 })).toThrow(/exactly one/);
    expect(() => interpolate(x, { size: 2, alignCorners: true })).toThrow(/alignCorners/);
    expect(() => interpolate(x, { size: 2, mode: 'linear' })).toThrow(ShapeError);
    expect(() => interpolate(row([1]), { size: 2, mode: 'bilinear' })).toThrow(ShapeError);
    expect(() => interpolate(tensor([[[1, 2]]]), { size: 3, mode: 'linear' })).toThrow(DTypeError);
    expect(() => interpolate(x, { size: [2, 2, 2] })).toThrow(/2 values/);
    expect(() => interpolate(x, { scaleFactor: 0.1 })).toThrow(/positive/);
    // @ts-expect-error — not a mode
    expect(() => interpolate(x, { size: 2, mode: 'cubic' })).toThrow(/unknown mode/);
  });
});
