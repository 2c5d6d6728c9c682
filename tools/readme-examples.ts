import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Runs every ```ts block of a package README and checks what each prints
 * against its `// →` comments, so README examples cannot go stale. Call it
 * from a test file inside the package (imports in the blocks resolve there):
 * `describeReadmeExamples(new URL('../README.md', import.meta.url), new URL('./', import.meta.url))`.
 */
export function describeReadmeExamples(readmeUrl: URL, testDirUrl: URL, minExamples = 1): void {
  const tmpDir = fileURLToPath(new URL('./.readme-examples/', testDirUrl));
  afterAll(() => rm(tmpDir, { recursive: true, force: true }));

  describe('README examples', async () => {
    const examples = parseExamples(await readFile(readmeUrl, 'utf8'));

    it(`has at least ${minExamples} example(s)`, () => {
      expect(examples.length).toBeGreaterThanOrEqual(minExamples);
    });

    examples.forEach((example, i) => {
      it(`example ${i + 1} prints what the README says`, async () => {
        await mkdir(tmpDir, { recursive: true });
        const file = `${tmpDir}example-${i}.ts`;
        const source = [
          ...example.imports,
          'export default async function run(console: { log: (...args: unknown[]) => void }): Promise<void> {',
          ...example.body,
          '}',
        ].join('\n');
        await writeFile(file, source);
        const printed: string[] = [];
        const mod: { default: (c: { log: (...args: unknown[]) => void }) => Promise<void> } = await import(
          /* @vite-ignore */ file
        );
        await mod.default({ log: (...args) => printed.push(format(...args)) });
        expect(printed).toEqual(example.expected);
      }, 60_000);
    });
  });
}

interface Example {
  imports: string[];
  body: string[];
  expected: string[];
}

function parseExamples(markdown: string): Example[] {
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.map((block) => {
    const lines = block.split('\n');
    const imports = lines.filter((l) => l.startsWith('import '));
    const body = lines.filter((l) => !l.startsWith('import '));
    const expected = body.filter((l) => l.trim().startsWith('// →')).map((l) => l.trim().slice('// →'.length).trim());
    return { imports, body, expected };
  });
}
