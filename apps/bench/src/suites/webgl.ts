import { runBrowserSuite } from '../browser/launch';
import type { Suite } from '../types';

/**
 * Runs in headless Chromium (browser/launch.ts starts it): the cases are built
 * and timed in the page (browser/webgl-cases.ts), where WebGL2 is.
 */
const suite: Suite = {
  name: 'webgl',
  description:
    'Strata WebGL (gpu.js) vs tfjs-backend-webgl in one headless Chromium page: matmul 256-1024, conv2d, LeNet-5 training step (float32)',
  cases() {
    throw new Error("bench: the 'webgl' suite runs in a browser page; run it with `pnpm bench webgl`");
  },
  run: (options, onResult) => runBrowserSuite('webgl', options, onResult),
};

export default suite;
