import type { FusedKernels } from '../../backend/fused';
import type { StorageArray } from '../../dtype';

/**
 * The CPU backend's fused fast paths, one file per composite in this folder.
 * Each entry must match its composite in core (the conformance suite checks it).
 */
export const cpuFused: FusedKernels<StorageArray> = {};
