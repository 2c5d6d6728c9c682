import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Suite } from './types';

const suitesDir = fileURLToPath(new URL('./suites/', import.meta.url));

function isSuite(value: unknown): value is Suite {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return typeof s.name === 'string' && typeof s.description === 'string' && typeof s.cases === 'function';
}

/**
 * Every file in src/suites/ default-exports one suite; the list is read from
 * the directory, so adding a suite is adding a file (no registry to keep).
 */
export async function loadSuites(): Promise<Suite[]> {
  const files = (await readdir(suitesDir)).filter((f) => /\.(ts|js)$/.test(f) && !/\.test\./.test(f)).sort();
  const suites: Suite[] = [];
  for (const file of files) {
    const mod: { default?: unknown } = await import(pathToFileURL(suitesDir + file).href);
    if (!isSuite(mod.default)) throw new Error(`bench: ${file} must default-export a Suite ({ name, description, cases })`);
    suites.push(mod.default);
  }
  return suites;
}
