/** Node file helpers: `await saveModuleFile(model, 'model.safetensors')`. */
import { readFile } from 'node:fs/promises';
import { saveSafetensorsFile } from '@strata/core/node';
import type { LoadStateDictOptions, LoadStateDictResult, Module } from './module';
import { loadModule } from './serialize';

export function saveModuleFile(module: Module, path: string, metadata?: Record<string, string>): Promise<void> {
  return saveSafetensorsFile(path, module.stateDict(), metadata);
}

export async function loadModuleFile(
  module: Module,
  path: string,
  options: LoadStateDictOptions = {},
): Promise<LoadStateDictResult & { metadata: Record<string, string> }> {
  return loadModule(module, await readFile(path), options);
}
