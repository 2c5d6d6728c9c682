/**
 * The bench page: runs a browser suite with the same runner as the CLI and
 * hands each case's result to the launcher (browser/launch.ts) as it finishes,
 * through the `benchReport` binding the launcher exposes.
 */
import { runCase } from '../runner';
import type { CaseResult, RunOptions } from '../types';
import { webglCases } from './webgl-cases';

declare global {
  interface Window {
    /** Exposed by the launcher (playwright's exposeFunction). */
    benchReport(result: CaseResult): Promise<void>;
    benchLog(line: string): Promise<void>;
    runBrowserSuite(suite: string, options: RunOptions): Promise<CaseResult[]>;
  }
}

const browserSuites = { webgl: webglCases };

window.runBrowserSuite = async (suite, options) => {
  const make = browserSuites[suite as keyof typeof browserSuites];
  if (!make) throw new Error(`no browser suite '${suite}' (have: ${Object.keys(browserSuites).join(', ')})`);
  const { cases, renderer } = await make();
  await window.benchLog(`${suite}: WebGL renderer ${renderer}`);
  const results: CaseResult[] = [];
  for (const benchCase of cases) {
    const result = await runCase(suite, benchCase, options);
    await window.benchReport(result);
    results.push(result);
  }
  return results;
};
