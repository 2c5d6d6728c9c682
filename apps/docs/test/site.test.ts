import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright';
import { build, serve } from 'vitepress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedOutput } from '../examples/expected-output';

// Builds the real site, serves the static output, and drives the system
// Chromium to press Run on the example page: the path a reader takes.
const root = fileURLToPath(new URL('..', import.meta.url));
let server: Awaited<ReturnType<typeof serve>>['server'] | undefined;
let browser: Browser | undefined;
let baseUrl = '';

beforeAll(async () => {
  await build(root);
  const preview = await serve({ root, port: 0 });
  server = preview.server;
  const address = server?.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  baseUrl = `http://127.0.0.1:${address.port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('docs site', () => {
  it('home page renders', async () => {
    const page = await (browser as Browser).newPage();
    await page.goto(`${baseUrl}/`);
    await expect(page.locator('.VPHero .name').textContent()).resolves.toContain('Strata');
    await page.close();
  });

  for (const [name, path] of [
    ['first-steps', 'guide/first-steps'],
    ['tensors', 'guide/tensors'],
    ['autograd', 'guide/autograd'],
    ['backends', 'guide/backends'],
    ['train-xor', 'guide/training'],
    ['pretrained-lenet', 'guide/pretrained'],
  ] as const) {
    it(`runs the ${name} example in the page when Run is clicked`, async () => {
      const page = await (browser as Browser).newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${baseUrl}/${path}`);
      const example = page.locator(`[data-example="${name}"]`);
      await expect(example.locator('code').textContent()).resolves.toContain('export async function run');
      await example.getByRole('button', { name: 'Run' }).click();
      await page.waitForSelector(`[data-example="${name}"]:is([data-status="done"], [data-status="error"])`, { timeout: 60_000 });
      const status = await example.getAttribute('data-status');
      expect(status, (await example.locator('.example-output').textContent()) ?? '').toBe('done');
      await expect(example.locator('.example-output').textContent()).resolves.toBe(expectedOutput[name]?.join('\n'));
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
