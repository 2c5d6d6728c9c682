import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTrain } from '../src/index';

const dir = join(tmpdir(), `strata-cli-webgpu-${process.pid}`);

describe('strata train lenet --backend webgpu (Dawn)', () => {
  it('trains on WebGPU and ends with the weights a CPU run computes, within float tolerance', async () => {
    const base = { epochs: 1, batchSize: 32, lr: 4e-3, seed: 5, limit: 96, testLimit: 64, progress: false };
    const gpu = await runTrain({ ...base, backend: 'webgpu', out: join(dir, 'gpu.safetensors') }, () => {});
    const cpu = await runTrain({ ...base, backend: 'cpu', out: join(dir, 'cpu.safetensors') }, () => {});
    const gpuState = gpu.model.stateDict();
    const cpuState = cpu.model.stateDict();
    for (const [key, cpuTensor] of Object.entries(cpuState)) {
      const g = Array.from(await (gpuState[key] as typeof cpuTensor).data());
      const c = Array.from(await cpuTensor.data());
      const worst = Math.max(...c.map((v, i) => Math.abs(v - (g[i] as number))));
      expect(worst, key).toBeLessThan(1e-3);
    }
    expect(Math.abs(gpu.testAccuracy - cpu.testAccuracy)).toBeLessThanOrEqual(2 / 64);
    gpu.model.dispose();
    cpu.model.dispose();
    await rm(dir, { recursive: true, force: true });
  }, 180_000);
});
