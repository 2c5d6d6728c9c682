/**
 * Runs a browser suite (browser/page.ts) in headless Chromium from the CLI:
 * Vite serves the page from this folder (TypeScript sources of the workspace
 * packages through the `@strata/source` condition), playwright opens it in the
 * system Chromium with the flags the browser tests use (SwiftShader for WebGL2
 * and WebGPU without a GPU), and the page's runner reports each case back as it
 * finishes. Timing happens in the page, so it is the browser's own.
 */
import { fileURLToPath } from 'node:url';
import type { CaseResult, RunOptions } from '../types';

/** The Chromium flags of the root vitest.config.ts browser project (see ../shared/ENVIRONMENT.md). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
];

const pageDir = fileURLToPath(new URL('.', import.meta.url));
const benchDir = fileURLToPath(new URL('../..', import.meta.url));

export async function runBrowserSuite(
  suite: string,
  options: RunOptions,
  onResult: (result: CaseResult) => void,
): Promise<CaseResult[]> {
  const { createServer } = await import('vite');
  const { chromium } = await import('playwright');
  const server = await createServer({
    root: pageDir,
    configFile: false,
    logLevel: 'warn',
    cacheDir: `${benchDir}node_modules/.vite-browser-bench`,
    resolve: { conditions: ['@strata/source', 'module', 'browser', 'development|production'] },
    // CommonJS dependencies, pre-bundled up front so that Vite does not reload the page mid-run.
    optimizeDeps: {
      include: [
        '@strata/backend-webgl > gpu.js',
        '@tensorflow/tfjs-core',
        '@tensorflow/tfjs-backend-webgl',
        '@tensorflow/tfjs-layers',
      ],
    },
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  try {
    if (!url) throw new Error('bench: the Vite server gave no local URL');
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') console.error(`[page] ${message.text()}`);
    });
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    await page.exposeFunction('benchReport', (result: CaseResult) => onResult(result));
    // On stderr, so that --json output stays parseable.
    await page.exposeFunction('benchLog', (line: string) => console.error(line));
    await page.goto(url);
    await page.waitForFunction(() => typeof window.runBrowserSuite === 'function', undefined, { timeout: 120_000 });
    return await page.evaluate(([name, opts]) => window.runBrowserSuite(name, opts), [suite, options] as const);
  } finally {
    await browser.close();
    await server.close();
  }
}
