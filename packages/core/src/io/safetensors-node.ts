/**
 * Node helpers for safetensors files. Kept out of the main entry (import them
 * from `@strata/core/node`) so browser bundles never pull in `node:fs`.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import type { Tensor } from '../tensor/tensor';
import {
  type LoadedSafetensors,
  type LoadSafetensorsOptions,
  loadSafetensors,
  type SaveSafetensorsOptions,
  saveSafetensors,
} from './safetensors';

/**
 * Writes named tensors to a safetensors file atomically: the bytes go to a
 * temporary file next to `path`, are flushed to disk, and the temporary file is
 * renamed over `path`, so readers never see a half-written file.
 */
export async function saveSafetensorsFile(
  path: string,
  record: Record<string, Tensor>,
  metadata?: Record<string, string>,
  options?: SaveSafetensorsOptions,
): Promise<void> {
  const bytes = await saveSafetensors(record, metadata, options);
  const temp = `${path}.${process.pid}-${randomUUID()}.tmp`;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** Reads a safetensors file (see `loadSafetensors` for the dtypes and checks). */
export async function loadSafetensorsFile(path: string, options?: LoadSafetensorsOptions): Promise<LoadedSafetensors> {
  return loadSafetensors(await readFile(path), options);
}
