/**
 * Errors the backend raises itself: context loss (WEBGL_lose_context), use
 * after destroy, out-of-range indices (reported at the next read), tensors
 * larger than a texture.
 */
import * as S from '@strata/core';
import { describe, expect, it } from 'vitest';
import { createWebGlBackend } from '../src/index';

describe('context loss', () => {
  it('every op and read after a lost context throws a BackendError that says what happened and what to do', async () => {
    const backend = createWebGlBackend();
    S.useBackend(backend);
    const x = S.tensor([1, 2, 3], { dtype: 'float32' });
    const y = S.exp(x);
    backend.gl.getExtension('WEBGL_lose_context')?.loseContext();
    expect(() => S.add(x, 1)).toThrow(S.BackendError);
    expect(() => S.add(x, 1)).toThrow(/context was lost.*create a new backend/i);
    expect(() => S.tensor([1])).toThrow(/context was lost/);
    expect(() => y.dataSync()).toThrow(/context was lost/);
    await expect(y.data()).rejects.toThrow(/context was lost/);
    // Releasing and destroying still work (there is nothing left to release).
    x.dispose();
    y.dispose();
    expect(() => backend.destroy()).not.toThrow();
  });

  it('after destroy(), ops say the backend was destroyed', () => {
    const backend = createWebGlBackend();
    S.useBackend(backend);
    const x = S.tensor([1, 2], { dtype: 'float32' });
    backend.destroy();
    expect(() => S.mul(x, 2)).toThrow(/destroyed/);
    expect(() => x.dispose()).not.toThrow();
  });
});

describe('bad input', () => {
  it('an out-of-range gather or scatterAdd index is a RangeError at the next read, naming the op', async () => {
    const backend = createWebGlBackend();
    S.useBackend(backend);
    const x = S.tensor([[1, 2, 3]], { dtype: 'float32' });
    const g = S.gather(x, 1, S.tensor([[0, 3]]));
    expect(() => g.dataSync()).toThrow(RangeError);
    const s = S.scatterAdd(S.zeros([1, 3]), 1, S.tensor([[-1]]), S.ones([1, 1]));
    await expect(s.data()).rejects.toThrow(/scatterAdd.*out of bounds for dimension 1 with size 3/);
    // Reported once; valid indices afterwards read normally.
    expect(Array.from(S.gather(x, 1, S.tensor([[2, 0]])).dataSync())).toEqual([3, 1]);
    backend.destroy();
  });

  it('a tensor larger than the biggest texture is a BackendError naming the limit, before anything is allocated', () => {
    const backend = createWebGlBackend();
    const max = backend.gl.getParameter(backend.gl.MAX_TEXTURE_SIZE) as number;
    const huge = { shape: [max * max + 1], dtype: 'float32' as const };
    expect(() => backend.kernels.elementwise([], { expr: S.E.const(0) }, huge)).toThrow(/larger than this GPU's largest texture/);
    backend.destroy();
  });
});
