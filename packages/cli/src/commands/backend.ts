import { initBackend, setBackend } from '@strata/core';

export const BACKEND_CHOICES = ['auto', 'cpu', 'webgpu', 'webgl', 'wasm'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Selects the backend for a command; 'auto' takes the first that initialises and says why others were skipped. */
export async function selectBackend(choice: BackendChoice, print: (line: string) => void): Promise<string> {
  if (choice !== 'auto') {
    await setBackend(choice);
    return choice;
  }
  const result = await initBackend(['webgpu', 'webgl', 'wasm', 'cpu']);
  for (const s of result.skipped) print(`backend ${s.name} skipped: ${s.reason}`);
  return result.backend;
}
