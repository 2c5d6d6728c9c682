/**
 * @packageDocumentation
 * The one test suite every backend runs: op values against hand-computed
 * cases, float64 references and TensorFlow.js, broadcasting, strided and empty
 * inputs, dtype rules, property tests, memory and error checks.
 *
 * A backend package runs it from one test file:
 *
 * ```ts
 * import { describeBackend } from '@strata/conformance';
 * describeBackend('webgpu', () => createWebGpuBackend());
 * ```
 *
 * Tolerances and skips come only from the backend's declared `capabilities`
 * (floatEpsilon, dtypes, syncRead), never from lists of test names.
 */
import { type Backend, type BackendFactory, useBackend } from '@strata/core';
import { afterAll, beforeAll, describe } from 'vitest';
import { Harness, type Section } from './harness';
import { initTf } from './oracle';
import { argScanSection } from './sections/arg-scan';
import { binarySection } from './sections/binary';
import { convPoolSection } from './sections/conv-pool';
import { creationSection } from './sections/creation';
import { dtypesSection } from './sections/dtypes';
import { elementwiseSection } from './sections/elementwise';
import { errorsSection } from './sections/errors';
import { gradientsSection } from './sections/gradients';
import { gradientsNnSection } from './sections/gradients-nn';
import { matmulSection } from './sections/matmul';
import { memorySection } from './sections/memory';
import { nnFunctionalSection } from './sections/nn-functional';
import { propertiesSection } from './sections/properties';
import { randomSection } from './sections/random';
import { readsSection } from './sections/reads';
import { reduceSection } from './sections/reduce';
import { shapeOpsSection } from './sections/shape-ops';
import { viewsSection } from './sections/views';

export { type Expected, type ExpectOptions, expectTensor, expectValues, mismatches } from './compare';
export { type BackendInfo, Harness, type Section, type SkipContext, type Tolerance } from './harness';

/** Every section, in the order they run. */
export const sections: readonly Section[] = [
  creationSection,
  readsSection,
  elementwiseSection,
  binarySection,
  dtypesSection,
  reduceSection,
  argScanSection,
  matmulSection,
  viewsSection,
  shapeOpsSection,
  convPoolSection,
  nnFunctionalSection,
  randomSection,
  propertiesSection,
  memorySection,
  errorsSection,
  gradientsSection,
  gradientsNnSection,
];

/**
 * Registers the conformance suite for one backend: inside a vitest `describe`,
 * creates the backend in `beforeAll`, registers and selects it with
 * `useBackend`, and runs every section against it.
 */
export function describeBackend<S extends object>(name: string, factory: BackendFactory<S>): void {
  const harness = new Harness(name);
  describe(`conformance: ${name}`, () => {
    let backend: Backend<S> | undefined;
    beforeAll(async () => {
      backend = await factory();
      useBackend(backend);
      harness.attach(backend);
      await initTf();
    }, 60_000);
    afterAll(() => {
      backend?.destroy?.();
    });
    for (const section of sections) section(harness);
  });
}
