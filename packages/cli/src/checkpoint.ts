/**
 * Training checkpoints as one safetensors file: the model's tensors under
 * `model.<key>`, the optimizer's state tensors under `optimizer.<param>.<name>`,
 * and everything else (epoch, optimizer groups and step counts, seed, config)
 * as JSON in the metadata. Written atomically (temp file + rename), so an
 * interrupted run never leaves a half-written checkpoint.
 */

import { readFile } from 'node:fs/promises';
import { isTensor, loadSafetensors, type Tensor } from '@strata/core';
import { saveSafetensorsFile } from '@strata/core/node';
import type { Module } from '@strata/nn';
import type { Optimizer, OptimizerStateDict } from '@strata/optim';

export const CHECKPOINT_FORMAT = 'strata-checkpoint-1';

export interface CheckpointInfo {
  /** Epochs completed. */
  epoch: number;
  seed: number;
  /** Free-form settings the run was started with. */
  config: Record<string, unknown>;
}

/** What checkpointing needs of an optimizer, whatever its group options. */
type AnyOptimizer = Pick<Optimizer, 'stateDict' | 'loadStateDict'>;

export async function saveCheckpoint(path: string, model: Module, optimizer: AnyOptimizer, info: CheckpointInfo): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) tensors[`model.${k}`] = t;
  const optState = optimizer.stateDict();
  const scalars: Record<string, Record<string, number>> = {};
  for (const [param, entries] of Object.entries(optState.state)) {
    for (const [name, value] of Object.entries(entries)) {
      if (isTensor(value)) tensors[`optimizer.${param}.${name}`] = value;
      else {
        scalars[param] ??= {};
        scalars[param][name] = value;
      }
    }
  }
  await saveSafetensorsFile(path, tensors, {
    format: CHECKPOINT_FORMAT,
    info: JSON.stringify(info),
    optimizer: JSON.stringify({ param_groups: optState.param_groups, scalars }),
  });
}

/** Restores model and optimizer in place; returns what the run had recorded. */
export async function loadCheckpoint(path: string, model: Module, optimizer: AnyOptimizer): Promise<CheckpointInfo> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new Error(`--resume: cannot read checkpoint '${path}': ${(error as Error).message}`);
  }
  const { tensors, metadata } = loadSafetensors(bytes);
  try {
    if (metadata.format !== CHECKPOINT_FORMAT) {
      throw new Error(`--resume: '${path}' is not a Strata training checkpoint (format '${metadata.format ?? 'missing'}')`);
    }
    const modelState: Record<string, Tensor> = {};
    const state: OptimizerStateDict['state'] = {};
    for (const [key, t] of Object.entries(tensors)) {
      if (key.startsWith('model.')) modelState[key.slice('model.'.length)] = t;
      else if (key.startsWith('optimizer.')) {
        const [, param, name] = key.split('.') as [string, string, string];
        state[Number(param)] ??= {};
        (state[Number(param)] as Record<string, Tensor | number>)[name] = t;
      }
    }
    const saved = JSON.parse(metadata.optimizer ?? '{}') as {
      param_groups: OptimizerStateDict['param_groups'];
      scalars: Record<string, Record<string, number>>;
    };
    for (const [param, entries] of Object.entries(saved.scalars ?? {})) {
      state[Number(param)] ??= {};
      Object.assign(state[Number(param)] as Record<string, Tensor | number>, entries);
    }
    model.loadStateDict(modelState);
    optimizer.loadStateDict({ state, param_groups: saved.param_groups });
    return JSON.parse(metadata.info ?? '{}') as CheckpointInfo;
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
