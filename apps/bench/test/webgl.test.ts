import { describe, expect, it } from 'vitest';
import { loadSuites } from '../src/suites';
import suite from '../src/suites/webgl';

// The suite itself runs in headless Chromium (`pnpm bench webgl`); here only its wiring is checked.
describe('webgl suite', () => {
  it('is listed, and runs through its browser launcher rather than cases()', async () => {
    expect((await loadSuites()).map((s) => s.name)).toContain('webgl');
    expect(typeof suite.run).toBe('function');
    expect(() => suite.cases()).toThrow(/runs in a browser page.*pnpm bench webgl/);
  });
});
