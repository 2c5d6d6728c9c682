import { describe, expect, it } from 'vitest';
import { DisposedError, keep, memory, ones, tensor, tidy, zeros } from '../src/index';

describe('memory', () => {
  it('counts tensors and bytes, and frees storage when the last view goes', () => {
    const before = memory();
    const t = zeros([4, 4]);
    const v = t.reshape(16);
    expect(memory().numTensors - before.numTensors).toBe(2);
    expect(memory().numBytes - before.numBytes).toBe(64);
    t.dispose();
    expect(memory().numBytes - before.numBytes).toBe(64); // the view still holds the storage
    v.dispose();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
    expect(memory().backends.cpu?.numStorages ?? 0).toBe(before.backends.cpu?.numStorages ?? 0);
  });

  it('tidy disposes intermediates and keeps the result (nested results too)', () => {
    const before = memory().numTensors;
    const result = tidy(() => {
      const a = ones([3]).add(1);
      const b = a.mul(a).exp();
      return { b, list: [a.sub(1)] };
    });
    expect(memory().numTensors - before).toBe(2);
    expect(result.b.isDisposed).toBe(false);
    result.b.dispose();
    result.list[0]?.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('keep() protects a tensor from the enclosing tidy', () => {
    let kept: ReturnType<typeof zeros> | undefined;
    tidy(() => {
      kept = keep(zeros([2]));
      zeros([2]);
    });
    expect(kept?.isDisposed).toBe(false);
    kept?.dispose();
  });

  it('tidy disposes everything when fn throws, and rejects async functions', () => {
    const before = memory().numTensors;
    expect(() =>
      tidy(() => {
        zeros([5]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory().numTensors).toBe(before);
    expect(() => tidy(async () => zeros([1]))).toThrow(/returned a Promise/);
    expect(memory().numTensors).toBe(before);
  });

  it('using releases at the end of the block', () => {
    const before = memory().numTensors;
    {
      using t = ones([8]);
      expect(t.size).toBe(8);
    }
    expect(memory().numTensors).toBe(before);
  });

  it('a disposed tensor gives a clear error; so does double dispose', () => {
    const t = tensor([1, 2, 3]);
    t.dispose();
    expect(() => t.add(1)).toThrow(DisposedError);
    expect(() => t.add(1)).toThrow(/add: tensor \[3\] \(int32, id \d+\) was disposed/);
    expect(() => t.dispose()).toThrow(/already disposed/);
  });

  it('1,000 tidy steps of mixed ops hold memory flat', () => {
    const w = ones([16, 16]);
    const before = memory();
    for (let i = 0; i < 1000; i++) {
      tidy(() => {
        const x = w.mul(0.5).add(i).T.matmul(w).relu();
        return x.sum(1).mean();
      }).dispose();
    }
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    w.dispose();
  });
});
