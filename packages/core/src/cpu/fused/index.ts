import type { FusedKernels } from '../../backend/fused';
import type { StorageArray } from '../../dtype';
import { conv2dKernel } from './conv2d';
import { layerNormKernel } from './layer-norm';
import { softmaxKernel } from './softmax';

/**
 * The CPU backend's fused fast paths, one file per composite in this folder.
 * Each entry must match its composite in core (the conformance suite checks it).
 */
export const cpuFused: FusedKernels<StorageArray> = {
  softmax: softmaxKernel,
  layerNorm: layerNormKernel,
  conv2d: conv2dKernel,
};
