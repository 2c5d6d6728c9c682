import { describe, expect, it } from 'vitest';
import {
  type Backend,
  BackendError,
  createCpuBackend,
  getBackend,
  initBackend,
  registerBackend,
  type StorageArray,
  setBackend,
  tensor,
  useBackend,
} from '../src/index';

/** A second CPU-like backend under another name, to test transfers and mixing. */
function renamedCpu(name: string): Backend<StorageArray> {
  return { ...createCpuBackend(), name };
}

describe('backend registry', () => {
  it('initBackend picks the first that initialises and says why the others were skipped', async () => {
    registerBackend('broken', () => {
      throw new Error('no adapter found');
    });
    const result = await initBackend(['missing', 'broken', 'cpu']);
    expect(result.backend).toBe('cpu');
    expect(result.skipped).toEqual([
      { name: 'missing', reason: 'not registered (its package is not imported)' },
      { name: 'broken', reason: 'no adapter found' },
    ]);
    await expect(initBackend(['broken'])).rejects.toThrow(/no backend initialised\. broken: no adapter found/);
    expect(getBackend().name).toBe('cpu');
  });

  it('refuses to mix backends in one op and names the fix; to() transfers', async () => {
    const other = renamedCpu('other');
    registerBackend('other', () => other);
    const a = tensor([1, 2, 3]);
    await setBackend('other');
    const b = tensor([10, 20, 30]);
    expect(b.backend.name).toBe('other');
    await setBackend('cpu');
    expect(() => a.add(b)).toThrow(BackendError);
    expect(() => a.add(b)).toThrow(
      "add: tensors live on different backends ('other' and 'cpu'); move one with `await t.to('cpu')`",
    );
    const moved = await b.to('cpu');
    expect(moved.backend.name).toBe('cpu');
    expect(await a.add(moved).toArray()).toEqual([11, 22, 33]);
  });

  it('concurrent first uses of an async backend share one instance; a failed start can be retried', async () => {
    let starts = 0;
    registerBackend('slow', async () => {
      starts += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (starts === 1) throw new Error('device lost while starting');
      return renamedCpu('slow');
    });
    await expect(setBackend('slow')).rejects.toThrow('device lost while starting');
    const a = tensor([1, 2]);
    const [x, y] = await Promise.all([a.to('slow'), a.to('slow')]);
    expect(starts).toBe(2);
    expect(x.backend).toBe(y.backend);
    expect(await x.add(y).toArray()).toEqual([2, 4]);
    await setBackend('cpu');
  });

  it('names the problem when two instances of one backend meet in an op', async () => {
    const a = tensor([1, 2]);
    useBackend(renamedCpu('twin'));
    const b = tensor([3, 4]);
    useBackend(renamedCpu('twin'));
    const c = tensor([5, 6]);
    expect(() => b.add(c)).toThrow("add: tensors live on two different instances of the 'twin' backend");
    for (const t of [a, b, c]) t.dispose();
    await setBackend('cpu');
  });

  it('setBackend on an unknown name says what is registered', async () => {
    await expect(setBackend('webgpu-nope')).rejects.toThrow(/backend 'webgpu-nope' is not registered \(registered: .*cpu/);
  });

  it('dataSync on a backend without sync reads says to await', () => {
    const asyncOnly: Backend<StorageArray> = { ...createCpuBackend(), name: 'async-only', readSync: undefined };
    useBackend(asyncOnly);
    try {
      const t = tensor([1, 2]);
      expect(() => t.dataSync()).toThrow("dataSync: the 'async-only' backend cannot read synchronously; use `await t.data()`");
      expect(t.toString()).toMatch(/<on async-only; await t.data\(\) to read>/);
    } finally {
      useBackend(createCpuBackend());
    }
  });
});
