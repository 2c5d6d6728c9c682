import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsError, saveSafetensors, tensor } from '../index';
import { loadSafetensorsFile, saveSafetensorsFile } from '../node';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-safetensors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('safetensors files (@strata/core/node)', () => {
  it('saves and loads a file, with the same bytes as saveSafetensors', async () => {
    const record = { w: tensor([[1.5, -2]]), n: tensor([3], { dtype: 'int32' }) };
    const path = join(dir, 'model.safetensors');
    await saveSafetensorsFile(path, record, { format: 'pt' });
    expect(Array.from(await readFile(path))).toEqual(Array.from(await saveSafetensors(record, { format: 'pt' })));
    const { tensors, metadata } = await loadSafetensorsFile(path);
    expect(metadata).toEqual({ format: 'pt' });
    expect(await tensors.w?.toArray()).toEqual([[1.5, -2]]);
    expect(await tensors.n?.toArray()).toEqual([3]);
  });

  it('replaces an existing file and leaves no temporary files behind', async () => {
    const path = join(dir, 'replace.safetensors');
    await writeFile(path, 'old contents');
    await saveSafetensorsFile(path, { x: tensor([7], { dtype: 'int32' }) });
    expect(await (await loadSafetensorsFile(path)).tensors.x?.toArray()).toEqual([7]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves the old file intact when saving fails', async () => {
    const path = join(dir, 'keep.safetensors');
    await saveSafetensorsFile(path, { x: tensor([1], { dtype: 'int32' }) });
    await expect(saveSafetensorsFile(path, { __metadata__: tensor([1]) })).rejects.toThrow(SafetensorsError);
    await expect(saveSafetensorsFile(join(dir, 'missing-dir', 'a.safetensors'), { x: tensor([1]) })).rejects.toThrow(/ENOENT/);
    expect(await (await loadSafetensorsFile(path)).tensors.x?.toArray()).toEqual([1]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reports malformed files as SafetensorsError', async () => {
    const path = join(dir, 'bad.safetensors');
    await writeFile(path, new Uint8Array([1, 2, 3]));
    await expect(loadSafetensorsFile(path)).rejects.toThrow(/file is 3 bytes/);
  });
});
