import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * The export condition that points every `@strata/*` package at its TypeScript
 * source, so tests never need a build of their dependencies first. Both the
 * client and the SSR resolver need it: node tests run through the SSR one.
 */
export const sourceConditions = ['@strata/source'];

/** Node test project for one package or app, named after its directory. */
export function nodeProject(name: string, overrides: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      exclude: ['**/*.browser.test.ts', '**/node_modules/**', '**/dist/**'],
      passWithNoTests: true,
      // Numeric tests on 2 shared cores (and Dawn on a software rasteriser) can
      // take seconds; vitest's 5 s default turns a busy machine into failures.
      testTimeout: 60_000,
      hookTimeout: 120_000,
      // Dawn (WebGPU in Node) needs a real process per file; it also keeps heavy
      // numeric tests from sharing one V8 heap.
      pool: 'forks',
      env: { EGL_PLATFORM: 'surfaceless' },
      ...overrides,
    },
  });
}
