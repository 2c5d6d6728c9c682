/** One-call safetensors save/load of a module's state dict (PyTorch key names). */
import { loadSafetensors, saveSafetensors } from '@strata/core';
import type { LoadStateDictOptions, LoadStateDictResult, Module } from './module';

/** The module's state dict as safetensors bytes. */
export function saveModule(module: Module, metadata?: Record<string, string>): Promise<Uint8Array> {
  return saveSafetensors(module.stateDict(), metadata);
}

/** Loads safetensors bytes into a module by name; returns the file's metadata and the key report. */
export function loadModule(
  module: Module,
  bytes: Uint8Array | ArrayBuffer,
  options: LoadStateDictOptions = {},
): LoadStateDictResult & { metadata: Record<string, string> } {
  const { tensors, metadata } = loadSafetensors(bytes);
  try {
    return { ...module.loadStateDict(tensors, options), metadata };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
