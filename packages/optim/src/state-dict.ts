/**
 * State dicts in PyTorch's structure. Options are camelCase in the API
 * (`weightDecay`, `initialLr`) and snake_case in state dicts (`weight_decay`,
 * `initial_lr`), so a dict round-trips with `torch.optim.Optimizer.state_dict()`
 * once tensors travel as safetensors and the rest as JSON.
 */
import type { Tensor } from '@strata/core';

/** One entry of `param_groups`: snake_case options and the indices of its parameters. */
export type GroupStateDict = { params: number[]; [option: string]: unknown };

/**
 * `{ state: { 0: { step: 3, exp_avg: Tensor, ... } }, param_groups: [{ lr: 0.001, betas: [0.9, 0.999], ..., params: [0, 1] }] }`.
 */
export interface OptimizerStateDict {
  state: Record<number, Record<string, Tensor | number>>;
  param_groups: GroupStateDict[];
}

/** `weightDecay` → `weight_decay`. */
export function toSnakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `weight_decay` → `weightDecay`. */
export function toCamelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
