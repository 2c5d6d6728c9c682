import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type Backend,
  createCpuBackend,
  type Kernel,
  type KernelTable,
  type Primitive,
  primitives,
  type StorageArray,
} from '../src/index';

const cpu = createCpuBackend();
const stub: Kernel<StorageArray, Primitive> = () => new Float32Array(0);

describe('backend contract', () => {
  it('lists every primitive once, and the CPU backend implements each', () => {
    expect(new Set(primitives).size).toBe(primitives.length);
    expect(Object.keys(cpu.kernels).sort()).toEqual([...primitives].sort());
  });

  it('does not compile a kernel table that lacks a primitive', () => {
    const { argsort: _omitted, ...allButArgsort } = cpu.kernels;
    // @ts-expect-error — 'argsort' is missing: a backend without it fails `pnpm typecheck`.
    const incomplete: KernelTable<StorageArray> = allButArgsort;
    expect(Object.keys(incomplete)).not.toContain('argsort');
    expectTypeOf<keyof KernelTable<StorageArray>>().toEqualTypeOf<Primitive>();
  });

  it('does not compile a backend whose kernel has the wrong parameter types', () => {
    const badMatmul = (_inputs: readonly unknown[], params: { axis: number }) => new Float32Array(params.axis);
    const backend: Backend<StorageArray> = {
      ...cpu,
      // @ts-expect-error — matmul's params are Record<string, never>, not { axis }.
      kernels: { ...cpu.kernels, matmul: badMatmul },
    };
    expect(backend.name).toBe('cpu');
    expect(typeof stub).toBe('function');
  });
});
