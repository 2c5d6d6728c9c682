import type { Backend } from '../backend/backend';
import type { KernelTable } from '../backend/primitives';
import { allocStorageArray, type DType, type StorageArray } from '../dtype';
import { argsortKernel } from './argsort';
import { elementwiseKernel } from './elementwise';
import { cpuFused } from './fused/index';
import { concatKernel, gatherKernel, padKernel, scatterAddKernel } from './indexing';
import { matmulKernel } from './matmul';
import { randomKernel } from './random';
import { reduceKernel, scanKernel } from './reduce';

const kernels: KernelTable<StorageArray> = {
  elementwise: elementwiseKernel,
  reduce: reduceKernel,
  scan: scanKernel,
  matmul: matmulKernel,
  gather: gatherKernel,
  scatterAdd: scatterAddKernel,
  concat: concatKernel,
  pad: padKernel,
  random: randomKernel,
  argsort: argsortKernel,
};

function copy(data: StorageArray, dtype: DType): StorageArray {
  const out = allocStorageArray(dtype, data.length);
  out.set(data);
  return out;
}

/**
 * The CPU backend: storage is a typed array, kernels are plain TypeScript. It
 * is the living definition of every op that other backends are checked against,
 * so it favours clarity, except in matmul which is cache-blocked.
 */
export function createCpuBackend(): Backend<StorageArray> {
  return {
    name: 'cpu',
    capabilities: { dtypes: ['float32', 'float16', 'int32', 'bool'], syncRead: true, floatEpsilon: 2 ** -23 },
    kernels,
    fused: cpuFused,
    upload: copy,
    read: async (storage, dtype) => copy(storage, dtype),
    readSync: (storage, dtype) => copy(storage, dtype),
    free: () => {},
  };
}
