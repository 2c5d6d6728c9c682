import { describe, expect, it } from 'vitest';
import { arange, BackendError, DTypeError, memory, ones, ShapeError, tensor, zeros } from '../src/index';

describe('assign', () => {
  it('replaces values in place of identity, from contiguous values and from views', () => {
    const w = zeros([2, 3]);
    const v0 = w.version;
    expect(w.assign(ones([2, 3]))).toBe(w);
    expect(w.arraySync()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(w.version).toBe(v0 + 1);
    w.assign(arange(6, undefined, 1, { dtype: 'float32' }).reshape(3, 2).T); // a transposed view: copied
    expect(w.arraySync()).toEqual([
      [0, 2, 4],
      [1, 3, 5],
    ]);
    expect(w.strides).toEqual([3, 1]);
    w.assign(
      arange(9, undefined, 1, { dtype: 'float32' })
        .reshape(3, 3)
        .slice([{ start: 1 }, { start: 0, end: 3 }]),
    ); // rows 1..2, offset view
    expect(w.arraySync()).toEqual([
      [3, 4, 5],
      [6, 7, 8],
    ]);
  });

  it('leaves earlier views of the target with the old values (no aliasing)', () => {
    const w = tensor([1, 2], { dtype: 'float32' });
    const view = w.reshape(2, 1);
    w.assign(tensor([5, 6], { dtype: 'float32' }));
    expect(view.arraySync()).toEqual([[1], [2]]);
    expect(w.arraySync()).toEqual([5, 6]);
  });

  it('frees the old storage and holds memory flat over many assigns', () => {
    const w = zeros([64]);
    const before = memory();
    for (let i = 0; i < 200; i++) {
      const next = w.add(1);
      w.assign(next);
      next.dispose();
    }
    expect(memory().numBytes).toBe(before.numBytes);
    expect(memory().numTensors).toBe(before.numTensors);
    expect(w.dataSync()[0]).toBe(200);
  });

  it('rejects mismatched shapes, dtypes and backends with the fix', () => {
    const w = zeros([2]);
    expect(() => w.assign(zeros([3]))).toThrow(ShapeError);
    expect(() => w.assign(zeros([2], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => w.assign(zeros([2], { dtype: 'int32' }))).toThrow("value.to('float32')");
    const other = { ...w.backend, name: 'other' };
    expect(() => w.assign(zeros([2], { backend: other }))).toThrow(BackendError);
  });
});
