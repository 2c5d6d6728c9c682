import { describe, expect, it } from 'vitest';
import { benchSpec, convFlops } from '../src/cases/conv';
import { LENET_BATCH } from '../src/cases/lenet';
import { runCase } from '../src/runner';
import suite, {
  isSoftwareAdapter,
  MATMUL_SIZES,
  matmulCase,
  matmulLimits,
  matmulSizes,
  openWebGpu,
  STRATA_CPU,
  STRATA_WEBGPU,
  TFJS_WEBGPU,
} from '../src/suites/webgpu';

describe('webgpu suite: size policy', () => {
  it('tells software adapters from hardware ones by name or description', () => {
    expect(isSoftwareAdapter({ device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'OpenGL ES 3.2 Mesa 22.3.6' })).toBe(true);
    expect(isSoftwareAdapter({ device: '', description: 'SwiftShader Device (Subzero)' })).toBe(true);
    expect(isSoftwareAdapter({ device: 'NVIDIA H100 80GB HBM3', description: 'NVIDIA: 550.54' })).toBe(false);
  });

  it('runs matmul up to 1024 on a software adapter unless asked for all sizes, and every size on hardware', () => {
    expect(MATMUL_SIZES).toEqual([256, 512, 1024, 2048, 4096]);
    expect(matmulSizes(true)).toEqual([256, 512, 1024]);
    expect(matmulSizes(true, true)).toEqual(MATMUL_SIZES);
    expect(matmulSizes(false)).toEqual(MATMUL_SIZES);
    for (const n of MATMUL_SIZES) expect(matmulLimits(n, true)?.repetitions).toBeGreaterThanOrEqual(1);
    expect(matmulLimits(4096, false)).toEqual({ warmup: 1, repetitions: 3 });
  });
});

describe('webgpu suite: cases', () => {
  it('has well-formed cases: tfjs-webgpu first (the baseline peer), then Strata WebGPU and Strata CPU', async () => {
    const e = await openWebGpu();
    const cases = await suite.cases();
    const sizes = matmulSizes(e.software, process.env.BENCH_WEBGPU_ALL_SIZES === '1');
    expect(cases.map((c) => c.name)).toEqual([
      ...sizes.map((n) => `matmul ${n}x${n} f32`),
      'conv2d 3x3 same, 32x32x28x28 -> 32 f32',
      `LeNet-5 training step, batch ${LENET_BATCH} (forward, backward, Adam)`,
    ]);
    for (const [i, n] of sizes.entries()) expect(cases[i]?.work).toEqual({ amount: 2 * n ** 3, unit: 'FLOP' });
    expect(cases.at(-2)?.work).toEqual({ amount: convFlops(benchSpec), unit: 'FLOP' });
    expect(cases.at(-1)?.work).toEqual({ amount: LENET_BATCH, unit: 'images' });
    for (const c of cases) {
      const names = c.implementations.map((impl) => impl.name);
      expect(c.implementations[0]?.peer, c.name).toBe(true);
      expect(names[0], c.name).toMatch(new RegExp(`^${TFJS_WEBGPU}`));
      expect(names.slice(-2), c.name).toEqual([STRATA_WEBGPU, STRATA_CPU]);
      expect(new Set(names).size, c.name).toBe(names.length);
      expect(c.limits?.repetitions ?? 1, c.name).toBeGreaterThanOrEqual(1);
    }
    // tfjs-cpu joins LeNet as a second peer only when tfjs-webgpu cannot run here.
    const lenetPeers = cases
      .at(-1)
      ?.implementations.filter((impl) => impl.peer)
      .map((impl) => impl.name);
    expect(lenetPeers).toEqual(
      e.tfjsUnavailable === undefined
        ? [`${TFJS_WEBGPU} (tfjs-layers)`]
        : [`${TFJS_WEBGPU} (tfjs-layers)`, 'tfjs-cpu (tfjs-layers)'],
    );
  }, 120_000);

  it('runs a 64x64 matmul end to end, one timed run, on every implementation', async () => {
    const e = await openWebGpu();
    const result = await runCase('webgpu', matmulCase(e, 64), { warmup: 0, repetitions: 1 });
    expect(result.results.map((r) => r.name)).toEqual([TFJS_WEBGPU, STRATA_WEBGPU, STRATA_CPU]);
    for (const r of result.results) {
      if (r.unavailable !== undefined) {
        // Only a peer may be missing, and then it says why.
        expect(r.peer, r.name).toBe(true);
        expect(r.unavailable.length).toBeGreaterThan(0);
        expect(r.samplesMs).toEqual([]);
        continue;
      }
      expect(r.samplesMs, r.name).toHaveLength(1);
      expect(Number.isFinite(r.medianMs), r.name).toBe(true);
      expect(r.throughput, r.name).toBeGreaterThan(0);
    }
    expect(result.baseline).toBe(e.tfjsUnavailable === undefined ? TFJS_WEBGPU : undefined);
  }, 120_000);
});
