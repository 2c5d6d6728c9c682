import { getBackend, initBackend, registeredBackends } from '@strata/core';

/** `strata info`: which backends this process can use, and why the others are skipped. */
export async function runInfo(print: (line: string) => void): Promise<void> {
  const preference = ['webgpu', 'webgl', 'wasm', 'cpu'];
  const result = await initBackend(preference);
  print(`Node ${process.version} on ${process.platform}-${process.arch}`);
  print(`registered backends: ${registeredBackends().join(', ')}`);
  print(`selected: ${getBackend().name}`);
  for (const s of result.skipped) print(`  skipped ${s.name}: ${s.reason}`);
}
