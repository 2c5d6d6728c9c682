import { nodeProject } from '../../vitest.shared';

export default nodeProject('docs', {
  include: ['examples/**/*.test.ts', 'test/**/*.test.ts'],
  // The site test builds the whole site before it opens Chromium.
  testTimeout: 120_000,
  hookTimeout: 120_000,
});
