import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// ops/index.ts is the one list of op modules; this keeps it from drifting.
it('ops/index.ts re-exports every op module in the directory', async () => {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const modules = (await readdir(dir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts' && f !== 'tensor-method.ts')
    .map((f) => f.replace(/\.ts$/, ''));
  const index = await readFile(new URL('./index.ts', import.meta.url), 'utf8');
  const exported = [...index.matchAll(/export \* from '\.\/([\w-]+)'/g)].map((m) => m[1]);
  expect(exported.sort()).toEqual(modules.sort());
});
