import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The main entry must run in browsers: no module it reaches may import node
// builtins. Node-only code lives behind src/node.ts.
const src = fileURLToPath(new URL('../src/', import.meta.url));

async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm), ...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map(
    (m) => m[1] as string,
  );
}

async function reachable(entry: string): Promise<Map<string, string[]>> {
  const seen = new Map<string, string[]>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    const specifiers = await importsOf(file);
    seen.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) await visit(`${resolve(dirname(file), s)}.ts`);
  };
  await visit(join(src, entry));
  return seen;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sourceFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [join(dir, e.name)] : []),
    ),
  );
  return nested.flat();
}

describe('entries', () => {
  it('the main entry reaches no node builtins', async () => {
    const graph = await reachable('index.ts');
    const offenders = [...graph].flatMap(([file, specs]) =>
      specs.filter((s) => s.startsWith('node:')).map((s) => `${relative(src, file)} imports ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('every source file is reachable from an entry, and node-only files only from the node entry', async () => {
    const main = new Set((await reachable('index.ts')).keys());
    const node = new Set((await reachable('node.ts')).keys());
    for (const file of await sourceFiles(src)) {
      expect(main.has(file) || node.has(file), relative(src, file)).toBe(true);
      if (!main.has(file)) expect(['node.ts', join('readers', 'directory-source.ts')]).toContain(relative(src, file));
    }
  });

  it('every source file stays under 400 lines', async () => {
    for (const file of await sourceFiles(src)) {
      const lines = (await readFile(file, 'utf8')).split('\n').length;
      expect(lines, relative(src, file)).toBeLessThan(400);
    }
  });
});
