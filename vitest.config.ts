import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { readModuleBytes } from './tools/browser-commands';
import { sourceConditions } from './vitest.shared';

/**
 * Flags for the system Chromium (no browser download): WebGPU needs
 * --enable-unsafe-webgpu on Linux, and SwiftShader gives both WebGPU (Vulkan)
 * and WebGL2 (ANGLE) without a GPU. See ../shared/ENVIRONMENT.md.
 */
const chromiumArgs = [
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

export default defineConfig({
  test: {
    reporters: ['default', './tools/summary-reporter.ts'],
    projects: [
      'packages/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      {
        resolve: { conditions: sourceConditions },
        ssr: { resolve: { conditions: sourceConditions } },
        optimizeDeps: { include: ['../packages/backend-webgl > gpu.js'] }, // CJS, not a root dependency: found via its package
        test: {
          name: 'browser',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // STRATA_WEBGL_LENET=full runs the full LeNet-5-on-WebGL training test (7-16 min on SwiftShader).
          provide: { webglLenetFull: process.env.STRATA_WEBGL_LENET === 'full' },
          include: ['packages/*/{src,test}/**/*.browser.test.ts', 'apps/*/{src,test}/**/*.browser.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
                args: chromiumArgs,
              },
            }),
            instances: [{ browser: 'chromium' }],
            commands: { readModuleBytes },
          },
        },
      },
    ],
  },
});
