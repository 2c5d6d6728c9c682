import { getBackend, registeredBackends } from '@strata/core';
import { selectBackend } from './backend';

/** `strata info`: which backends this process can use, and why the others are skipped. */
export async function runInfo(print: (line: string) => void): Promise<void> {
  const skipped: string[] = [];
  await selectBackend('auto', (line) => skipped.push(line));
  print(`Node ${process.version} on ${process.platform}-${process.arch}`);
  print(`registered backends: ${registeredBackends().join(', ')}`);
  print(`selected: ${getBackend().name}`);
  for (const line of skipped) print(`  ${line.replace(/^backend /, '')}`);
}
